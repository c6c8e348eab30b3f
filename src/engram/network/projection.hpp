#pragma once
// Synapses of one projection, stored by presynaptic neuron (CSR) for delivery.
//
// Compact layout: a 32-bit target index per synapse; a 32-bit float weight only when the
// weights differ (otherwise one shared value); a 16-bit delay in steps only when delays
// differ. So a static synapse costs 4 bytes (shared weight and delay), 8 bytes (own
// weight) or 10 bytes (own weight and delay), plus 4 bytes per presynaptic neuron for the
// row offsets.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace engram {

class SynapseDynamics;
class Consolidation;

struct Projection {
  std::string name;
  uint32_t from = 0, to = 0;  // population indices
  uint32_t receptor = 0;      // port of the target model

  std::vector<uint32_t> row_offset;  // n_pre + 1
  std::vector<uint32_t> target;      // local index in the target population
  std::vector<float> weight;         // empty: all synapses have uniform_weight
  std::vector<uint16_t> delay;       // empty: all synapses have uniform_delay (steps)
  double uniform_weight = 0;
  uint16_t uniform_delay = 1;
  uint16_t min_delay = 1, max_delay = 1;  // steps
  // plastic synapses (short-term or spike-timing-dependent): their state; null for static.
  // A plastic projection stores every synapse's weight.
  std::shared_ptr<SynapseDynamics> dynamics;
  // early/late phases with tagging and capture (synapse.consolidation); null without
  std::shared_ptr<Consolidation> consolidation;

  size_t size() const { return target.size(); }
  // Bytes held per synapse (target, weight, delay arrays) and in the row index.
  size_t synapse_bytes() const {
    return target.capacity() * sizeof(uint32_t) + weight.capacity() * sizeof(float) +
           delay.capacity() * sizeof(uint16_t);
  }
  size_t index_bytes() const { return row_offset.capacity() * sizeof(uint32_t); }
};

}  // namespace engram
