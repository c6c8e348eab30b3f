#include "engram/plasticity/synapse_dynamics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace engram {

SynapseDynamics::SynapseDynamics(const StpSpec& stp, const StdpSpec& stdp, double dt,
                                 uint32_t n_pre, uint32_t post_lo, uint32_t post_hi,
                                 size_t n_synapses, const ScalingSpec& scaling)
    : stp_(stp), stdp_(stdp), scaling_(scaling), dt_(dt), post_lo_(post_lo) {
  if (scaling_.enabled) {
    decay_rate_.init(scaling_.tau_rate, dt);
    rate_.assign(post_hi - post_lo, 0.0);
    rate_last_.assign(post_hi - post_lo, 0);
    factor_.assign(post_hi - post_lo, 1.0);
  }
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
  if (stdp_.rule == StdpRule::clopath)
    clopath_ = std::make_unique<ClopathRule>(stdp_, dt, n_pre, post_lo, post_hi);
  if (has_stdp() && !clopath_) {
    applied_.assign(n_pre, 0);
    x1_.assign(n_pre, 0.0);
    decay_plus_.init(stdp_.tau_plus, dt);
    decay_minus_.init(stdp_.tau_minus, dt);
    if (stdp_.rule == StdpRule::dopamine) {
      eligibility_.assign(n_synapses, 0.0f);
      decay_c_.init(stdp_.tau_c, dt);
      decay_d_.init(stdp_.tau_d, dt);
    }
    if (stdp_.rule == StdpRule::triplet) {
      x2_.assign(n_pre, 0.0);
      decay_x_.init(stdp_.tau_x, dt);
      decay_y_.init(stdp_.tau_y, dt);
    }
    history_.resize(post_hi - post_lo);
    post_last_.assign(post_hi - post_lo, -1);
    post_y1_.assign(post_hi - post_lo, 0.0);
    if (stdp_.rule == StdpRule::triplet) {
      history_y2_.resize(post_hi - post_lo);
      post_y2_.assign(post_hi - post_lo, 0.0);
    }
    Recent none{};
    std::fill(std::begin(none.step), std::end(none.step), int64_t{-1});
    recent_.assign(post_hi - post_lo, none);
    if (stdp_.rule == StdpRule::triplet)
      recent_y2_.assign(static_cast<size_t>(post_hi - post_lo) * kRecent, 0.0);
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

namespace {

// The weight dependences one at a time: the hot loops are instantiated per dependence, with
// no switch per synapse and spike.
template <WeightDependence D>
inline double grow_as(const StdpSpec& p, double w, double dw) {
  if constexpr (D == WeightDependence::additive)
    w += p.w_max * dw;
  else if constexpr (D == WeightDependence::multiplicative)
    w += (p.w_max - w) * dw;
  else
    w += std::pow(p.w_max, 1 - p.mu_plus) * std::pow(std::max(p.w_max - w, 0.0), p.mu_plus) * dw;
  return std::clamp(w, p.w_min, p.w_max);
}

template <WeightDependence D>
inline double shrink_as(const StdpSpec& p, double w, double dw) {
  if constexpr (D == WeightDependence::additive)
    w -= p.w_max * dw;
  else if constexpr (D == WeightDependence::multiplicative)
    w -= (w - p.w_min) * dw;
  else
    w -= std::pow(p.w_max, 1 - p.mu_minus) * std::pow(std::max(w - p.w_min, 0.0), p.mu_minus) * dw;
  return std::clamp(w, p.w_min, p.w_max);
}

}  // namespace

template <class F>
void SynapseDynamics::each_post_spike(uint32_t i, int64_t from, int64_t until, F&& f) const {
  // usually the spikes since `from` are among the last few, kept beside each other for all
  // targets (the history itself is one more cache miss per synapse)
  const int64_t* recent = recent_[i].step;
  int n = 0;
  while (n < kRecent && recent[n] >= from) ++n;
  if (n < kRecent) {
    const double* y2b =
        stdp_.rule == StdpRule::triplet ? &recent_y2_[static_cast<size_t>(i) * kRecent] : nullptr;
    for (int k = n - 1; k >= 0; --k)
      if (recent[k] < until) f(recent[k], y2b ? y2b[k] : 0.0);
  } else {
    const auto& h = history_[i];
    size_t first = h.size();
    while (first > 0 && h[first - 1] >= from) --first;
    for (size_t j = first; j < h.size() && h[j] < until; ++j)
      f(h[j], stdp_.rule == StdpRule::triplet ? history_y2_[i][j] : 0.0);
  }
}

template <WeightDependence D, bool kTriplet>
inline double SynapseDynamics::potentiated(double w, uint32_t i, int64_t last, double x1,
                                           int64_t from, int64_t until, double scale) const {
  // callers check first that there is a presynaptic trace and a post spike since `from`;
  // last and x1: the presynaptic neuron's last spike and its trace just after it
  auto apply = [&](int64_t step, double y2_before) {
    const double x = x1 * decay_plus_(step - last);
    const double dw = kTriplet ? x * (stdp_.a_plus + stdp_.a3_plus * y2_before) : stdp_.a_plus * x;
    w = grow_as<D>(stdp_, w, dw * scale);
  };
  // each_post_spike's common case written out here, so that it is inlined into the synapse
  // loop (as a call it cost a fifth of the plastic COBA run); the history only past kRecent
  const int64_t* recent = recent_[i].step;
  int n = 0;
  while (n < kRecent && recent[n] >= from) ++n;
  if (n < kRecent) {
    const double* y2b = kTriplet ? &recent_y2_[static_cast<size_t>(i) * kRecent] : nullptr;
    for (int k = n - 1; k >= 0; --k)
      if (recent[k] < until) apply(recent[k], kTriplet ? y2b[k] : 0.0);
    return w;
  }
  const int64_t* h = history_[i].data();
  const size_t size = history_[i].size();
  size_t first = size;
  while (first > 0 && h[first - 1] >= from) --first;
  for (size_t j = first; j < size && h[j] < until; ++j)
    apply(h[j], kTriplet ? history_y2_[i][j] : 0.0);
  return w;
}

double SynapseDynamics::dopamine_integral(int64_t from, int64_t until) const {
  // ∫ e^{-(t-from)/tau_c} d(t) dt over [from, until], d = baseline + the decaying pulses,
  // piecewise between dopamine releases (closed form on each piece)
  const double tau_c = stdp_.tau_c, tau_d = stdp_.tau_d;
  const double tau_s = 1.0 / (1.0 / tau_c + 1.0 / tau_d);
  auto it = std::upper_bound(dopamine_.begin(), dopamine_.end(), from,
                             [](int64_t t, const Release& r) { return t < r.step; });
  double pulses = 0;  // d - baseline at `from`
  if (it != dopamine_.begin()) {
    const Release& r = *(it - 1);
    pulses = r.level * decay_d_(from - r.step);
  }
  double total = 0, c = 1;  // c: e^{-(u-from)/tau_c} at the piece's start u
  int64_t u = from;
  while (u < until) {
    const int64_t v = (it != dopamine_.end() && it->step < until) ? it->step : until;
    const double len = static_cast<double>(v - u) * dt_;
    total += c * (stdp_.baseline * tau_c * (1 - std::exp(-len / tau_c)) +
                  pulses * tau_s * (1 - std::exp(-len / tau_s)));
    c *= decay_c_(v - u);
    pulses *= decay_d_(v - u);
    if (v < until) {
      pulses = it->level;  // the release at v (its level includes what was left)
      ++it;
    }
    u = v;
  }
  return total;
}

void SynapseDynamics::catch_up_dopamine(float& w, float& c, uint32_t post, uint32_t pre,
                                        int64_t from, int64_t until, double scale) const {
  // from `from` (where w and c are current) to `until`: w grows by w_max ∫ c d dt, c decays,
  // and each post spike on the way adds its pair potentiation to c
  const int64_t last = last_[pre];
  double wd = w, cd = c;
  int64_t t = from;
  auto advance = [&](int64_t to) {
    if (cd != 0 && to > t)
      wd = std::clamp(wd + scale * stdp_.w_max * cd * dopamine_integral(t, to), stdp_.w_min,
                      stdp_.w_max);
    cd *= decay_c_(to - t);
    t = to;
  };
  if (last >= 0 && post_last_[post - post_lo_] >= from)
    each_post_spike(post - post_lo_, from, until, [&](int64_t step, double) {
      advance(step);
      cd += stdp_.a_plus * x1_[pre] * decay_plus_(step - last);
    });
  advance(until);
  w = static_cast<float>(wd);
  c = static_cast<float>(cd);
}

void SynapseDynamics::on_dopamine(int64_t s, uint32_t spikes) {
  double level = 0;
  if (!dopamine_.empty()) level = dopamine_.back().level * decay_d_(s - dopamine_.back().step);
  level += stdp_.dopamine_amount * spikes;
  if (!dopamine_.empty() && dopamine_.back().step == s)
    dopamine_.back().level = level;
  else
    dopamine_.push_back(Release{s, level});
}

template <WeightDependence D, bool kTriplet>
void SynapseDynamics::pre_spike_stdp(Projection& pr, InputSlots inputs, uint32_t pre, int64_t s,
                                     double scale, double efficacy) {
  // the synapse loop of the pair and triplet rules, the hot path of a plastic network: the
  // presynaptic neuron's state is read once, the weight dependence is fixed at compile time
  const int64_t last = last_[pre];
  const double x1 = x1_[pre];
  // r2(t-ε): the presynaptic triplet trace before this spike
  const double r2 = kTriplet && last >= 0 ? x2_[pre] * decay_x_(s - last) : 0.0;
  const double a_minus = kTriplet ? stdp_.a_minus + stdp_.a3_minus * r2 : stdp_.a_minus;
  const int64_t from = applied_[pre];
  // no post spike can be pending when the neuron never fired before
  const int64_t pending_from = last >= 0 ? from : std::numeric_limits<int64_t>::max();
  const uint32_t begin = pr.row_offset[pre], end = pr.row_offset[pre + 1];
  const uint32_t* tgt = pr.target.data();
  float* weight = pr.weight.data();
  SynInput* uniform_slot =
      pr.delay.empty() ? inputs.slot(pr.receptor, s + pr.uniform_delay) : nullptr;
  const double depress = a_minus * scale;
  for (uint32_t k = begin; k < end; ++k) {
    const uint32_t post = tgt[k];
    const Recent& target = recent_[post - post_lo_];
    const int64_t last_post = target.step[0];
    float w = weight[k];
    if (last_post >= pending_from)
      w = static_cast<float>(
          potentiated<D, kTriplet>(w, post - post_lo_, last, x1, from, s, scale));
    SynInput* slot = uniform_slot ? uniform_slot : inputs.slot(pr.receptor, s + pr.delay[k]);
    slot[post] += static_cast<SynInput>(w * efficacy);
    // depression with the postsynaptic trace at s (its spikes before s)
    if (last_post >= 0) {
      const double y = target.y1 * decay_minus_(s - last_post);
      w = static_cast<float>(shrink_as<D>(stdp_, w, depress * y));
    }
    weight[k] = w;
  }
  const bool nearest = stdp_.pairing == Pairing::nearest;
  const double x1_now = last >= 0 ? x1 * decay_plus_(s - last) : 0.0;
  x1_[pre] = nearest ? 1.0 : x1_now + 1.0;
  if (kTriplet) x2_[pre] = nearest ? 1.0 : r2 + 1.0;
  applied_[pre] = s;
}

void SynapseDynamics::on_pre_spike(Projection& pr, InputSlots inputs, uint32_t pre, int64_t s,
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
    if (stdp_.rule == StdpRule::dopamine) {
      on_pre_spike_dopamine(pr, inputs, pre, s, scale, efficacy);
      return;
    }
    if (clopath_) {
      clopath_->on_pre_spike(pr, inputs, pre, s, scale, efficacy);
      last_[pre] = s;
      return;
    }
    const bool triplet = stdp_.rule == StdpRule::triplet;
    switch (stdp_.dependence) {
      case WeightDependence::additive:
        triplet
            ? pre_spike_stdp<WeightDependence::additive, true>(pr, inputs, pre, s, scale, efficacy)
            : pre_spike_stdp<WeightDependence::additive, false>(pr, inputs, pre, s, scale,
                                                                efficacy);
        break;
      case WeightDependence::multiplicative:
        triplet ? pre_spike_stdp<WeightDependence::multiplicative, true>(pr, inputs, pre, s, scale,
                                                                         efficacy)
                : pre_spike_stdp<WeightDependence::multiplicative, false>(pr, inputs, pre, s, scale,
                                                                          efficacy);
        break;
      case WeightDependence::power:
        triplet
            ? pre_spike_stdp<WeightDependence::power, true>(pr, inputs, pre, s, scale, efficacy)
            : pre_spike_stdp<WeightDependence::power, false>(pr, inputs, pre, s, scale, efficacy);
        break;
    }
  }
  last_[pre] = s;
}

void SynapseDynamics::on_pre_spike_dopamine(Projection& pr, InputSlots inputs, uint32_t pre,
                                            int64_t s, double scale, double efficacy) {
  const int64_t last = last_[pre];
  const int64_t from = applied_[pre];
  const uint32_t begin = pr.row_offset[pre], end = pr.row_offset[pre + 1];
  const uint32_t* tgt = pr.target.data();
  float* weight = pr.weight.data();
  for (uint32_t k = begin; k < end; ++k) {
    const uint32_t post = tgt[k];
    catch_up_dopamine(weight[k], eligibility_[k], post, pre, from, s, scale);
    const int64_t d = pr.delay.empty() ? pr.uniform_delay : pr.delay[k];
    inputs.slot(pr.receptor, s + d)[post] += static_cast<SynInput>(weight[k] * efficacy);
    const int64_t last_post = post_last_[post - post_lo_];
    if (last_post >= 0)
      eligibility_[k] -= static_cast<float>(stdp_.a_minus * post_y1_[post - post_lo_] *
                                            decay_minus_(s - last_post));
  }
  const double x1 = last >= 0 ? x1_[pre] * decay_plus_(s - last) : 0.0;
  x1_[pre] = stdp_.pairing == Pairing::nearest ? 1.0 : x1 + 1.0;
  applied_[pre] = s;
  last_[pre] = s;
}

double SynapseDynamics::rate(uint32_t post, int64_t s) const {
  const uint32_t i = post - post_lo_;
  return rate_[i] * decay_rate_(s - rate_last_[i]);
}

void SynapseDynamics::scale_weights(Projection& pr, int64_t s) {
  const double gain = scaling_.beta * scaling_.interval * 1e-3;
  for (size_t i = 0; i < factor_.size(); ++i)
    factor_[i] = std::max(
        0.0, 1 + gain * (scaling_.target_rate - rate(static_cast<uint32_t>(i) + post_lo_, s)));
  float* w = pr.weight.data();
  const uint32_t* tgt = pr.target.data();
  for (size_t k = 0; k < pr.target.size(); ++k)
    w[k] = static_cast<float>(
        std::clamp(w[k] * factor_[tgt[k] - post_lo_], scaling_.w_min, scaling_.w_max));
}

void SynapseDynamics::on_post_spike(uint32_t post, int64_t s) {
  if (scaling_.enabled) {
    const uint32_t i = post - post_lo_;
    rate_[i] = rate(post, s) + 1000.0 / scaling_.tau_rate;  // Hz: the trace of a train
    rate_last_[i] = s;
  }
  if (!has_stdp() || clopath_) return;  // clopath reads voltages, not spikes
  const uint32_t i = post - post_lo_;
  auto& h = history_[i];
  const bool triplet = stdp_.rule == StdpRule::triplet;
  double y1 = 0, y2 = 0;
  if (!h.empty()) {
    y1 = post_y1_[i] * decay_minus_(s - h.back());
    if (triplet) y2 = post_y2_[i] * decay_y_(s - h.back());
  }
  const bool nearest = stdp_.pairing == Pairing::nearest;
  h.push_back(s);
  post_last_[i] = s;
  post_y1_[i] = nearest ? 1.0 : y1 + 1.0;
  if (triplet) {
    history_y2_[i].push_back(y2);
    post_y2_[i] = nearest ? 1.0 : y2 + 1.0;
  }
  int64_t* recent = recent_[i].step;
  for (int k = kRecent - 1; k > 0; --k) recent[k] = recent[k - 1];
  recent[0] = s;
  recent_[i].y1 = post_y1_[i];
  if (stdp_.rule == StdpRule::triplet) {
    double* y2b = &recent_y2_[static_cast<size_t>(post - post_lo_) * kRecent];
    for (int k = kRecent - 1; k > 0; --k) y2b[k] = y2b[k - 1];
    y2b[0] = y2;
  }
}

template <WeightDependence D, bool kTriplet>
void SynapseDynamics::flush_stdp(Projection& pr, int64_t until, double scale) {
  float* weight = pr.weight.data();
  const uint32_t* tgt = pr.target.data();
  const auto n_pre = static_cast<uint32_t>(last_.size());
  for (uint32_t pre = 0; pre < n_pre; ++pre) {
    const int64_t from = applied_[pre], last = last_[pre];
    if (last >= 0 && from < until)
      for (uint32_t k = pr.row_offset[pre]; k < pr.row_offset[pre + 1]; ++k) {
        const uint32_t i = tgt[k] - post_lo_;
        if (post_last_[i] >= from)
          weight[k] = static_cast<float>(
              potentiated<D, kTriplet>(weight[k], i, last, x1_[pre], from, until, scale));
      }
    applied_[pre] = until;
  }
}

void SynapseDynamics::flush(Projection& pr, int64_t until, double scale) {
  if (!has_stdp()) return;
  if (clopath_) {
    clopath_->flush(pr, until, scale);
    return;
  }
  float* weight = pr.weight.data();
  const uint32_t* tgt = pr.target.data();
  const auto n_pre = static_cast<uint32_t>(last_.size());
  if (stdp_.rule == StdpRule::dopamine) {
    for (uint32_t pre = 0; pre < n_pre; ++pre) {
      const int64_t from = applied_[pre];
      if (from < until)
        for (uint32_t k = pr.row_offset[pre]; k < pr.row_offset[pre + 1]; ++k)
          catch_up_dopamine(weight[k], eligibility_[k], tgt[k], pre, from, until, scale);
      applied_[pre] = until;
    }
    // every synapse is at `until`: the dopamine level there is all that is needed
    while (dopamine_.size() > 1 && dopamine_[1].step <= until) dopamine_.erase(dopamine_.begin());
  } else {
    const bool triplet = stdp_.rule == StdpRule::triplet;
    switch (stdp_.dependence) {
      case WeightDependence::additive:
        triplet ? flush_stdp<WeightDependence::additive, true>(pr, until, scale)
                : flush_stdp<WeightDependence::additive, false>(pr, until, scale);
        break;
      case WeightDependence::multiplicative:
        triplet ? flush_stdp<WeightDependence::multiplicative, true>(pr, until, scale)
                : flush_stdp<WeightDependence::multiplicative, false>(pr, until, scale);
        break;
      case WeightDependence::power:
        triplet ? flush_stdp<WeightDependence::power, true>(pr, until, scale)
                : flush_stdp<WeightDependence::power, false>(pr, until, scale);
        break;
    }
  }
  // every synapse has seen every spike before `until`: only the trace of the last is needed
  auto trim = [](auto& h) {
    if (h.size() > 1) h.erase(h.begin(), h.end() - 1);
    // a burst may have grown it; give the memory back rather than keep the peak
    if (h.capacity() > 16) h.shrink_to_fit();
  };
  for (auto& h : history_) trim(h);
  for (auto& h : history_y2_) trim(h);
}

size_t SynapseDynamics::state_bytes() const {
  size_t n = (last_.capacity() + applied_.capacity() + post_last_.capacity()) * sizeof(int64_t) +
             post_y1_.capacity() * sizeof(double) + recent_.capacity() * sizeof(Recent) +
             recent_y2_.capacity() * sizeof(double) + eligibility_.capacity() * sizeof(float) +
             dopamine_.capacity() * sizeof(Release) +
             (rate_.capacity() + factor_.capacity()) * sizeof(double) +
             rate_last_.capacity() * sizeof(int64_t) +
             (x1_.capacity() + x2_.capacity() + u_.capacity() + r_.capacity()) * sizeof(double) +
             post_y2_.capacity() * sizeof(double) +
             (history_.capacity() + history_y2_.capacity()) * sizeof(std::vector<int64_t>);
  for (const auto& h : history_) n += h.capacity() * sizeof(int64_t);
  for (const auto& h : history_y2_) n += h.capacity() * sizeof(double);
  if (clopath_) n += clopath_->state_bytes();
  return n;
}

}  // namespace engram
