#pragma once
// A population of multi-compartment cells (model "cable"): what the model file says about
// the cell, shared by all members. Each member is a CableCell built from `cell`; its
// receptor ports are the synapse sites (`cell.synapses`, in port order), so projections and
// Poisson stimuli name a site by `receptor = "<site name>"` and spikes are delivered through
// the engine's ring buffers like those to point neurons. The population's ModelInfo is a
// copy of the registered "cable" model with these ports and recordable states (the spike
// site's v, one v per probe, one current per voltage clamp), so the model-file reader and
// the engine use it unchanged. Current stimuli ([[stimulus]]) enter at `current_site`.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engram/core/parameters.hpp"
#include "engram/dendrites/cable.hpp"
#include "engram/models/model.hpp"

namespace engram::dendrites {

// A named location whose voltage is a recordable state ("v_<name>").
struct Probe {
  std::string name;  // the state's name
  Location where;
};

// A point process of the model file ([[population.iclamp]], [[population.vclamp]]) on some
// members: `neurons` (ascending) or, when empty, all of them.
template <class Clamp>
struct ClampOn {
  Clamp clamp;
  std::vector<uint32_t> neurons;
  bool on(uint32_t i) const {
    return neurons.empty() || std::binary_search(neurons.begin(), neurons.end(), i);
  }
};

struct CablePopulation {
  CellSpec cell;                         // synapses: one per port, in port order; no clamps
  std::vector<std::string> port_names;   // storage for ports[].name
  std::vector<std::string> state_names;  // storage for states[].name: probes, then vclamps
  std::vector<ReceptorSpec> ports;
  std::vector<StateSpec> states;  // "v" (the spike site), the probes, the vclamps' currents
  std::vector<Probe> probes;
  std::vector<ClampOn<IClamp>> iclamps;   // added to the members they name
  std::vector<ClampOn<SEClamp>> vclamps;  // each one's current is a recordable state
  Location spike_site{};                  // where spikes are detected (NEURON's NetCon source)
  Location current_site{};                // where [[stimulus]] currents and gap junctions inject
  ModelInfo info{};                       // the "cable" model with `ports` and `states`

  // Fills ports, states and info from the names (after the strings are in place).
  void finish(const ModelInfo& base);
  // The cell of member i: `cell` with the clamps that apply to it.
  CellSpec cell_of(uint32_t i) const;
  // A copy without the clamps (and their recordable currents), for single-cell analyses
  // that inject their own current (engram fi).
  std::shared_ptr<CablePopulation> without_clamps() const;
};

}  // namespace engram::dendrites
