#pragma once
// The contract between the engine and a neuron model (or spike source).
//
// A model is one file: constexpr parameter/state/receptor tables, a NeuronGroup subclass
// holding the population's state as structure-of-arrays, and one registration line. The
// engine calls update() once per step over a range of neurons; there is no virtual call
// per neuron.
//
// Step semantics (same as NEST): update(step s) advances every neuron from t = s*dt to
// (s+1)*dt. Synaptic input read from ring-buffer slot s is the input that arrives at the
// end of that step; it is added after the sub-threshold propagation. A neuron that crosses
// threshold during the step emits a spike stamped (s+1)*dt.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engram/core/parameters.hpp"

namespace engram {

namespace dendrites {
struct CablePopulation;
}

// Synaptic input accumulated per target, receptor and step. Single precision: synaptic
// weights are stored as float already, a slot sums a handful of them (relative rounding
// ~6e-8, far below any model error), and the neuron update streams these slots every step,
// so halving their size speeds up a memory-bound kernel by ~10 % (CUBA benchmark). Neuron
// state stays double.
using SynInput = float;

struct StepInput {
  int64_t step = 0;
  // Per receptor port: the slot of this step, one value per neuron of the group. The model
  // reads and zeroes the entries of the neurons it updates.
  std::span<SynInput* const> syn;
  // Injected current per neuron in pA (stimuli), constant over the step; null when none.
  const double* i_stim = nullptr;
};

class NeuronGroup {
 public:
  explicit NeuronGroup(uint32_t size) : size_(size) {}
  virtual ~NeuronGroup() = default;
  NeuronGroup(const NeuronGroup&) = delete;
  NeuronGroup& operator=(const NeuronGroup&) = delete;

  // Advances neurons [begin, end) by one step; appends the local index of each neuron that
  // spiked to `spiked`, in increasing order.
  virtual void update(const StepInput& in, uint32_t begin, uint32_t end,
                      std::vector<uint32_t>& spiked) = 0;

  // The SoA array of state variable `index` (in the order of the model's state table).
  virtual std::span<double> state(size_t index) = 0;

  uint32_t size() const { return size_; }

  // Models that locate a threshold crossing inside the step return, per neuron, the time of
  // its (first) spike after the step's start (ms, in (0, dt]); valid for the neurons update()
  // just reported. The recorded spike times use it; delivery stays on the step grid (the
  // spike acts from the end of its step, as every spike does). Null: no sub-step times.
  virtual const double* spike_offsets() const { return nullptr; }

 private:
  uint32_t size_;
};

// Everything a model needs to build its group.
struct GroupSetup {
  std::span<const double> params;  // in the order of the parameter table, canonical units
  uint32_t size = 0;
  double dt = 0.1;          // ms
  std::string integrator;   // one of ModelInfo::integrators
  uint64_t seed = 0;        // for sources that draw random numbers
  uint32_t gid_offset = 0;  // global id of neuron 0
  uint32_t group_index = 0;
  // spike_source only: spike times (ms) per neuron, sorted.
  std::vector<std::vector<double>> spike_times;
  // cable only: the cell of every member (dendrites/cable_population.hpp)
  std::shared_ptr<const dendrites::CablePopulation> cable;
};

enum class ModelKind { neuron, source };

// A cross-parameter rule broken: which key and why.
struct ParamProblem {
  std::string key;
  std::string message;
};

// A parameter or state variable set by name, in canonical units.
struct NamedValue {
  std::string_view name;
  double value;
};

// A named parameter set from the literature ("chattering", "adapting"). In a model file,
// `preset = "chattering"` starts from the model's defaults overridden by `params`; the
// population's own `params` and `init` override the preset in turn.
struct Preset {
  std::string_view name;
  std::string_view doc;                // one line: what the cell does
  std::string_view source;             // the publication, with figure or table
  std::span<const NamedValue> params;  // overrides of the parameter defaults
  std::span<const NamedValue> init{};  // initial state it was published with, if any
  std::string_view protocol{};         // the stimulus it was shown with, in words
};

// The largest time step an explicit integrator takes stably (ModelInfo::stable_dt).
struct StepBound {
  double dt = 0;  // ms; 0: no bound known (an implicit, exact or adaptive method)
  // true: a larger dt is unstable for certain (e.g. the resting state under explicit Euler),
  // so a model file asking for it is refused; false: an estimate, used as a suggestion
  bool certain = false;
};

struct ModelInfo {
  std::string_view name;
  ModelKind kind;
  std::string_view summary;  // one line
  std::string_view doc;      // equations, method, references
  std::span<const ParamSpec> params;
  std::span<const StateSpec> state;
  std::span<const ReceptorSpec> receptors;
  bool accepts_current;                           // current clamps / noise may target it
  std::span<const std::string_view> integrators;  // first is the default
  // Checks relations between parameters (e.g. v_reset < v_thresh); empty key: all fine.
  ParamProblem (*check)(std::span<const double> params, double dt);
  std::unique_ptr<NeuronGroup> (*create)(const GroupSetup& setup);
  std::span<const Preset> presets{};  // named parameter sets, in the order they are listed
  // Optional: the stable step of an explicit integrator for these parameters, for the
  // blow-up message ("try dt <= X ms") and, where certain, a check when the model is loaded.
  StepBound (*stable_dt)(std::span<const double> params, std::string_view integrator) = nullptr;
};

// The preset called `name` of model `m`, or null.
inline const Preset* find_preset(const ModelInfo& m, std::string_view name) {
  for (const auto& p : m.presets)
    if (p.name == name) return &p;
  return nullptr;
}

// The `create` entry of a model whose group is constructed from the setup.
template <class Group>
std::unique_ptr<NeuronGroup> create_group(const GroupSetup& setup) {
  return std::make_unique<Group>(setup);
}

// All registered models in a stable order.
std::span<const ModelInfo* const> all_models();
const ModelInfo* find_model(std::string_view name);

}  // namespace engram
