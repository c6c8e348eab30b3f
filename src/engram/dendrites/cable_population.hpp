#pragma once
// A population of multi-compartment cells (model "cable"): what the model file says about
// the cell, shared by all members. Each member is a CableCell built from `cell`; its
// receptor ports are the synapse sites (`cell.synapses`, in port order), so projections and
// Poisson stimuli name a site by `receptor = "<site name>"` and spikes are delivered through
// the engine's ring buffers like those to point neurons. The population's ModelInfo is a
// copy of the registered "cable" model with these ports and recordable states (the spike
// site's v, then one v per probe), so the model-file reader and the engine use it unchanged.
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

struct CablePopulation {
  CellSpec cell;                         // synapses: one per port, in port order
  std::vector<std::string> port_names;   // storage for ports[].name
  std::vector<std::string> state_names;  // storage for states[].name
  std::vector<ReceptorSpec> ports;
  std::vector<StateSpec> states;  // "v" (the spike site), then the probes
  std::vector<Probe> probes;
  Location spike_site{};  // where spikes are detected (NEURON's NetCon source)
  ModelInfo info{};       // the "cable" model with `ports` and `states`

  // Fills ports, states and info from the names (after the strings are in place).
  void finish(const ModelInfo& base);
};

}  // namespace engram::dendrites
