#pragma once
// The runtime network: populations with their state and input buffers, and projections.
// Built once from a ModelSpec; the engine loop only reads and updates it.
#include <memory>
#include <string>
#include <vector>

#include "engram/engine/ring_buffer.hpp"
#include "engram/models/model.hpp"
#include "engram/network/projection.hpp"
#include "engram/spec/model_spec.hpp"

namespace engram {

struct Population {
  std::string name;
  const ModelInfo* model = nullptr;
  uint32_t size = 0;
  uint32_t gid_offset = 0;
  std::unique_ptr<NeuronGroup> group;
  RingBuffers inputs;
  std::vector<double> i_stim;      // per neuron, pA; sized only if a current stimulus targets it
  std::vector<uint32_t> outgoing;  // indices of projections from this population
};

struct Network {
  double dt = 0.1;
  uint64_t seed = 1;
  std::vector<Population> populations;
  std::vector<Projection> projections;
  uint16_t min_delay = 1, max_delay = 1;  // steps, over all projections

  uint64_t synapse_count() const;
  size_t synapse_bytes() const;  // target/weight/delay arrays
  size_t index_bytes() const;    // CSR row offsets
  size_t buffer_bytes() const;   // ring buffers
  uint32_t neuron_count() const;
};

// Builds populations (state initialised from the spec's init distributions, drawn per
// neuron from Philox streams keyed by global id) and projections.
Network build_network(const ModelSpec& spec);

}  // namespace engram
