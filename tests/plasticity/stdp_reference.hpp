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

}  // namespace engram::test
