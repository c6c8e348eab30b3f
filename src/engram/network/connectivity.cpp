#include "engram/network/connectivity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_set>

#include <fmt/format.h>

#include "engram/core/pages.hpp"
#include "engram/core/random.hpp"
#include "engram/network/spatial_sampler.hpp"
#include "engram/plasticity/consolidation.hpp"
#include "engram/plasticity/synapse_dynamics.hpp"

namespace engram {

double draw(const Distribution& d, RandomStream& r) {
  switch (d.kind) {
    case Distribution::Kind::constant:
      return d.a;
    case Distribution::Kind::normal:
      return d.a + d.b * r.normal();
    case Distribution::Kind::lognormal:
      return d.a * std::exp(d.b * r.normal());
    case Distribution::Kind::uniform:
      return d.a + (d.b - d.a) * r.uniform();
  }
  return d.a;
}

namespace {

// Stream id for draws that concern a whole population of targets (not a neuron's gid).
constexpr uint32_t kAllTargets = 0xffffffffu;

// Euclidean distance (um) between source i and target j, with the target population's
// periodic boundaries (the shorter way round each axis).
struct Geometry {
  const PopulationSpec& pre;
  const PopulationSpec& post;
  double operator()(uint32_t i, uint32_t j) const {
    double s = 0;
    for (int k = 0; k < 3; ++k) {
      double d = std::fabs(pre.positions[i][k] - post.positions[j][k]);
      if (post.periodic && post.extent[k] > 0) d = std::min(d, post.extent[k] - d);
      s += d * d;
    }
    return std::sqrt(s);
  }
};

// The sources near a point, for distance profiles that vanish beyond a reach: the source
// population's box is cut into cells at least `reach` wide per axis, so every source within
// reach of a point lies in the point's cell or a neighbouring one (3 per axis, fewer where
// the axis has fewer cells; with the target's periodic boundaries the neighbours wrap). The
// candidates come out in ascending index order, so a target's draws take the same order as
// when every source is tried, and a reach beyond the box gives exactly that.
class NearbySources {
 public:
  NearbySources(const PopulationSpec& pre, const PopulationSpec& post, double reach) {
    const auto& pos = pre.positions;
    size_t cells = 1;
    for (int k = 0; k < 3; ++k) {
      double lo = 0, hi = 0;
      if (post.periodic && post.extent[k] > 0) {
        hi = post.extent[k];
        wrap_[k] = true;
      } else if (!pos.empty()) {
        lo = hi = pos[0][k];
        for (const auto& x : pos) lo = std::min(lo, x[k]), hi = std::max(hi, x[k]);
      }
      origin_[k] = lo;
      n_[k] = std::max<int64_t>(1, static_cast<int64_t>(std::floor((hi - lo) / reach)));
      n_[k] = std::min<int64_t>(n_[k], 1 << 16);
      width_[k] = hi > lo ? (hi - lo) / static_cast<double>(n_[k]) : 1.0;
      cells *= static_cast<size_t>(n_[k]);
    }
    // a counting sort of the sources by cell, ascending within each cell
    start_.assign(cells + 1, 0);
    std::vector<uint32_t> cell_of(pos.size());
    for (size_t i = 0; i < pos.size(); ++i) {
      cell_of[i] = static_cast<uint32_t>(cell(pos[i]));
      ++start_[cell_of[i] + 1];
    }
    for (size_t c = 0; c < cells; ++c) start_[c + 1] += start_[c];
    members_.resize(pos.size());
    std::vector<uint32_t> fill(start_.begin(), start_.end() - 1);
    for (size_t i = 0; i < pos.size(); ++i) members_[fill[cell_of[i]]++] = static_cast<uint32_t>(i);
  }

  // The sources in the cells around x, ascending.
  void around(const std::array<double, 3>& x, std::vector<uint32_t>& out) const {
    out.clear();
    if (n_[0] <= 3 && n_[1] <= 3 && n_[2] <= 3) {  // every cell: every source
      out.resize(members_.size());
      for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint32_t>(i);
      return;
    }
    std::array<std::vector<int64_t>, 3> axis;
    for (int k = 0; k < 3; ++k) {
      const int64_t c = index(x[k], k);
      if (n_[k] <= 3) {  // every cell of the axis, once
        for (int64_t q = 0; q < n_[k]; ++q) axis[k].push_back(q);
        continue;
      }
      for (int64_t q = c - 1; q <= c + 1; ++q) {
        if (wrap_[k])
          axis[k].push_back((q % n_[k] + n_[k]) % n_[k]);
        else if (q >= 0 && q < n_[k])
          axis[k].push_back(q);
      }
    }
    for (int64_t a : axis[0])
      for (int64_t b : axis[1])
        for (int64_t d : axis[2]) {
          const auto c = static_cast<size_t>((d * n_[1] + b) * n_[0] + a);
          out.insert(out.end(), members_.begin() + start_[c], members_.begin() + start_[c + 1]);
        }
    std::sort(out.begin(), out.end());
  }

 private:
  int64_t index(double v, int k) const {
    const auto q = static_cast<int64_t>(std::floor((v - origin_[k]) / width_[k]));
    if (wrap_[k]) return (q % n_[k] + n_[k]) % n_[k];
    return std::clamp<int64_t>(q, 0, n_[k] - 1);
  }
  size_t cell(const std::array<double, 3>& x) const {
    return static_cast<size_t>((index(x[2], 2) * n_[1] + index(x[1], 1)) * n_[0] + index(x[0], 0));
  }
  std::array<bool, 3> wrap_{false, false, false};
  std::array<double, 3> origin_{0, 0, 0}, width_{1, 1, 1};
  std::array<int64_t, 3> n_{1, 1, 1};
  std::vector<uint32_t> start_, members_;
};

// Sums over a list of weights that can be lowered one at a time (a Fenwick tree), for
// sampling without replacement: O(log n) per draw and per removal.
class WeightTree {
 public:
  explicit WeightTree(const std::vector<double>& w) : w_(w), tree_(w.size() + 1, 0.0) {
    for (size_t i = 0; i < w.size(); ++i) {
      tree_[i + 1] += w[i];
      const size_t up = (i + 1) + ((i + 1) & (~(i + 1) + 1));
      if (up <= w.size()) tree_[up] += tree_[i + 1];
    }
    for (double x : w) positive_ += x > 0;
  }
  size_t positive() const { return positive_; }
  double weight(size_t i) const { return w_[i]; }
  void remove(size_t i) {
    if (!(w_[i] > 0)) return;
    for (size_t k = i + 1; k < tree_.size(); k += k & (~k + 1)) tree_[k] -= w_[i];
    w_[i] = 0;
    --positive_;
  }
  // the item whose cumulative range holds u in [0, total)
  size_t find(double u) const {
    size_t pos = 0, step = 1;
    while (step * 2 < tree_.size()) step *= 2;
    for (; step > 0; step /= 2)
      if (pos + step < tree_.size() && tree_[pos + step] <= u) {
        u -= tree_[pos + step];
        pos += step;
      }
    return std::min(pos, w_.size() - 1);
  }
  double total() const {
    double t = 0;
    for (size_t k = w_.size(); k > 0; k -= k & (~k + 1)) t += tree_[k];
    return t;
  }

 private:
  std::vector<double> w_, tree_;
  size_t positive_ = 0;
};

// fixed_indegree / fixed_outdegree with a distance profile: each owner (target / source)
// in [first, last) draws k partners from the other population with probability
// proportional to profile(distance) (SpatialSampler: exact rejection sampling from a
// tabulated bound). A repeat without multapses, or an autapse when they are excluded, is
// redrawn; when redraws pile up (k close to the number of partners within reach) the owner
// switches, deterministically, to exact sequential sampling (without replacement: of the
// remaining partners) over all partners' weights, which also detects too few partners.
template <class OnOwner, class OnSynapse>
void draw_by_distance(const ModelSpec& m, const ProjectionSpec& p, uint32_t index,
                      uint32_t owner_off, uint32_t first, uint32_t last, OnOwner& on_owner,
                      OnSynapse& on_synapse) {
  const ConnectSpec& c = p.connect;
  const bool in = c.rule == ConnectRule::fixed_indegree;
  const PopulationSpec& pre = m.populations[p.from];
  const PopulationSpec& post = m.populations[p.to];
  const PopulationSpec& owners = in ? post : pre;
  const PopulationSpec& pool = in ? pre : post;
  const bool same = p.from == p.to;
  const uint32_t purpose = purpose_word(Purpose::connectivity, index);
  SpatialSampler sampler(pool.positions, pool.extent, owners.positions,
                         BoxMetric{post.extent, post.periodic}, c.profile);
  std::vector<uint32_t> picked;
  std::unordered_set<uint32_t> seen;
  std::vector<double> w;
  auto fail = [&](uint32_t o, std::string_view why) {
    throw InputError(p.origin.where, p.origin.key_path + ".connect",
                     fmt::format("neuron {} of population '{}' {} (k = {}); widen the profile or "
                                 "lower k",
                                 o, owners.name, why, c.k));
  };
  for (uint32_t o = first; o < last; ++o) {
    on_owner(owner_off + o);
    RandomStream r(m.protocol.seed, purpose, owner_off + o);
    picked.clear();
    seen.clear();
    sampler.begin(owners.positions[o]);
    const uint64_t patience = 4 * uint64_t{c.k} + 1000;
    uint64_t tries = 0;
    while (picked.size() < c.k && ++tries <= patience) {
      const uint32_t x = sampler.draw(r);
      if (x == UINT32_MAX) fail(o, "has no partner within reach of the distance profile");
      if (same && x == o && !c.autapses) continue;
      if (!c.multapses && !seen.insert(x).second) continue;
      picked.push_back(x);
    }
    if (picked.size() < c.k) {
      // exact sequential sampling (without replacement: of the rest) over every partner
      sampler.weights(owners.positions[o], w);
      WeightTree tree(w);
      if (!c.multapses)
        for (uint32_t x : picked) tree.remove(x);
      if (same && !c.autapses) tree.remove(o);
      while (picked.size() < c.k) {
        if (tree.positive() == 0)
          fail(o, c.multapses || picked.empty()
                      ? std::string("has no partner within reach of the distance profile")
                      : fmt::format("has only {} distinct partners within reach of the distance "
                                    "profile",
                                    picked.size()));
        const size_t x = tree.find(r.uniform() * tree.total());
        if (!(tree.weight(x) > 0)) continue;  // a rounding edge at a removed item
        picked.push_back(static_cast<uint32_t>(x));
        if (!c.multapses) tree.remove(x);
      }
    }
    for (uint32_t x : picked) in ? on_synapse(x, o, nullptr) : on_synapse(o, x, nullptr);
  }
}

// Visits the synapses of a projection onto targets [lo, hi), grouped by the neuron whose
// stream draws them ("owner": the target, or the source for fixed_outdegree).
// on_owner(gid) opens a group; on_synapse(pre, post, listed) follows, with `listed` set for
// from_list. A source-owned group is visited whole, targets outside [lo, hi) included, so
// that the caller can keep the owner's weight and delay streams aligned.
template <class OnOwner, class OnSynapse>
void enumerate(const ModelSpec& m, const ProjectionSpec& p, uint32_t index, uint32_t pre_off,
               uint32_t post_off, uint32_t lo, uint32_t hi, OnOwner&& on_owner,
               OnSynapse&& on_synapse) {
  const uint32_t n_pre = m.populations[p.from].size;
  hi = std::min(hi, m.populations[p.to].size);
  const bool same = p.from == p.to;
  const ConnectSpec& c = p.connect;
  const uint64_t seed = m.protocol.seed;
  const uint32_t purpose = purpose_word(Purpose::connectivity, index);
  auto autapse = [&](uint32_t pre, uint32_t post) { return same && pre == post && !c.autapses; };
  std::vector<uint32_t> picked;
  std::unordered_set<uint32_t> seen;

  switch (c.rule) {
    case ConnectRule::all_to_all:
      for (uint32_t j = lo; j < hi; ++j) {
        on_owner(post_off + j);
        for (uint32_t i = 0; i < n_pre; ++i)
          if (!autapse(i, j)) on_synapse(i, j, nullptr);
      }
      break;
    case ConnectRule::one_to_one:
      for (uint32_t j = lo; j < hi; ++j) {
        on_owner(post_off + j);
        on_synapse(j, j, nullptr);
      }
      break;
    case ConnectRule::fixed_probability: {
      if (c.profile.kind != DistanceProfile::Kind::none) {
        // distance-dependent: every pair is tried with its own probability p · profile(d)
        const Geometry distance{m.populations[p.from], m.populations[p.to]};
        if (std::isfinite(c.profile.reach())) {
          // the profile vanishes beyond its reach: only the sources in cells near the target
          const PopulationSpec& post = m.populations[p.to];
          const NearbySources near(m.populations[p.from], post, c.profile.reach());
          std::vector<uint32_t> candidates;
          for (uint32_t j = lo; j < hi; ++j) {
            on_owner(post_off + j);
            RandomStream r(seed, purpose, post_off + j);
            near.around(post.positions[j], candidates);
            for (uint32_t i : candidates) {
              const double u = r.uniform();
              if (!autapse(i, j) && u < c.p * c.profile(distance(i, j))) on_synapse(i, j, nullptr);
            }
          }
          break;
        }
        for (uint32_t j = lo; j < hi; ++j) {
          on_owner(post_off + j);
          RandomStream r(seed, purpose, post_off + j);
          for (uint32_t i = 0; i < n_pre; ++i) {
            const double u = r.uniform();
            if (!autapse(i, j) && u < c.p * c.profile(distance(i, j))) on_synapse(i, j, nullptr);
          }
        }
        break;
      }
      // Geometric skipping: the gap to the next connected source is geometric with
      // parameter p, so the cost is proportional to the synapses made, not to n_pre.
      const double log1mp = c.p < 1 ? std::log1p(-c.p) : 0.0;
      for (uint32_t j = lo; j < hi; ++j) {
        on_owner(post_off + j);
        if (c.p <= 0) continue;
        RandomStream r(seed, purpose, post_off + j);
        int64_t i = -1;
        for (;;) {
          if (c.p >= 1) {
            ++i;
          } else {
            double g = std::floor(std::log(r.uniform_open0()) / log1mp);
            if (g >= static_cast<double>(n_pre)) break;
            i += 1 + static_cast<int64_t>(g);
          }
          if (i >= n_pre) break;
          if (!autapse(static_cast<uint32_t>(i), j))
            on_synapse(static_cast<uint32_t>(i), j, nullptr);
        }
      }
      break;
    }
    case ConnectRule::fixed_indegree:
    case ConnectRule::fixed_outdegree: {
      const bool in = c.rule == ConnectRule::fixed_indegree;
      const uint32_t n_post = m.populations[p.to].size;
      const uint32_t n_owner = in ? n_post : n_pre, pool = in ? n_pre : n_post;
      const uint32_t owner_off = in ? post_off : pre_off;
      const uint32_t first = in ? lo : 0, last = in ? hi : n_owner;
      if (c.profile.kind != DistanceProfile::Kind::none) {
        draw_by_distance(m, p, index, owner_off, first, last, on_owner, on_synapse);
        break;
      }
      for (uint32_t o = first; o < last; ++o) {
        on_owner(owner_off + o);
        RandomStream r(seed, purpose, owner_off + o);
        picked.clear();
        seen.clear();
        while (picked.size() < c.k) {
          uint32_t x = r.below(pool);
          if (same && x == o && !c.autapses) continue;
          if (!c.multapses && !seen.insert(x).second) continue;
          picked.push_back(x);
        }
        // in draw order: the CSR rows are ordered by owner anyway, so sorting would buy nothing
        for (uint32_t x : picked) in ? on_synapse(x, o, nullptr) : on_synapse(o, x, nullptr);
      }
      break;
    }
    case ConnectRule::fixed_total_number: {
      // N pairs drawn uniformly with replacement (NEST's fixed_total_number with multapses).
      // The number of synapses onto each target is multinomial; it is drawn from one stream
      // (id kAllTargets), the same on every thread, by throwing N balls into the targets;
      // then each target draws its sources from its own stream.
      const uint32_t n_post = m.populations[p.to].size;
      std::vector<uint32_t> per_target(n_post, 0);
      RandomStream split(seed, purpose, kAllTargets);
      for (uint64_t b = 0; b < c.n; ++b) ++per_target[split.below(n_post)];
      for (uint32_t j = lo; j < hi; ++j) {
        on_owner(post_off + j);
        RandomStream r(seed, purpose, post_off + j);
        for (uint32_t drawn = 0; drawn < per_target[j];) {
          const uint32_t i = r.below(n_pre);
          if (autapse(i, j)) continue;
          on_synapse(i, j, nullptr);
          ++drawn;
        }
      }
      break;
    }
    case ConnectRule::from_list: {
      // In file order, grouped by target: stable sort of indices by post.
      std::vector<uint32_t> order(c.list.size());
      for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(),
                       [&](uint32_t a, uint32_t b) { return c.list[a].post < c.list[b].post; });
      int64_t current = -1;
      for (uint32_t idx : order) {
        const auto& e = c.list[idx];
        if (e.post < lo || e.post >= hi) continue;
        if (static_cast<int64_t>(e.post) != current) {
          current = e.post;
          on_owner(post_off + e.post);
        }
        on_synapse(e.pre, e.post, &e);
      }
      break;
    }
  }
}

uint32_t population_offset(const ModelSpec& m, int pop) {
  uint32_t off = 0;
  for (int i = 0; i < pop; ++i) off += m.populations[i].size;
  return off;
}

}  // namespace

double expected_synapses(const ModelSpec& m, uint32_t index) {
  const ProjectionSpec& p = m.projections[index];
  const double n_pre = m.populations[p.from].size, n_post = m.populations[p.to].size;
  const bool self = p.from == p.to;
  const ConnectSpec& c = p.connect;
  switch (c.rule) {
    case ConnectRule::all_to_all:
      return n_pre * n_post - (self && !c.autapses ? n_pre : 0);
    case ConnectRule::one_to_one:
      return n_post;
    case ConnectRule::fixed_indegree:
      return static_cast<double>(c.k) * n_post;
    case ConnectRule::fixed_outdegree:
      return static_cast<double>(c.k) * n_pre;
    case ConnectRule::fixed_total_number:
      return static_cast<double>(c.n);
    case ConnectRule::from_list:
      return static_cast<double>(c.list.size());
    case ConnectRule::fixed_probability: {
      if (c.profile.kind == DistanceProfile::Kind::none) return c.p * n_pre * n_post;
      const Geometry distance{m.populations[p.from], m.populations[p.to]};
      const auto targets = static_cast<uint32_t>(n_post);
      const uint32_t stride = std::max<uint32_t>(1, targets / 64);
      double sum = 0, sampled = 0;
      for (uint32_t j = 0; j < targets; j += stride, ++sampled)
        for (uint32_t i = 0; i < static_cast<uint32_t>(n_pre); ++i)
          sum += c.profile(distance(i, j));
      return c.p * sum / sampled * n_post;
    }
  }
  return 0;
}

Projection build_projection(const ModelSpec& m, uint32_t index, uint32_t lo, uint32_t hi) {
  return build_projection(m, m.projections[index], index, lo, hi);
}

Projection build_projection(const ModelSpec& m, const ProjectionSpec& ps, uint32_t index,
                            uint32_t lo, uint32_t hi) {
  const uint32_t n_pre = m.populations[ps.from].size;
  const uint32_t pre_off = population_offset(m, ps.from), post_off = population_offset(m, ps.to);
  const double dt = m.protocol.dt;
  const uint64_t seed = m.protocol.seed;

  Projection pr;
  pr.name = ps.name;
  pr.from = static_cast<uint32_t>(ps.from);
  pr.to = static_cast<uint32_t>(ps.to);
  pr.receptor = static_cast<uint32_t>(ps.receptor);

  // pass 1: count synapses per source
  std::vector<uint64_t> count(n_pre + 1, 0);
  bool listed_weights = false, listed_delays = false;
  const auto mine = [&](uint32_t post) { return post >= lo && post < hi; };
  const Geometry geometry{m.populations[ps.from], m.populations[ps.to]};
  enumerate(
      m, ps, index, pre_off, post_off, lo, hi, [](uint32_t) {},
      [&](uint32_t pre, uint32_t post, const ListedSynapse* e) {
        if (!mine(post)) return;
        ++count[pre];
        if (e) {
          listed_weights |= e->weight.has_value();
          listed_delays |= e->delay.has_value();
        }
      });
  uint64_t total = 0;
  pr.row_offset.resize(n_pre + 1);
  for (uint32_t i = 0; i < n_pre; ++i) {
    pr.row_offset[i] = static_cast<uint32_t>(total);
    total += count[i];
  }
  if (total > std::numeric_limits<uint32_t>::max())
    throw InputError(ps.origin.where, ps.origin.key_path,
                     "more than 4 billion synapses in one projection; split it");
  pr.row_offset[n_pre] = static_cast<uint32_t>(total);

  const bool own_weight = !ps.weight.is_constant() || listed_weights;
  const bool by_distance = ps.velocity > 0;
  const bool own_delay = !ps.delay.is_constant() || listed_delays || by_distance;
  const auto steps_of = [&](double d) {
    double s = std::round(d / dt);
    return static_cast<uint16_t>(std::clamp(s, 1.0, 65535.0));
  };
  // Weights keep the sign of their distribution's mean: a drawn excitatory weight is
  // clipped at zero rather than turning inhibitory.
  const double wsign = ps.weight.mean() >= 0 ? 1.0 : -1.0;
  const auto clip = [&](double w) { return wsign > 0 ? std::max(w, 0.0) : std::min(w, 0.0); };

  // mapped in one call each, not one page fault per 4 KiB (core/pages.hpp)
  reserve_populated(pr.target, total);
  pr.target.resize(total);
  if (own_weight) {
    reserve_populated(pr.weight, total);
    pr.weight.resize(total);
  }
  if (own_delay) {
    reserve_populated(pr.delay, total);
    pr.delay.resize(total);
  }
  pr.uniform_weight = ps.weight.a;
  pr.uniform_delay = steps_of(ps.delay.a);

  // pass 2: fill, with weights and delays drawn from the owner's streams
  std::vector<uint32_t> cursor(pr.row_offset.begin(), pr.row_offset.end() - 1);
  RandomStream wr(seed, purpose_word(Purpose::weight, index), 0);
  RandomStream dr(seed, purpose_word(Purpose::delay, index), 0);
  enumerate(
      m, ps, index, pre_off, post_off, lo, hi,
      [&](uint32_t owner) {
        wr = RandomStream(seed, purpose_word(Purpose::weight, index), owner);
        dr = RandomStream(seed, purpose_word(Purpose::delay, index), owner);
      },
      [&](uint32_t pre, uint32_t post, const ListedSynapse* e) {
        // draw for every synapse of the owner, stored or not, to keep its streams aligned
        const double w =
            own_weight ? ((e && e->weight) ? *e->weight : clip(draw(ps.weight, wr))) : 0;
        const uint16_t d = !own_delay        ? uint16_t{0}
                           : (e && e->delay) ? steps_of(*e->delay)
                           : by_distance
                               ? steps_of(ps.delay_offset + geometry(pre, post) / ps.velocity)
                               : steps_of(draw(ps.delay, dr));
        if (!mine(post)) return;
        const uint32_t k = cursor[pre]++;
        pr.target[k] = post;
        if (own_weight) pr.weight[k] = static_cast<float>(w);
        if (own_delay) pr.delay[k] = d;
      });

  if (own_delay && total > 0) {
    auto [lo, hi] = std::minmax_element(pr.delay.begin(), pr.delay.end());
    pr.min_delay = *lo;
    pr.max_delay = *hi;
  } else {
    pr.min_delay = pr.max_delay = pr.uniform_delay;
  }
  if (ps.stp.enabled || ps.stdp.rule != StdpRule::none || ps.scaling.enabled) {
    if (ps.stdp.rule != StdpRule::none || ps.scaling.enabled) {
      // every synapse has its own weight from the start, within the rule's bounds
      if (pr.weight.empty()) {
        reserve_populated(pr.weight, total);
        pr.weight.assign(total, static_cast<float>(pr.uniform_weight));
      }
      for (float& w : pr.weight)
        w = static_cast<float>(ps.stdp.rule != StdpRule::none
                                   ? std::clamp<double>(w, ps.stdp.w_min, ps.stdp.w_max)
                                   : w);
    }
    pr.dynamics = std::make_shared<SynapseDynamics>(ps.stp, ps.stdp, dt, n_pre, lo,
                                                    std::min(hi, m.populations[ps.to].size),
                                                    pr.target.size(), ps.scaling);
    if (ps.consolidation.enabled)
      pr.consolidation = std::make_shared<Consolidation>(ps.consolidation, dt, lo,
                                                         std::min(hi, m.populations[ps.to].size),
                                                         pr.weight, ps.stdp.w_min, ps.stdp.w_max);
  }
  return pr;
}

}  // namespace engram
