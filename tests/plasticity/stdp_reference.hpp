#pragma once
// An independent, eager reference of the STDP rules for the tests: every event updates
// every trace from its previous value (no lazy potentiation, no spike histories), in the
// order the rules define (at equal steps, pre before post), as a textbook or Brian2 would
// write it. engram's SynapseDynamics must agree with it on any spike trains.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "engram/plasticity/rule_spec.hpp"

namespace engram::test {

struct StdpEvent {
  int64_t step;
  bool post;  // false: the presynaptic neuron fired
};

// Applies the rule to one synapse from weight w0; returns the final weight. dt in ms.
inline double stdp_reference(const StdpSpec& r, double w0, std::vector<StdpEvent> events,
                             double dt) {
  std::stable_sort(events.begin(), events.end(), [](const StdpEvent& a, const StdpEvent& b) {
    return a.step != b.step ? a.step < b.step : (!a.post && b.post);
  });
  double w = w0, x1 = 0, x2 = 0, y1 = 0, y2 = 0, t_prev = 0;
  const bool nearest = r.pairing == Pairing::nearest;
  const bool triplet = r.rule == StdpRule::triplet;
  auto f_plus = [&](double v) {
    switch (r.dependence) {
      case WeightDependence::additive:
        return r.w_max;
      case WeightDependence::multiplicative:
        return r.w_max - v;
      default:
        return std::pow(r.w_max, 1 - r.mu_plus) * std::pow(r.w_max - v, r.mu_plus);
    }
  };
  auto f_minus = [&](double v) {
    switch (r.dependence) {
      case WeightDependence::additive:
        return r.w_max;
      case WeightDependence::multiplicative:
        return v - r.w_min;
      default:
        return std::pow(r.w_max, 1 - r.mu_minus) * std::pow(v - r.w_min, r.mu_minus);
    }
  };
  for (const auto& e : events) {
    const double t = static_cast<double>(e.step) * dt;
    const double gap = t - t_prev;
    x1 *= std::exp(-gap / r.tau_plus);
    y1 *= std::exp(-gap / r.tau_minus);
    x2 *= std::exp(-gap / r.tau_x);
    y2 *= std::exp(-gap / r.tau_y);
    t_prev = t;
    if (!e.post) {
      const double amp = triplet ? r.a_minus + r.a3_minus * x2 : r.a_minus;
      w = std::clamp(w - r.learning_rate * amp * y1 * f_minus(w), r.w_min, r.w_max);
      x1 = nearest ? 1 : x1 + 1;
      x2 = nearest ? 1 : x2 + 1;
    } else {
      const double amp = triplet ? r.a_plus + r.a3_plus * y2 : r.a_plus;
      w = std::clamp(w + r.learning_rate * amp * x1 * f_plus(w), r.w_min, r.w_max);
      y1 = nearest ? 1 : y1 + 1;
      y2 = nearest ? 1 : y2 + 1;
    }
  }
  return w;
}

// The postsynaptic quantities the clopath rule reads, after each step: the membrane potential
// u and the (delayed) filtered potentials ū+, ū-, and ū̄ (mV).
struct ClopathPost {
  std::vector<double> u, u_plus, u_minus, u_bar_bar;
};

// The clopath rule (Clopath et al. 2010, as NEST) on one synapse, eagerly step by step: the
// presynaptic trace decays every step; each step's potentiation a_ltp x̄ [u - θ+]+ [ū+ - θ-]+ dt
// (with the trace before a spike of that step), then at a presynaptic spike the depression
// a_ltd [ū- - θ-]+ (· ū̄²/u_ref² with homeostasis) and the trace's jump of 1/tau_x; bounds
// after each change. `pre`: the steps of the presynaptic spikes, increasing.
inline double clopath_reference(const StdpSpec& r, double w0, const std::vector<int64_t>& pre,
                                const ClopathPost& post, double dt, int64_t n_steps) {
  double w = w0, x = 0;
  const double decay = std::exp(-dt / r.tau_x);
  size_t next = 0;
  for (int64_t e = 0; e < n_steps; ++e) {
    const auto i = static_cast<size_t>(e);
    if (e > 0) x *= decay;
    const double ltp = r.a_ltp * std::max(post.u[i] - r.theta_plus, 0.0) *
                       std::max(post.u_plus[i] - r.theta_minus, 0.0) * dt;
    if (ltp > 0 && x > 0) w = std::min(w + r.learning_rate * ltp * x, r.w_max);
    if (next < pre.size() && pre[next] == e) {
      double ltd = r.a_ltd * std::max(post.u_minus[i] - r.theta_minus, 0.0);
      if (r.homeostasis) ltd *= post.u_bar_bar[i] * post.u_bar_bar[i] / r.u_ref_squared;
      w = std::max(w - r.learning_rate * ltd, r.w_min);
      x += 1.0 / r.tau_x;
      ++next;
    }
  }
  return w;
}

}  // namespace engram::test
