#pragma once
// Draws neurons of a placed population ("pool") with probability proportional to a distance
// profile, for the fixed-degree rules with a `profile`: fixed_outdegree draws each source's
// k targets, fixed_indegree each target's k sources, from P(j | x) = profile(|x - y_j|) /
// sum_i profile(|x - y_i|), where x is the owner's position, y_j the pool's positions and
// |.| the projection's metric (periodic with the target population's boundaries).
//
// Method: rejection sampling from a translation-invariant bound, exact for any layout.
//  - The pool's box is cut into cells (for a grid layout one cell per grid point, found
//    from the positions; otherwise about 4 neurons per cell) and the pool's neurons are
//    listed by cell (a cell list).
//  - An owner in cell c and a neuron in cell c + delta are separated by a displacement
//    that lies, per axis, in [delta h + lo_pool - hi_owner, delta h + hi_pool - lo_owner],
//    where lo/hi are the extreme offsets of positions inside their cells (all the same on
//    a grid, so the interval is tight). B(delta) = the largest profile value over that
//    range of distances bounds profile(|x - y_j|) for every owner and every neuron of the
//    cell. B is tabulated once per projection (the pool's cells for periodic boundaries,
//    up to 4 times as many for open ones) with an alias table (Walker/Vose).
//  - A draw picks delta from B by the alias table (O(1)), a slot uniformly in [0, C_max)
//    (C_max: the most neurons in a cell) and rejects an empty slot or a cell outside an
//    open box, then accepts neuron j with probability profile(d_j) / B(delta). Neuron j
//    is thus proposed-and-accepted with probability proportional to profile(d_j): the
//    draw is exact (up to the 2^-32 resolution of the uniform numbers), not a snap to the
//    nearest grid point. Acceptance is about exp(-h/sigma) on grids and lower on random
//    layouts (empty slots); no O(n_pre n_post) enumeration is done.
//  - When the bound table would be too large (owners far outside an open pool box) the
//    sampler falls back to exact inversion over all pool neurons (O(n_pool) per owner).
// Every number comes from the owner's stream, consumed in a fixed order, so the draws
// do not depend on threads.
#include <array>
#include <cstdint>
#include <vector>

#include "engram/spec/model_spec.hpp"

namespace engram {

class RandomStream;

// Distance with the periodic boundaries of a box (the shorter way round each axis of
// length > 0), as the projection's metric.
struct BoxMetric {
  std::array<double, 3> extent{0, 0, 0};
  bool periodic = false;
  double operator()(const std::array<double, 3>& a, const std::array<double, 3>& b) const;
};

class SpatialSampler {
 public:
  // `pool`: the population drawn from; `owners`: the positions of the neurons that draw.
  SpatialSampler(const std::vector<std::array<double, 3>>& pool,
                 const std::array<double, 3>& pool_extent,
                 const std::vector<std::array<double, 3>>& owners, BoxMetric metric,
                 const DistanceProfile& profile);

  // Prepares draws for an owner at x (its cell; or, in the fallback, the exact weights).
  void begin(const std::array<double, 3>& x);
  // One pool index drawn with probability profile(|x - y_j|) / sum_i profile(|x - y_i|).
  // Returns UINT32_MAX when no neuron has a positive weight.
  uint32_t draw(RandomStream& r);

  // Exact weights profile(|x - y_j|) of every pool neuron (for sampling without
  // replacement when rejection of repeats would take too long).
  void weights(const std::array<double, 3>& x, std::vector<double>& w) const;

  bool tabulated() const { return !bound_.empty(); }
  size_t table_size() const { return bound_.size(); }

 private:
  const std::vector<std::array<double, 3>>& pool_;
  BoxMetric metric_;
  const DistanceProfile& profile_;
  std::array<uint32_t, 3> n_{1, 1, 1};     // cells per axis
  std::array<double, 3> h_{1, 1, 1};       // cell size (um)
  std::array<int64_t, 3> d0_{0, 0, 0};     // first tabulated displacement (cells)
  std::array<uint32_t, 3> m_{1, 1, 1};     // tabulated displacements per axis
  std::vector<uint32_t> start_, members_;  // cell list
  uint32_t c_max_ = 1;                     // most neurons in a cell
  std::vector<double> bound_, prob_;       // B(delta); alias probabilities
  std::vector<uint32_t> alias_;
  std::array<int64_t, 3> cell_{0, 0, 0};  // the owner's cell
  std::array<double, 3> x_{0, 0, 0};      // the owner's position
  std::vector<double> cumulative_;        // fallback: prefix sums of the exact weights

  int64_t cell_of(double x, int k) const;
};

}  // namespace engram
