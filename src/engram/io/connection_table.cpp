#include "engram/io/connection_table.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace engram {

namespace {
// One synapse as it travels between ranks.
struct Row {
  uint32_t source, target;
  double weight, delay_ms;
};
}  // namespace

ConnectionTable gather_connections(const Network& net, uint32_t projection,
                                   const Communicator& comm) {
  std::vector<Row> mine;
  // this rank's partitions in order, each row by row: the synapses of one (source, target)
  // pair all lie in the one shard that owns the target, in the full projection's order
  for (uint32_t t = 0; t < net.threads; ++t) {
    const Projection& p = net.shard(t, projection);
    for (uint32_t s = 0; s + 1 < p.row_offset.size(); ++s)
      for (uint32_t k = p.row_offset[s]; k < p.row_offset[s + 1]; ++k)
        mine.push_back(Row{s, p.target[k],
                           p.weight.empty() ? p.uniform_weight : static_cast<double>(p.weight[k]),
                           (p.delay.empty() ? p.uniform_delay : p.delay[k]) * net.dt});
  }
  std::vector<Row> all;
  if (comm.size() == 1) {
    all = std::move(mine);
  } else {
    auto parts = comm.gather_to_root(std::as_bytes(std::span<const Row>(mine)));
    for (const auto& bytes : parts) {
      const size_t n = bytes.size() / sizeof(Row);
      const size_t at = all.size();
      all.resize(at + n);
      std::memcpy(all.data() + at, bytes.data(), n * sizeof(Row));
    }
    if (!comm.is_root()) return {};
  }
  std::stable_sort(all.begin(), all.end(), [](const Row& a, const Row& b) {
    return a.source != b.source ? a.source < b.source : a.target < b.target;
  });
  ConnectionTable table;
  table.source.reserve(all.size());
  table.target.reserve(all.size());
  table.weight.reserve(all.size());
  table.delay_ms.reserve(all.size());
  for (const Row& r : all) {
    table.source.push_back(r.source);
    table.target.push_back(r.target);
    table.weight.push_back(r.weight);
    table.delay_ms.push_back(r.delay_ms);
  }
  return table;
}

}  // namespace engram
