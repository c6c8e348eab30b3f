#include "engram/plasticity/consolidation.hpp"

#include <algorithm>
#include <cmath>

namespace engram {

Consolidation::Consolidation(const ConsolidationSpec& spec, double dt, uint32_t post_lo,
                             uint32_t post_hi, const std::vector<float>& weights, double w_min,
                             double w_max)
    : spec_(spec),
      dt_(dt),
      post_lo_(post_lo),
      w_min_(w_min),
      w_max_(w_max),
      h0_(weights),
      z_(weights.size(), 0.0f),
      pool_(std::make_shared<Pool>()) {
  pool_->p.assign(post_hi - post_lo, 0.0);
  pool_->sum.assign(post_hi - post_lo, 0.0);
}

void Consolidation::share_pool(const std::vector<Projection*>& group) {
  for (size_t g = 1; g < group.size(); ++g) {
    group[g]->consolidation->pool_ = group[0]->consolidation->pool_;
    group[g]->consolidation->owns_pool_ = false;
  }
}

size_t Consolidation::state_bytes() const {
  size_t b = (h0_.capacity() + z_.capacity()) * sizeof(float);
  if (owns_pool_) b += (pool_->p.capacity() + pool_->sum.capacity()) * sizeof(double);
  return b;
}

Consolidation::Step Consolidation::synapse_step(const ConsolidationSpec& s, double d, double z,
                                                double p_integral, double dt_ms) {
  // the tags as they were at the start of the step
  if (d > s.theta_tag)
    z = 1 - (1 - z) * std::exp(-p_integral / s.tau_late);
  else if (-d > s.theta_tag)
    z = -0.5 + (z + 0.5) * std::exp(-p_integral / s.tau_late);
  return {d * std::exp(-dt_ms / s.tau_early), z};
}

std::pair<double, double> Consolidation::protein_step(const ConsolidationSpec& s, double p,
                                                      bool triggered, double dt_ms) {
  const double a = triggered ? s.alpha : 0.0;
  const double e = std::exp(-dt_ms / s.tau_protein);
  return {a + (p - a) * e, a * dt_ms + (p - a) * s.tau_protein * (1 - e)};
}

void Consolidation::advance(const std::vector<Projection*>& group, int64_t k) {
  if (group.empty()) return;
  const Consolidation& first = *group[0]->consolidation;
  Pool& pool = *first.pool_;
  if (k <= pool.last) return;
  const ConsolidationSpec& spec = first.spec_;  // the pool's parameters (checked equal)
  const double span = static_cast<double>(k - pool.last) * first.dt_;
  const double t0 = static_cast<double>(pool.last) * first.dt_;
  pool.last = k;
  // the trigger: each target's summed early change (in units of each baseline), over the
  // projections in their order and the synapses in CSR order (the same for any threads)
  std::fill(pool.sum.begin(), pool.sum.end(), 0.0);
  for (const Projection* pr : group) {
    const Consolidation& c = *pr->consolidation;
    for (size_t i = 0; i < c.h0_.size(); ++i)
      if (c.h0_[i] > 0)  // no baseline, no change to measure
        pool.sum[pr->target[i] - c.post_lo_] += std::fabs(c.early_change(*pr, i));
  }
  const bool blocked = t0 >= spec.block_start && t0 < spec.block_stop;
  for (size_t i = 0; i < pool.p.size(); ++i) {
    const auto [p, integral] =
        protein_step(spec, pool.p[i], !blocked && pool.sum[i] > spec.theta_pro, span);
    pool.p[i] = p;
    pool.sum[i] = integral;  // now ∫p over the span
  }
  for (Projection* pr : group) {
    Consolidation& c = *pr->consolidation;
    for (size_t i = 0; i < c.h0_.size(); ++i) {
      if (!(c.h0_[i] > 0)) continue;
      const double h0 = c.h0_[i];
      const Step st = synapse_step(c.spec_, c.early_change(*pr, i), c.z_[i],
                                   pool.sum[pr->target[i] - c.post_lo_], span);
      c.z_[i] = static_cast<float>(st.z);
      // the effective weight h + z·h0, within the STDP rule's bounds
      pr->weight[i] = static_cast<float>(std::clamp(h0 * (1 + st.d + st.z), c.w_min_, c.w_max_));
    }
  }
}

}  // namespace engram
