#include "engram/engine/gap_junctions.hpp"

#include <algorithm>
#include <cstring>

#include "engram/network/connectivity.hpp"

namespace engram {

namespace {
// Random streams of gap junction j are keyed by this + j: apart from every projection's.
constexpr uint32_t kGapStreams = 0x800000u;

struct Junction {
  uint32_t target, partner;  // global ids
  double g;                  // nS
};
}  // namespace

GapJunctions::GapJunctions(const ModelSpec& spec, Network& net) {
  std::vector<Junction> all;
  for (uint32_t j = 0; j < spec.gap_junctions.size(); ++j) {
    const ProjectionSpec& gs = spec.gap_junctions[j];
    const Projection pr = build_projection(spec, gs, kGapStreams + j);
    const uint32_t pre_off = net.populations[gs.from].gid_offset;
    const uint32_t post_off = net.populations[gs.to].gid_offset;
    for (uint32_t pre = 0; pre + 1 < pr.row_offset.size(); ++pre)
      for (uint32_t k = pr.row_offset[pre]; k < pr.row_offset[pre + 1]; ++k) {
        const double g = pr.weight.empty() ? pr.uniform_weight : pr.weight[k];
        const uint32_t a = pre_off + pre, b = post_off + pr.target[k];
        if (a == b) continue;
        all.push_back({b, a, g});
        all.push_back({a, b, g});
        ++junctions_;
      }
  }
  if (all.empty()) return;
  // each neuron's junctions in the order they were drawn: the same on every partition
  std::stable_sort(all.begin(), all.end(),
                   [](const Junction& x, const Junction& y) { return x.target < y.target; });
  std::vector<uint32_t> gids;
  for (const Junction& x : all) gids.push_back(x.target);
  gids.erase(std::unique(gids.begin(), gids.end()), gids.end());
  auto index_of = [&](uint32_t gid) {
    return static_cast<uint32_t>(std::lower_bound(gids.begin(), gids.end(), gid) - gids.begin());
  };
  auto locate = [&](uint32_t gid) {
    uint32_t p = 0;
    while (p + 1 < net.populations.size() && gid >= net.populations[p + 1].gid_offset) ++p;
    return std::pair<uint32_t, uint32_t>{p, gid - net.populations[p].gid_offset};
  };
  for (uint32_t gid : gids) where_.push_back(locate(gid));

  std::vector<int> slot(net.populations.size(), -1);
  for (const auto& [p, i] : where_)
    if (slot[p] < 0) {
      slot[p] = static_cast<int>(coupled_.size());
      Coupled c;
      c.population = p;
      c.row.assign(net.populations[p].size + 1, 0);
      c.self.assign(net.populations[p].size, kNone);
      coupled_.push_back(std::move(c));
      Population& pop = net.populations[p];
      if (pop.i_stim.empty()) pop.i_stim.assign(pop.size, 0.0);
    }
  for (uint32_t s = 0; s < where_.size(); ++s)
    coupled_[slot[where_[s].first]].self[where_[s].second] = s;
  for (const Junction& x : all) {
    const auto [p, i] = locate(x.target);
    ++coupled_[slot[p]].row[i + 1];
  }
  for (Coupled& c : coupled_) {
    for (size_t i = 1; i < c.row.size(); ++i) c.row[i] += c.row[i - 1];
    c.partner.resize(c.row.back());
    c.g.resize(c.row.back());
  }
  std::vector<std::vector<uint32_t>> cursor;
  for (const Coupled& c : coupled_) cursor.emplace_back(c.row.begin(), c.row.end() - 1);
  for (const Junction& x : all) {
    const auto [p, i] = locate(x.target);
    const auto at = cursor[slot[p]][i]++;
    coupled_[slot[p]].partner[at] = index_of(x.partner);
    coupled_[slot[p]].g[at] = x.g;
  }
  of_rank_.resize(net.ranks);
  for (uint32_t s = 0; s < where_.size(); ++s) {
    const auto [p, i] = where_[s];
    for (uint32_t q = 0; q < net.partitions(); ++q) {
      const auto [lo, hi] = net.partition_range(p, q);
      if (i >= lo && i < hi) {
        of_rank_[q / net.threads].push_back(s);
        break;
      }
    }
  }
  snapshot_[0].assign(where_.size(), 0.0);
  snapshot_[1].assign(where_.size(), 0.0);
}

size_t GapJunctions::bytes() const {
  size_t n = (snapshot_[0].capacity() + snapshot_[1].capacity()) * sizeof(double) +
             where_.capacity() * sizeof(where_[0]);
  for (const Coupled& c : coupled_)
    n += (c.row.capacity() + c.partner.capacity() + c.self.capacity()) * sizeof(uint32_t) +
         c.g.capacity() * sizeof(double);
  for (const auto& r : of_rank_) n += r.capacity() * sizeof(uint32_t);
  return n;
}

void GapJunctions::initialize(const Network& net) {
  for (uint32_t s = 0; s < where_.size(); ++s) {
    const auto [p, i] = where_[s];
    snapshot_[0][s] = snapshot_[1][s] = net.populations[p].group->state(0)[i];
  }
}

void GapJunctions::add_currents(Network& net, uint32_t thread, int parity) const {
  const std::vector<double>& v = snapshot_[parity ^ 1];
  for (const Coupled& c : coupled_) {
    const auto [lo, hi] = net.range(c.population, thread);
    double* i_stim = net.populations[c.population].i_stim.data();
    for (uint32_t i = lo; i < hi; ++i) {
      if (c.row[i] == c.row[i + 1]) continue;
      const double own = v[c.self[i]];
      double current = 0;  // pA = nS x mV
      for (uint32_t k = c.row[i]; k < c.row[i + 1]; ++k)
        current += c.g[k] * (v[c.partner[k]] - own);
      i_stim[i] += current;
    }
  }
}

void GapJunctions::publish(const Network& net, uint32_t thread, int parity) {
  std::vector<double>& out = snapshot_[parity];
  for (const Coupled& c : coupled_) {
    const auto [lo, hi] = net.range(c.population, thread);
    const std::span<const double> v = net.populations[c.population].group->state(0);
    for (uint32_t i = lo; i < hi; ++i)
      if (c.self[i] != kNone) out[c.self[i]] = v[i];
  }
}

void GapJunctions::pack(const Network& net, int parity, std::vector<uint32_t>& words) const {
  if (empty()) return;
  for (uint32_t s : of_rank_[net.rank]) {
    uint32_t w[2];
    std::memcpy(w, &snapshot_[parity][s], sizeof(double));
    words.push_back(w[0]);
    words.push_back(w[1]);
  }
}

size_t GapJunctions::unpack(uint32_t rank, int parity, const uint32_t* words) {
  if (empty()) return 0;
  for (uint32_t s : of_rank_[rank]) {
    std::memcpy(&snapshot_[parity][s], words, sizeof(double));
    words += 2;
  }
  return 2 * of_rank_[rank].size();
}

}  // namespace engram
