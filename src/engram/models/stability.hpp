#pragma once
// Linear stability of explicit one-step methods, for ModelInfo::stable_dt.
//
// Near a fixed point y* of the ODE (the resting state) one step of a method is, to first
// order, y - y* <- M(h) (y - y*), with M(h) a matrix function of the Jacobian J at y*:
// I + hJ for forward Euler, the degree-4 Taylor polynomial of exp(hJ) for classical RK4.
// The fixed point is stable under the method while the spectral radius of M(h) is <= 1; the
// largest such h is the step beyond which a resting neuron oscillates with growing amplitude
// and blows up, whatever its input. The neurons' variables reduce to 2x2 blocks (V and a
// recovery variable) and decoupled linear decays (synaptic currents and conductances).
#include <array>
#include <cmath>
#include <complex>
#include <functional>

namespace engram::stability {

using Mat2 = std::array<double, 4>;  // row-major [a b; c d]

inline Mat2 mul(const Mat2& x, const Mat2& y) {
  return {x[0] * y[0] + x[1] * y[2], x[0] * y[1] + x[1] * y[3], x[2] * y[0] + x[3] * y[2],
          x[2] * y[1] + x[3] * y[3]};
}

inline double spectral_radius(const Mat2& m) {
  const double tr = m[0] + m[3], det = m[0] * m[3] - m[1] * m[2];
  const std::complex<double> disc = std::sqrt(std::complex<double>(tr * tr / 4 - det));
  return std::max(std::abs(tr / 2 + disc), std::abs(tr / 2 - disc));
}

// I + hJ (forward Euler)
inline Mat2 euler_map(const Mat2& j, double h) {
  return {1 + h * j[0], h * j[1], h * j[2], 1 + h * j[3]};
}

// I + hJ + (hJ)^2/2 + (hJ)^3/6 + (hJ)^4/24 (classical RK4 on a linear system)
inline Mat2 rk4_map(const Mat2& j, double h) {
  const Mat2 a{h * j[0], h * j[1], h * j[2], h * j[3]};
  Mat2 m{1, 0, 0, 1}, p{1, 0, 0, 1};
  double f = 1;
  for (int k = 1; k <= 4; ++k) {
    p = mul(p, a);
    f *= k;
    for (int i = 0; i < 4; ++i) m[i] += p[i] / f;
  }
  return m;
}

// The largest h in (0, h_max] with spectral radius of map(h) <= 1 (1e-9 slack for the
// neutral direction), to 0.1 %; h_max when stable throughout, 0 when not even at tiny h
// (an unstable fixed point: no resting state to protect).
inline double max_stable_step(const std::function<Mat2(double)>& map, double h_max = 10.0) {
  auto stable = [&](double h) { return spectral_radius(map(h)) <= 1 + 1e-9; };
  double lo = 1e-6;
  if (!stable(lo)) return 0;
  double hi = lo;
  while (hi < h_max && stable(hi)) {
    lo = hi;
    hi = std::min(h_max, hi * 2);
  }
  if (stable(hi)) return hi;
  while (hi - lo > 1e-3 * lo) {
    const double mid = 0.5 * (lo + hi);
    (stable(mid) ? lo : hi) = mid;
  }
  return lo;
}

// The same for a linear decay dx/dt = -x / tau: 2 tau for Euler, 2.785 tau for RK4 (the
// real-axis end of RK4's stability region, the root of 1 - z + z^2/2 - z^3/6 + z^4/24 = 1).
inline double decay_step(double tau, bool rk4) {
  return (rk4 ? 2.7852935 : 2.0) * tau;
}

// x rounded down to two significant digits (a bound to print: 3.37 -> 3.3, never above x).
inline double round_down(double x) {
  if (!(x > 0)) return x;
  const double scale = std::pow(10.0, std::floor(std::log10(x)) - 1);
  return std::floor(x / scale * (1 + 1e-12)) * scale;
}

}  // namespace engram::stability
