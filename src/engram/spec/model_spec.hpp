#pragma once
// A model as plain data: what the model file says, validated once, units resolved to the
// canonical units of the engine. The engine builds the runtime network from this and never
// reads the model file.
#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engram/core/error.hpp"
#include "engram/models/model.hpp"
#include "engram/plasticity/rule_spec.hpp"

namespace engram {

// Where a value came from, for errors found after parsing (e.g. while building).
struct Origin {
  SourceLocation where;
  std::string key_path;
};

// A value that is constant or drawn per neuron / synapse.
struct Distribution {
  enum class Kind { constant, normal, lognormal, uniform };
  Kind kind = Kind::constant;
  double a = 0;  // constant: value; normal: mean; lognormal: median; uniform: low
  double b = 0;  // normal: sd; lognormal: sigma (of log); uniform: high
  bool is_constant() const { return kind == Kind::constant; }
  // Mean of the distribution (for sign rules and estimates).
  double mean() const;
};

// A phase of the protocol (e.g. train, then test): plasticity scaled by `plasticity`
// (0 freezes every plastic projection, 1 leaves it as it is) over [start, stop).
struct PhaseSpec {
  std::string name;
  double start = 0, stop = 0;  // ms
  double plasticity = 1;
};

struct ProtocolSpec {
  double dt = 0.1;         // ms
  double duration = 1000;  // ms
  uint64_t seed = 1;
  std::string integrator = "auto";
  uint32_t threads = 1;           // threads of the engine; results do not depend on it
  std::vector<PhaseSpec> phases;  // back to back from 0; empty: one phase, plasticity 1
};

enum class CellKind { unspecified, excitatory, inhibitory };

struct PopulationSpec {
  std::string name;
  uint32_t size = 0;
  const ModelInfo* model = nullptr;
  std::string preset;  // the preset the parameters started from, "" for none
  CellKind kind = CellKind::unspecified;
  std::vector<double> params;                      // in the order of model->params
  std::vector<std::pair<int, Distribution>> init;  // state index -> initial value
  std::string integrator;
  std::vector<std::vector<double>> spike_times;  // spike_source only
  // space: neuron positions (um) in a box [0, extent) per axis; empty when not placed
  std::vector<std::array<double, 3>> positions;
  std::array<double, 3> extent{0, 0, 0};
  bool periodic = false;
  // model "cable": the cell, its synapse sites (the receptor ports) and probes; `model` then
  // points at cable->info, this population's own copy of the model
  std::shared_ptr<const dendrites::CablePopulation> cable;
  Origin origin;
};

// Connection probability as a function of distance: p(d) = p · profile(d).
struct DistanceProfile {
  enum class Kind { none, gaussian, exponential, custom };
  Kind kind = Kind::none;
  double scale = 0;                       // gaussian: sigma; exponential: lambda (um)
  std::vector<double> distances, values;  // custom: piecewise linear, 0 beyond the last
  double cutoff = std::numeric_limits<double>::infinity();  // um: 0 beyond it
  double operator()(double d) const;
  // The distance beyond which the profile is 0 (the cutoff, or a custom profile's last
  // distance); infinite when it never is.
  double reach() const;
};

enum class ConnectRule {
  all_to_all,
  one_to_one,
  fixed_probability,
  fixed_indegree,
  fixed_outdegree,
  fixed_total_number,
  from_list
};

struct ListedSynapse {
  uint32_t pre = 0, post = 0;
  std::optional<double> weight, delay;
};

struct ConnectSpec {
  ConnectRule rule = ConnectRule::all_to_all;
  double p = 0;
  uint32_t k = 0;
  uint64_t n = 0;  // fixed_total_number
  bool autapses = true;
  bool multapses = true;
  std::vector<ListedSynapse> list;  // from_list
  DistanceProfile profile;          // fixed_probability / all_to_all between placed populations
};

struct ProjectionSpec {
  std::string name;
  int from = -1, to = -1;  // population indices
  ConnectSpec connect;
  int receptor = 0;
  Distribution weight;  // canonical unit of the receptor's weight dimension
  Distribution delay;   // ms
  // distance-dependent delay: offset + distance / velocity (when velocity > 0)
  double velocity = 0;              // um/ms
  double delay_offset = 0;          // ms
  StpSpec stp;                      // synapse.stp
  StdpSpec stdp;                    // synapse.plasticity
  ScalingSpec scaling;              // synapse.scaling
  ConsolidationSpec consolidation;  // synapse.consolidation
  Origin origin;
};

enum class StimulusKind { dc, step_current, waveform, noise, poisson, voltage_clamp };

struct StimulusSpec {
  StimulusKind kind = StimulusKind::dc;
  int target = -1;
  std::vector<uint32_t> neurons;  // empty: all
  double start = 0, stop = kInf;  // ms
  // dc: amplitude; noise: mean, std, tau; poisson: rate, weight, receptor
  double amplitude = 0, mean = 0, std = 0, tau = 1;
  bool uniform = false;  // noise with tau = 0: uniform (same mean and std) instead of Gaussian
  std::vector<double> per_target;  // dc: one amplitude per target neuron, if given
  double rate = 0, weight = 0;
  int receptor = 0;
  // step_current / waveform: piecewise constant (or linear) amplitude at the given times
  std::vector<double> times, amplitudes;
  bool linear = false;
  // voltage_clamp: command levels (mV) held for durations (ms) from `start` (then `stop` is
  // start + the sum of the durations); series resistance (MOhm); whole-cell membrane
  // capacitance of the target model (pF), which the clamp's integration needs
  std::vector<double> levels, durations;
  double rs = 0, c_m = 0;
  Origin origin;
};

struct RecordSpec {
  bool spikes = true;
  int state = -1;  // state index when !spikes; kInjectedCurrent: the population's i_stim
  static constexpr int kInjectedCurrent = -2;
  int population = -1;
  int projection = -1;            // weights of this projection (then population is -1)
  uint32_t synapses = 0;          // weights: how many, evenly spaced in canonical order; 0: all
  std::vector<uint32_t> neurons;  // empty: all
  double interval = 0;            // ms, state recorders
  double start = 0, stop = kInf;  // ms, recording window
  Origin origin;
};

// [[reward]]: a closed-loop reward, as in Izhikevich (2007): whenever neuron `post_neuron`
// of `post` fires within `window` after neuron `pre_neuron` of `pre`, one dopamine release
// follows after a delay drawn from `delay` (the distal reward); dopamine-modulated STDP
// names it in `dopamine.from`.
struct RewardSpec {
  std::string name;
  int pre = -1, post = -1;  // population indices
  uint32_t pre_neuron = 0, post_neuron = 0;
  double window = 10;  // ms
  Distribution delay;  // ms
  Origin origin;
};

struct ModelSpec {
  std::string name;  // from the file name or [model] name
  std::string file;  // path as given, "" for embedded
  std::string hash;  // of the canonical text of the model (after overrides)
  std::string text;  // the model as run: TOML after overrides (written to the run directory)
  // [model] dale: projections from populations with a declared kind obey Dale's principle
  // (a projection may override it with its own `dale`)
  bool dale = true;
  ProtocolSpec protocol;
  std::vector<PopulationSpec> populations;
  std::vector<ProjectionSpec> projections;
  // [[gap_junction]]: electrical synapses, symmetric; `weight` is the junction's conductance
  // (nS), `connect` draws the pairs (each pair couples both ways); no receptor, no delay
  std::vector<ProjectionSpec> gap_junctions;
  std::vector<StimulusSpec> stimuli;
  std::vector<RecordSpec> records;
  std::vector<RewardSpec> rewards;

  int population_index(std::string_view name) const;
};

}  // namespace engram
