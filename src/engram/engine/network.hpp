#pragma once
// The runtime network: populations with their state and input buffers, and projections.
// Built once from a ModelSpec; the engine loop only reads and updates it.
#include <memory>
#include <string>
#include <vector>

#include "engram/engine/ring_buffer.hpp"
#include "engram/models/model.hpp"
#include "engram/network/projection.hpp"
#include "engram/parallel/communicator.hpp"
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

// Partitions: the neurons are split into ranks × threads partitions (NEST's virtual
// processes); partition rank·threads + t is thread t of that rank. A partition owns a
// contiguous range of every population's neurons, their state, input buffers and the
// synapses onto them (its shard of every projection). A shard keeps each source row's
// synapses in the order of the full projection, so every target receives its inputs in the
// same order for any number of threads and ranks. Neuron state is allocated whole on every
// rank (it is small beside the synapses); only the owned ranges are updated.
struct Network {
  double dt = 0.1;
  uint64_t seed = 1;
  std::vector<Population> populations;
  // with one partition: the synapses; else only metadata (delays over all ranks)
  std::vector<Projection> projections;
  uint16_t min_delay = 1, max_delay = 1;  // steps, over all projections
  uint32_t threads = 1;                   // on this rank
  uint32_t rank = 0, ranks = 1;
  std::vector<std::vector<Projection>> shards;  // [local thread][projection], when sharded

  uint32_t partitions() const { return ranks * threads; }
  uint32_t partition_of(uint32_t thread) const { return rank * threads + thread; }
  bool sharded() const { return partitions() > 1; }
  const Projection& shard(uint32_t thread, uint32_t projection) const {
    return sharded() ? shards[thread][projection] : projections[projection];
  }
  Projection& shard(uint32_t thread, uint32_t projection) {
    return sharded() ? shards[thread][projection] : projections[projection];
  }
  // Neurons [first, second) of population p owned by a partition.
  std::pair<uint32_t, uint32_t> partition_range(uint32_t p, uint32_t partition) const {
    const uint64_t n = populations[p].size;
    return {static_cast<uint32_t>(n * partition / partitions()),
            static_cast<uint32_t>(n * (partition + 1) / partitions())};
  }
  // Neurons [first, second) of population p owned by a thread of this rank.
  std::pair<uint32_t, uint32_t> range(uint32_t p, uint32_t thread) const {
    return partition_range(p, partition_of(thread));
  }

  // Of this rank's shards (sum over ranks for the whole network).
  uint64_t synapse_count() const;
  size_t synapse_bytes() const;  // target/weight/delay arrays
  size_t index_bytes() const;    // CSR row offsets
  size_t buffer_bytes() const;   // ring buffers
  uint32_t neuron_count() const;
};

// Builds populations (state initialised from the spec's init distributions, drawn per
// neuron from Philox streams keyed by global id) and projections.
// With several ranks, each builds the shards of its own partitions; all ranks must call it.
Network build_network(const ModelSpec& spec, const Communicator& comm = world());

}  // namespace engram
