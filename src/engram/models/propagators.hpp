#pragma once
// Exact propagators for linear sub-threshold dynamics (Rotter & Diesmann 1999), written so
// that they stay accurate when tau_syn approaches tau_m instead of dividing 0 by 0.
#include <cmath>

namespace engram::propagators {

// Voltage response at t = h to a synaptic current that starts at 1 pA and decays with
// tau_s, through a membrane (tau_m, c_m):  (1/C) ∫_0^h e^{-(h-s)/τm} e^{-s/τs} ds  [mV/pA].
inline double exp_current_to_v(double tau_s, double tau_m, double c_m, double h) {
  const double beta = 1.0 / tau_m - 1.0 / tau_s;
  const double x = beta * h;
  const double expm1_over_x = std::fabs(x) < 1e-12 ? 1.0 : std::expm1(x) / x;
  return std::exp(-h / tau_m) * h * expm1_over_x / c_m;
}

// Voltage response at t = h to the alpha-current state dI = 1 pA/ms (I(0) = 0):
// (1/C) ∫_0^h e^{-(h-s)/τm} s e^{-s/τs} ds  [mV per pA/ms].
inline double alpha_slope_to_v(double tau_s, double tau_m, double c_m, double h) {
  const double beta = 1.0 / tau_m - 1.0 / tau_s;
  const double x = beta * h;
  // (e^x (x - 1) + 1) / x^2, by its series where the closed form cancels.
  const double f =
      std::fabs(x) < 1e-3 ? 0.5 + x / 3.0 + x * x / 8.0 : (std::exp(x) * (x - 1.0) + 1.0) / (x * x);
  return std::exp(-h / tau_m) * h * h * f / c_m;
}

// Voltage response at t = h to a constant current of 1 pA: (τm/C)(1 - e^{-h/τm}) [mV/pA].
inline double dc_to_v(double tau_m, double c_m, double h) {
  return -tau_m / c_m * std::expm1(-h / tau_m);
}

}  // namespace engram::propagators
