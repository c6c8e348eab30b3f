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

// Threads: thread t owns a contiguous range of every population's neurons, their state,
// input buffers and the synapses onto them (its shard of every projection). A shard keeps
// each source row's synapses in the order of the full projection, so every target receives
// its inputs in the same order for any number of threads.
struct Network {
  double dt = 0.1;
  uint64_t seed = 1;
  std::vector<Population> populations;
  std::vector<Projection> projections;    // with one thread: the synapses; else only metadata
  uint16_t min_delay = 1, max_delay = 1;  // steps, over all projections
  uint32_t threads = 1;
  std::vector<std::vector<Projection>> shards;  // [thread][projection], when threads > 1

  const Projection& shard(uint32_t thread, uint32_t projection) const {
    return threads == 1 ? projections[projection] : shards[thread][projection];
  }
  // Neurons [first, second) of population p owned by a thread.
  std::pair<uint32_t, uint32_t> range(uint32_t p, uint32_t thread) const {
    const uint64_t n = populations[p].size;
    return {static_cast<uint32_t>(n * thread / threads),
            static_cast<uint32_t>(n * (thread + 1) / threads)};
  }

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
