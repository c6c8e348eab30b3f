#pragma once
// Weight recordings: a projection's weights at regular sampling points, as the synapses of
// the connectivity table (canonical order: by source, then target, then creation), so the
// result is the same for any number of threads and ranks.
#include <cstdint>
#include <vector>

#include "engram/engine/network.hpp"
#include "engram/parallel/communicator.hpp"
#include "engram/spec/model_spec.hpp"

namespace engram {

struct WeightRecording {
  uint32_t projection = 0;
  int64_t interval_steps = 1;
  int64_t first_k = 0, last_k = 0;  // sampling points k·dt, k = first_k + i·interval_steps
  uint32_t wanted = 0;              // synapses to keep, 0: all
  // while running: per local thread, its shard's weights at each sample, appended
  std::vector<std::vector<float>> parts;
  size_t samples = 0;
  // after finish(), on the root: samples × synapses, and which synapses
  std::vector<float> data;
  std::vector<uint32_t> source, target;
};

class WeightRecorders {
 public:
  WeightRecorders(const ModelSpec& spec, const Network& net, int64_t n_steps);
  bool empty() const { return recs_.empty(); }
  // Whether projection j is recorded at sampling point k (time k·dt).
  bool due(uint32_t projection, int64_t k) const;
  bool any_due(int64_t k) const;
  // Thread t copies its shards' weights of the recordings due at k (the weights must be up
  // to date: SynapseDynamics::flush).
  void sample(int64_t k, const Network& net, uint32_t thread);
  // Collective: gathers every rank's shards to the root, in canonical order.
  void finish(const Network& net, const Communicator& comm);
  const std::vector<WeightRecording>& recordings() const { return recs_; }

 private:
  static bool due(const WeightRecording& r, int64_t k) {
    return k >= r.first_k && k <= r.last_k && (k - r.first_k) % r.interval_steps == 0;
  }
  std::vector<WeightRecording> recs_;
};

}  // namespace engram
