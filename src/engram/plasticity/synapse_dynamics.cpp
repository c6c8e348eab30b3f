#include "engram/plasticity/synapse_dynamics.hpp"

#include <algorithm>
#include <cmath>

namespace engram {

SynapseDynamics::SynapseDynamics(const StpSpec& stp, const StdpSpec& stdp, double dt,
                                 uint32_t n_pre, uint32_t post_lo, uint32_t post_hi)
    : stp_(stp), stdp_(stdp), dt_(dt), post_lo_(post_lo) {
  // half a second of post spikes at most between flushes: a few entries per neuron at
  // cortical rates, while a flush (one pass over the synapses) stays rare
  flush_every_ = std::max<int64_t>(1, std::llround(500.0 / dt));
  last_.assign(n_pre, -1);
  if (stp_.enabled) {
    u_.assign(n_pre, stp_.u);
    r_.assign(n_pre, 1.0);
    decay_rec_.init(stp_.tau_rec, dt);
    if (stp_.tau_facil > 0) decay_facil_.init(stp_.tau_facil, dt);
  }
  if (has_stdp()) {
    applied_.assign(n_pre, 0);
    x1_.assign(n_pre, 0.0);
    decay_plus_.init(stdp_.tau_plus, dt);
    decay_minus_.init(stdp_.tau_minus, dt);
    if (stdp_.rule == StdpRule::triplet) {
      x2_.assign(n_pre, 0.0);
      decay_x_.init(stdp_.tau_x, dt);
      decay_y_.init(stdp_.tau_y, dt);
    }
    history_.resize(post_hi - post_lo);
    post_last_.assign(post_hi - post_lo, -1);
    post_y1_.assign(post_hi - post_lo, 0.0);
  }
}

void SynapseDynamics::Decay::init(double tau_ms, double dt_ms) {
  tau = tau_ms;
  dt = dt_ms;
  // beyond 40 tau the factor is below 5e-18: exp then is as cheap as it is rare
  const auto n = static_cast<size_t>(std::min(65536.0, std::ceil(40 * tau_ms / dt_ms)));
  table.resize(n);
  for (size_t i = 0; i < n; ++i) table[i] = std::exp(-static_cast<double>(i) * dt_ms / tau_ms);
}

inline double SynapseDynamics::grow(double w, double dw) const {
  switch (stdp_.dependence) {
    case WeightDependence::additive:
      w += stdp_.w_max * dw;
      break;
    case WeightDependence::multiplicative:
      w += (stdp_.w_max - w) * dw;
      break;
    case WeightDependence::power:
      w += std::pow(stdp_.w_max, 1 - stdp_.mu_plus) *
           std::pow(std::max(stdp_.w_max - w, 0.0), stdp_.mu_plus) * dw;
      break;
  }
  return std::clamp(w, stdp_.w_min, stdp_.w_max);
}

inline double SynapseDynamics::shrink(double w, double dw) const {
  switch (stdp_.dependence) {
    case WeightDependence::additive:
      w -= stdp_.w_max * dw;
      break;
    case WeightDependence::multiplicative:
      w -= (w - stdp_.w_min) * dw;
      break;
    case WeightDependence::power:
      w -= std::pow(stdp_.w_max, 1 - stdp_.mu_minus) *
           std::pow(std::max(w - stdp_.w_min, 0.0), stdp_.mu_minus) * dw;
      break;
  }
  return std::clamp(w, stdp_.w_min, stdp_.w_max);
}

void SynapseDynamics::potentiate_from(float& w, uint32_t post, uint32_t pre, int64_t from,
                                      int64_t until, double scale) const {
  // callers check first that there is a presynaptic trace and a post spike since `from`
  const int64_t last = last_[pre];
  const auto& h = history_[post - post_lo_];
  double wd = w;
  bool changed = false;
  for (const PostSpike& e : h) {
    if (e.step < from) continue;
    if (e.step >= until) break;
    const double x = x1_[pre] * decay_plus_(e.step - last);
    const double dw = stdp_.rule == StdpRule::triplet
                          ? x * (stdp_.a_plus + stdp_.a3_plus * e.y2_before)
                          : stdp_.a_plus * x;
    wd = grow(wd, dw * scale);
    changed = true;
  }
  if (changed) w = static_cast<float>(wd);
}

void SynapseDynamics::on_pre_spike(Projection& pr, RingBuffers& inputs, uint32_t pre, int64_t s,
                                   double scale) {
  const int64_t last = last_[pre];
  double efficacy = 1;
  if (stp_.enabled) {
    if (last >= 0) {
      const double u = u_[pre], r = r_[pre];
      r_[pre] = 1 - (1 - r * (1 - u)) * decay_rec_(s - last);
      u_[pre] = stp_.tau_facil > 0 ? stp_.u + u * (1 - stp_.u) * decay_facil_(s - last) : stp_.u;
    }
    efficacy = u_[pre] * r_[pre];
  }
  const uint32_t begin = pr.row_offset[pre], end = pr.row_offset[pre + 1];
  const uint32_t* tgt = pr.target.data();
  if (!has_stdp()) {
    for (uint32_t k = begin; k < end; ++k) {
      const double w = pr.weight.empty() ? pr.uniform_weight : static_cast<double>(pr.weight[k]);
      const int64_t d = pr.delay.empty() ? pr.uniform_delay : pr.delay[k];
      inputs.slot(pr.receptor, s + d)[tgt[k]] += static_cast<SynInput>(w * efficacy);
    }
  } else {
    const bool triplet = stdp_.rule == StdpRule::triplet;
    // r2(t-ε): the presynaptic triplet trace before this spike
    const double r2 = triplet && last >= 0 ? x2_[pre] * decay_x_(s - last) : 0.0;
    const double a_minus = triplet ? stdp_.a_minus + stdp_.a3_minus * r2 : stdp_.a_minus;
    const int64_t from = applied_[pre];
    float* weight = pr.weight.data();
    SynInput* uniform_slot =
        pr.delay.empty() ? inputs.slot(pr.receptor, s + pr.uniform_delay) : nullptr;
    const double depress = a_minus * scale;
    for (uint32_t k = begin; k < end; ++k) {
      const uint32_t post = tgt[k];
      const int64_t last_post = post_last_[post - post_lo_];
      if (last_post >= from && last >= 0) potentiate_from(weight[k], post, pre, from, s, scale);
      SynInput* slot = uniform_slot ? uniform_slot : inputs.slot(pr.receptor, s + pr.delay[k]);
      slot[post] += static_cast<SynInput>(weight[k] * efficacy);
      // depression with the postsynaptic trace at s (its spikes before s)
      if (last_post < 0) continue;
      const double y = post_y1_[post - post_lo_] * decay_minus_(s - last_post);
      weight[k] = static_cast<float>(shrink(weight[k], depress * y));
    }
    const bool nearest = stdp_.pairing == Pairing::nearest;
    const double x1 = last >= 0 ? x1_[pre] * decay_plus_(s - last) : 0.0;
    x1_[pre] = nearest ? 1.0 : x1 + 1.0;
    if (triplet) x2_[pre] = nearest ? 1.0 : r2 + 1.0;
    applied_[pre] = s;
  }
  last_[pre] = s;
}

void SynapseDynamics::on_post_spike(uint32_t post, int64_t s) {
  auto& h = history_[post - post_lo_];
  double y1 = 0, y2 = 0;
  if (!h.empty()) {
    const PostSpike& e = h.back();
    y1 = e.y1 * decay_minus_(s - e.step);
    if (stdp_.rule == StdpRule::triplet) y2 = e.y2 * decay_y_(s - e.step);
  }
  const bool nearest = stdp_.pairing == Pairing::nearest;
  h.push_back(PostSpike{s, nearest ? 1.0 : y1 + 1.0, nearest ? 1.0 : y2 + 1.0, y2});
  post_last_[post - post_lo_] = s;
  post_y1_[post - post_lo_] = h.back().y1;
}

void SynapseDynamics::flush(Projection& pr, int64_t until, double scale) {
  if (!has_stdp()) return;
  float* weight = pr.weight.data();
  const uint32_t* tgt = pr.target.data();
  const auto n_pre = static_cast<uint32_t>(last_.size());
  for (uint32_t pre = 0; pre < n_pre; ++pre) {
    const int64_t from = applied_[pre];
    if (last_[pre] >= 0 && from < until)
      for (uint32_t k = pr.row_offset[pre]; k < pr.row_offset[pre + 1]; ++k)
        if (post_last_[tgt[k] - post_lo_] >= from)
          potentiate_from(weight[k], tgt[k], pre, from, until, scale);
    applied_[pre] = until;
  }
  // every synapse has seen every spike before `until`: only the trace of the last is needed
  for (auto& h : history_) {
    if (h.size() > 1) h.erase(h.begin(), h.end() - 1);
    // a burst may have grown it; give the memory back rather than keep the peak
    if (h.capacity() > 16) h.shrink_to_fit();
  }
}

size_t SynapseDynamics::state_bytes() const {
  size_t n = (last_.capacity() + applied_.capacity() + post_last_.capacity()) * sizeof(int64_t) +
             post_y1_.capacity() * sizeof(double) +
             (x1_.capacity() + x2_.capacity() + u_.capacity() + r_.capacity()) * sizeof(double) +
             history_.capacity() * sizeof(std::vector<PostSpike>);
  for (const auto& h : history_) n += h.capacity() * sizeof(PostSpike);
  return n;
}

}  // namespace engram
