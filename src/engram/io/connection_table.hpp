#pragma once
// The synapses of a projection as one table (source, target, weight, delay), gathered from
// every thread's and rank's shard, for `engram run --connectivity` and for checking that
// the wiring does not depend on how the network was partitioned.
#include <cstdint>
#include <vector>

#include "engram/engine/network.hpp"
#include "engram/parallel/communicator.hpp"

namespace engram {

struct ConnectionTable {
  std::vector<uint32_t> source, target;  // indices within the populations
  std::vector<double> weight;            // in the receptor's unit (pA, nS, mV)
  std::vector<double> delay_ms;
  size_t size() const { return source.size(); }
};

// Collective: every rank must call it. The root returns the projection's synapses in a
// canonical order (by source, then target, then creation order), the same for any number of
// threads and ranks; the other ranks return an empty table.
ConnectionTable gather_connections(const Network& net, uint32_t projection,
                                   const Communicator& comm = world());

}  // namespace engram
