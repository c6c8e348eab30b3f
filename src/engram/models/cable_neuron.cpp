// Multi-compartment cells in a network (model "cable"): each member is a CableCell
// (dendrites/cable.hpp) described in the model file (morphology, mechanisms, synapse sites;
// see the README and spec/parse_cable.cpp). The engine's step s advances every cell from
// s dt to (s + 1) dt with the network's dt; a spike is an upward crossing of `threshold` by
// v at the spike site (NEURON's NetCon source), stamped (s + 1) dt with its sub-step time
// interpolated linearly; the weights that arrive at the end of step s (nS) enter the
// synapses then and act from step s + 1 (NEURON's delivery of an event at (s + 1) dt).
#include <algorithm>
#include <memory>

#include "engram/core/error.hpp"
#include "engram/dendrites/cable_population.hpp"
#include "engram/models/model.hpp"

namespace engram {
namespace {

constexpr ParamSpec kParams[] = {
    {"threshold", Dim::voltage, -20.0, -kInf, kInf, false, false,
     "spike threshold: an upward crossing of v at the spike site is a spike"},
    {"v_init", Dim::voltage, -65.0, -kInf, kInf, false, false,
     "initial membrane potential of every compartment (mechanisms at their steady state)"},
};
constexpr StateSpec kState[] = {
    {"v", Dim::voltage, "membrane potential at the spike site", "v_init"},
};
constexpr std::string_view kIntegrators[] = {"crank_nicolson", "backward_euler"};

ParamProblem check(std::span<const double>, double) {
  return {};
}

class CableGroup final : public NeuronGroup {
 public:
  explicit CableGroup(const GroupSetup& s)
      : NeuronGroup(s.size), pop_(s.cable), dt_(s.dt), threshold_(s.params[0]) {
    if (!pop_) throw InputError({}, "model", "model \"cable\" needs a cell description");
    dendrites::CellSpec spec = pop_->cell;
    spec.v_init = s.params[1];
    const auto method = s.integrator == "backward_euler" ? dendrites::Integrator::backward_euler
                                                         : dendrites::Integrator::crank_nicolson;
    cells_.reserve(s.size);
    // each vclamp's index among a member's clamps, -1 where it does not apply
    clamp_index_.assign(pop_->vclamps.size(), std::vector<int32_t>(s.size, -1));
    for (uint32_t i = 0; i < s.size; ++i) {
      dendrites::CellSpec own = pop_->cell_of(i);
      own.v_init = spec.v_init;
      int32_t n = 0;
      for (size_t k = 0; k < pop_->vclamps.size(); ++k)
        if (pop_->vclamps[k].on(i)) clamp_index_[k][i] = n++;
      cells_.push_back(std::make_unique<dendrites::CableCell>(own, s.dt, method));
    }
    nodes_.push_back(cells_.empty() ? 0 : cells_[0]->node(pop_->spike_site));
    for (const auto& p : pop_->probes)
      nodes_.push_back(cells_.empty() ? 0 : cells_[0]->node(p.where));
    current_node_ = cells_.empty() ? 0 : cells_[0]->node(pop_->current_site);
    states_.assign(nodes_.size(), std::vector<double>(s.size, spec.v_init));
    states_.resize(nodes_.size() + pop_->vclamps.size(), std::vector<double>(s.size, 0.0));
    above_.assign(s.size, spec.v_init >= threshold_ ? 1 : 0);
    offsets_.assign(s.size, s.dt);
  }

  void update(const StepInput& in, uint32_t begin, uint32_t end,
              std::vector<uint32_t>& spiked) override {
    const size_t ports = pop_->ports.size();
    // in chunks, so that the cells' tree solves run interleaved (step_batch); a thread's
    // chunk lives on its stack (update runs on several threads at once)
    constexpr uint32_t kChunk = 64;
    dendrites::CableCell* chunk[kChunk];
    for (uint32_t first = begin; first < end; first += kChunk) {
      const uint32_t last = std::min(end, first + kChunk);
      for (uint32_t i = first; i < last; ++i) {
        chunk[i - first] = cells_[i].get();
        if (in.i_stim && in.i_stim[i] != 0)
          cells_[i]->inject(current_node_, 1e-3 * in.i_stim[i]);  // pA -> nA
      }
      dendrites::CableCell::step_batch(std::span(chunk, last - first));
      for (uint32_t i = first; i < last; ++i) {
        dendrites::CableCell& cell = *cells_[i];
        const auto v = cell.v();
        const double v0 = states_[0][i];  // the spike site's v before the step
        const double v1 = v[static_cast<size_t>(nodes_[0])];
        const bool above = v1 >= threshold_;
        if (above && !above_[i]) {
          offsets_[i] = v1 > v0 ? dt_ * (threshold_ - v0) / (v1 - v0) : dt_;
          if (!(offsets_[i] > 0)) offsets_[i] = dt_;
          spiked.push_back(i);
        }
        above_[i] = above ? 1 : 0;
        for (size_t k = 0; k < nodes_.size(); ++k)
          states_[k][i] = v[static_cast<size_t>(nodes_[k])];
        for (size_t k = 0; k < clamp_index_.size(); ++k)
          if (const int32_t c = clamp_index_[k][i]; c >= 0)
            states_[nodes_.size() + k][i] =
                1e3 * cell.seclamp_current()[static_cast<size_t>(c)];  // nA -> pA
        for (size_t p = 0; p < ports; ++p) {
          SynInput& w = in.syn[p][i];
          if (w != 0) {
            cell.deliver(p, 1e-3 * static_cast<double>(w));  // nS -> uS
            w = 0;
          }
        }
      }
    }
  }

  std::span<double> state(size_t index) override { return states_[index]; }
  const double* spike_offsets() const override { return offsets_.data(); }

 private:
  std::shared_ptr<const dendrites::CablePopulation> pop_;
  double dt_, threshold_;
  std::vector<std::unique_ptr<dendrites::CableCell>> cells_;
  std::vector<int32_t> nodes_;                     // spike site, then the probes
  int32_t current_node_ = 0;                       // where the stimuli's current enters
  std::vector<std::vector<int32_t>> clamp_index_;  // per vclamp, per cell
  std::vector<std::vector<double>> states_;        // v at nodes_, then vclamp currents
  std::vector<char> above_;
  std::vector<double> offsets_;
};

}  // namespace

extern const ModelInfo kCable{
    .name = "cable",
    .kind = ModelKind::neuron,
    .summary = "multi-compartment cell (sections, density mechanisms, synapses on the tree)",
    .doc =
        "Each member is a cable cell (NEURON's discretisation and fixed-step methods: "
        "crank_nicolson = secondorder 2, backward_euler = secondorder 0) described in the "
        "population: `morphology` (sections with name, parent, parent_x, L, diam, nseg) or "
        "`swc`, `cm`, `Ra`, `d_lambda`, [[population.mechanism]] insertions, "
        "[[population.synapse]] sites (the receptor ports: kind ampa / nmda / gaba_a / exp2, "
        "section, x, tau1, tau2, e, mg; weights in nS, the peak conductance of one spike) and "
        "[[population.probe]] locations (recordable by name), [[population.iclamp]] and "
        "[[population.vclamp]] (NEURON's IClamp and SEClamp; a clamp's current is recordable "
        "by its name). Current stimuli enter at `current_site` (default the spike site). The "
        "step is the network's dt. A spike is an upward crossing of `threshold` by v at "
        "`spike_site` (default the root section's middle).",
    .params = kParams,
    .state = kState,
    .receptors = {},
    .accepts_current = true,
    .integrators = kIntegrators,
    .check = check,
    .create = create_group<CableGroup>,
};

}  // namespace engram

namespace engram::dendrites {

void CablePopulation::finish(const ModelInfo& base) {
  ports.clear();
  for (size_t p = 0; p < port_names.size(); ++p) {
    const Synapse& s = cell.synapses[p];
    ReceptorSign sign = ReceptorSign::either;
    if (s.kind == SynapseKind::gaba_a) sign = ReceptorSign::inhibitory;
    if (s.kind == SynapseKind::ampa || s.kind == SynapseKind::nmda) sign = ReceptorSign::excitatory;
    ports.push_back({port_names[p], Dim::conductance, synapse_kind_name(s.kind), sign});
  }
  states.assign(base.state.begin(), base.state.end());
  for (size_t k = 0; k < probes.size(); ++k)
    states.push_back({state_names[k], Dim::voltage, "membrane potential at a probe", "v_init"});
  for (size_t k = 0; k < vclamps.size(); ++k)
    states.push_back({state_names[probes.size() + k], Dim::current,
                      "current of a voltage clamp (positive depolarising)", ""});
  info = base;
  info.receptors = ports;
  info.state = states;
}

}  // namespace engram::dendrites

namespace engram::dendrites {

std::shared_ptr<CablePopulation> CablePopulation::without_clamps() const {
  auto c = std::make_shared<CablePopulation>(*this);
  c->iclamps.clear();
  c->vclamps.clear();
  c->state_names.resize(probes.size());
  c->finish(kCable);  // the ports and states now view c's own strings
  return c;
}

CellSpec CablePopulation::cell_of(uint32_t i) const {
  CellSpec c = cell;
  for (const auto& k : iclamps)
    if (k.on(i)) c.iclamps.push_back(k.clamp);
  for (const auto& k : vclamps)
    if (k.on(i)) c.seclamps.push_back(k.clamp);
  return c;
}

}  // namespace engram::dendrites
