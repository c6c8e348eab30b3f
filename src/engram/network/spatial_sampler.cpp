#include "engram/network/spatial_sampler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engram/core/random.hpp"

namespace engram {

double BoxMetric::operator()(const std::array<double, 3>& a, const std::array<double, 3>& b) const {
  double s = 0;
  for (int k = 0; k < 3; ++k) {
    double d = std::fabs(a[k] - b[k]);
    if (periodic && extent[k] > 0) d = std::min(d, extent[k] - d);
    s += d * d;
  }
  return std::sqrt(s);
}

namespace {

// Largest profile value over distances in [lo, hi]: at an end for the monotone profiles,
// also at a corner inside for a piecewise linear one.
double profile_max(const DistanceProfile& p, double lo, double hi) {
  double m = std::max(p(lo), p(hi));
  if (p.kind == DistanceProfile::Kind::custom)
    for (size_t k = 0; k < p.distances.size(); ++k)
      if (p.distances[k] > lo && p.distances[k] < hi) m = std::max(m, p.values[k]);
  return m;
}

// Smallest and largest |t| over t in [a, b], |t| periodic with length L (L = 0: open).
std::pair<double, double> axis_range(double a, double b, double L) {
  if (L <= 0) {
    const double lo = (a <= 0 && b >= 0) ? 0.0 : std::min(std::fabs(a), std::fabs(b));
    return {lo, std::max(std::fabs(a), std::fabs(b))};
  }
  auto fold = [L](double t) {
    double u = t - std::floor(t / L) * L;
    return std::min(u, L - u);
  };
  // |t| folds to min(t mod L, L - t mod L): extremes at multiples of L/2 or at the ends
  const bool has_zero = std::ceil(a / L) * L <= b;
  const bool has_half = std::ceil((a - 0.5 * L) / L) * L + 0.5 * L <= b;
  return {has_zero ? 0.0 : std::min(fold(a), fold(b)),
          has_half ? 0.5 * L : std::max(fold(a), fold(b))};
}

}  // namespace

SpatialSampler::SpatialSampler(const std::vector<std::array<double, 3>>& pool,
                               const std::array<double, 3>& pool_extent,
                               const std::vector<std::array<double, 3>>& owners, BoxMetric metric,
                               const DistanceProfile& profile)
    : pool_(pool), metric_(metric), profile_(profile) {
  const auto n_pool = static_cast<uint32_t>(pool.size());
  // The box the cells cover: the periodic box, else the pool's own. An axis the pool does
  // not extend along is one cell wide enough to hold every owner.
  std::array<double, 3> box{0, 0, 0};
  std::array<bool, 3> wraps{false, false, false};
  int dims = 0;
  double volume = 1;
  for (int k = 0; k < 3; ++k) {
    wraps[k] = metric.periodic && metric.extent[k] > 0;
    box[k] = wraps[k] ? metric.extent[k] : pool_extent[k];
    if (box[k] > 0) {
      ++dims;
      volume *= box[k];
    } else {
      double far = 0;
      for (const auto& x : owners) far = std::max(far, std::fabs(x[k]));
      box[k] = 2 * far + 1;
    }
  }
  // Cells: one per grid point when the positions form a grid (as many distinct coordinates
  // per axis as make up the population), otherwise about 4 neurons per cell.
  auto bin = [&]() {
    for (int k = 0; k < 3; ++k) h_[k] = box[k] / n_[k];
    start_.assign(static_cast<size_t>(n_[0]) * n_[1] * n_[2] + 1, 0);
    std::vector<uint32_t> cell(n_pool);
    for (uint32_t j = 0; j < n_pool; ++j) {
      uint64_t c = 0, mult = 1;
      for (int k = 0; k < 3; ++k) {
        c +=
            static_cast<uint64_t>(std::clamp<int64_t>(cell_of(pool[j][k], k), 0, n_[k] - 1)) * mult;
        mult *= n_[k];
      }
      cell[j] = static_cast<uint32_t>(c);
      ++start_[c + 1];
    }
    c_max_ = 1;
    for (size_t c = 1; c < start_.size(); ++c) {
      c_max_ = std::max(c_max_, start_[c]);
      start_[c] += start_[c - 1];
    }
    members_.resize(n_pool);
    std::vector<uint32_t> fill(start_.begin(), start_.end() - 1);
    for (uint32_t j = 0; j < n_pool; ++j) members_[fill[cell[j]]++] = j;  // by index in a cell
  };
  std::array<uint64_t, 3> distinct{1, 1, 1};
  uint64_t product = 1;
  for (int k = 0; k < 3; ++k) {
    std::vector<double> v(n_pool);
    for (uint32_t j = 0; j < n_pool; ++j) v[j] = pool[j][k];
    std::sort(v.begin(), v.end());
    distinct[k] = static_cast<uint64_t>(std::unique(v.begin(), v.end()) - v.begin());
    product *= distinct[k];
  }
  bool grid = false;
  if (product == n_pool) {
    for (int k = 0; k < 3; ++k) n_[k] = static_cast<uint32_t>(distinct[k]);
    bin();
    grid = c_max_ == 1;
  }
  if (!grid) {
    const double side = std::pow(volume / std::max(1.0, n_pool / 4.0), 1.0 / std::max(dims, 1));
    for (int k = 0; k < 3; ++k)
      n_[k] = pool_extent[k] > 0 || wraps[k]
                  ? static_cast<uint32_t>(std::clamp(std::round(box[k] / side), 1.0, 1e6))
                  : 1;
    bin();
  }

  // Offsets of positions inside their cells (pool and owners), and the owners' cell range.
  std::array<double, 3> plo, phi, slo, shi;
  std::array<int64_t, 3> cmin, cmax;
  for (int k = 0; k < 3; ++k) {
    plo[k] = slo[k] = std::numeric_limits<double>::infinity();
    phi[k] = shi[k] = -std::numeric_limits<double>::infinity();
    cmin[k] = std::numeric_limits<int64_t>::max();
    cmax[k] = std::numeric_limits<int64_t>::min();
  }
  for (uint32_t j = 0; j < n_pool; ++j)
    for (int k = 0; k < 3; ++k) {
      const double off =
          pool[j][k] - std::clamp<int64_t>(cell_of(pool[j][k], k), 0, n_[k] - 1) * h_[k];
      plo[k] = std::min(plo[k], off);
      phi[k] = std::max(phi[k], off);
    }
  for (const auto& x : owners)
    for (int k = 0; k < 3; ++k) {
      int64_t c = cell_of(x[k], k);
      if (wraps[k]) c = std::clamp<int64_t>(c, 0, n_[k] - 1);
      slo[k] = std::min(slo[k], x[k] - c * h_[k]);
      shi[k] = std::max(shi[k], x[k] - c * h_[k]);
      cmin[k] = std::min(cmin[k], c);
      cmax[k] = std::max(cmax[k], c);
    }
  if (owners.empty() || n_pool == 0) return;
  // Displacements (in cells) to tabulate: every cell once round a periodic axis; every
  // cell from every owner's cell along an open one.
  double entries = 1;
  for (int k = 0; k < 3; ++k) {
    d0_[k] = wraps[k] ? 0 : -cmax[k];
    m_[k] = static_cast<uint32_t>(
        std::min<int64_t>(wraps[k] ? n_[k] : n_[k] + cmax[k] - cmin[k], 1 << 30));
    entries *= m_[k];
  }
  if (entries > 16.0 * n_pool + (1 << 20)) return;  // fall back to exact inversion
  const auto size = static_cast<uint32_t>(entries);
  bound_.resize(size);
  for (uint32_t t = 0; t < size; ++t) {
    uint32_t rest = t;
    double lo2 = 0, hi2 = 0;
    for (int k = 0; k < 3; ++k) {
      const double d = static_cast<double>(d0_[k] + rest % m_[k]) * h_[k];
      rest /= m_[k];
      const double a = d + plo[k] - shi[k], b = d + phi[k] - slo[k];
      auto [lo, hi] = axis_range(a, b, wraps[k] ? box[k] : 0.0);
      // a little slack for rounding: the bound must not fall below a computed distance
      const double eps = 1e-9 * (std::fabs(a) + std::fabs(b) + h_[k]);
      lo = std::max(0.0, lo - eps);
      hi += eps;
      lo2 += lo * lo;
      hi2 += hi * hi;
    }
    bound_[t] = profile_max(profile, std::sqrt(lo2), std::sqrt(hi2));
  }
  // Alias table (Vose 1991): prob_[t] the chance to keep t, else alias_[t].
  double total = 0;
  for (double b : bound_) total += b;
  prob_.assign(size, 0.0);
  alias_.assign(size, 0);
  if (!(total > 0)) return;
  std::vector<double> scaled(size);
  std::vector<uint32_t> small, large;
  for (uint32_t t = 0; t < size; ++t) {
    scaled[t] = bound_[t] * size / total;
    (scaled[t] < 1.0 ? small : large).push_back(t);
  }
  while (!small.empty() && !large.empty()) {
    const uint32_t s = small.back(), l = large.back();
    small.pop_back();
    prob_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  for (uint32_t t : large) prob_[t] = 1.0, alias_[t] = t;
  for (uint32_t t : small) prob_[t] = 1.0, alias_[t] = t;  // rounding leftovers
}

int64_t SpatialSampler::cell_of(double x, int k) const {
  return static_cast<int64_t>(std::floor(x / h_[k]));
}

void SpatialSampler::weights(const std::array<double, 3>& x, std::vector<double>& w) const {
  w.resize(pool_.size());
  for (size_t j = 0; j < pool_.size(); ++j) w[j] = profile_(metric_(x, pool_[j]));
}

void SpatialSampler::begin(const std::array<double, 3>& x) {
  x_ = x;
  cumulative_.clear();
  if (!tabulated()) {
    weights(x, cumulative_);
    for (size_t j = 1; j < cumulative_.size(); ++j) cumulative_[j] += cumulative_[j - 1];
    return;
  }
  for (int k = 0; k < 3; ++k) {
    cell_[k] = cell_of(x[k], k);
    if (metric_.periodic && metric_.extent[k] > 0)
      cell_[k] = std::clamp<int64_t>(cell_[k], 0, n_[k] - 1);
  }
}

uint32_t SpatialSampler::draw(RandomStream& r) {
  // A long run of rejections (an owner far from every neuron of an open box, or a custom
  // profile that reaches few of them) switches this owner to exact inversion.
  constexpr int kMaxRejections = 100000;
  for (int attempt = 0; cumulative_.empty(); ++attempt) {
    if (attempt == kMaxRejections) {
      weights(x_, cumulative_);
      for (size_t j = 1; j < cumulative_.size(); ++j) cumulative_[j] += cumulative_[j - 1];
      break;
    }
    const auto size = static_cast<uint32_t>(bound_.size());
    uint32_t t = r.below(size);
    if (r.uniform32() >= prob_[t]) t = alias_[t];
    if (bound_[t] <= 0) return UINT32_MAX;  // only when every bound is 0
    uint32_t rest = t;
    uint64_t cell = 0, mult = 1;
    bool outside = false;
    for (int k = 0; k < 3; ++k) {
      int64_t c = cell_[k] + d0_[k] + rest % m_[k];
      rest /= m_[k];
      if (metric_.periodic && metric_.extent[k] > 0) {
        if (c >= n_[k]) c -= n_[k];
      } else if (c < 0 || c >= n_[k]) {
        outside = true;
      }
      cell += static_cast<uint64_t>(c) * mult;
      mult *= n_[k];
    }
    if (outside) continue;
    const uint32_t slot = c_max_ > 1 ? r.below(c_max_) : 0;
    if (slot >= start_[cell + 1] - start_[cell]) continue;
    const uint32_t j = members_[start_[cell] + slot];
    const double w = profile_(metric_(x_, pool_[j]));
    if (w < bound_[t] && r.uniform32() * bound_[t] >= w) continue;
    return j;
  }
  const double total = cumulative_.empty() ? 0.0 : cumulative_.back();
  if (!(total > 0)) return UINT32_MAX;
  const double u = r.uniform() * total;
  const auto j = static_cast<size_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), u) -
                                     cumulative_.begin());
  return static_cast<uint32_t>(std::min(j, cumulative_.size() - 1));
}

}  // namespace engram
