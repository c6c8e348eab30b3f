#pragma once
// Explicit ODE steppers for point neurons whose sub-threshold dynamics have no closed form
// (Izhikevich, AdEx, Hodgkin-Huxley), and drivers that advance one neuron over one engine
// step while watching for threshold crossings.
//
// A model describes one neuron over one step as a `System`: a small struct holding the
// neuron's parameters and the input of the step (constant over the step, as the engine
// defines it), with
//   static constexpr size_t n;                            // number of state variables
//   void rhs(const State<n>& y, State<n>& dydt) const;    // autonomous within the step
// The spiking drivers also need
//   double distance(const State<n>& y) const;   // < 0 below threshold, >= 0 at or above it
//   void reset(State<n>& y);                    // the after-spike reset (may e.g. clamp V)
//   void constrain(State<n>& y) const;          // optional: bounds applied after each step
//
// Methods:
//   - euler_step: forward Euler, first order; for compatibility with published code only.
//   - rk4_step: classical Runge-Kutta, fourth order, four evaluations per step.
//   - Dormand-Prince 5(4) (Dormand & Prince 1980; Hairer, Norsett & Wanner 1993, II.5): a
//     fifth-order step with an embedded fourth-order error estimate and FSAL (the last
//     stage is f at the new point), 6 evaluations per accepted step. advance_adaptive
//     sub-steps each neuron independently inside the engine step with the standard
//     controller h <- h * clamp(0.9 err^(-1/5), 0.2, 5), err the max over components of
//     |error| / tolerance (see Tolerance); the accepted step size is remembered per
//     neuron, so a quiet neuron takes one sub-step per engine step.
//
// Threshold crossings (advance_fixed, advance_adaptive). A spike is a crossing of
// distance(y) = 0 inside a (sub)step. We locate it on the method's own one-step map
// theta -> step(y0, theta h): false position with the Illinois modification, bisection
// where a trial is not finite; then the state at the crossing is reset and integration
// goes on for the rest of the step. The reset therefore happens at the crossing time, not
// at the end of the engine step: tonic firing has the right period even when the period
// is not a multiple of dt (tests/models/ode_integrators_test.cpp checks this against the
// closed-form period of the quadratic integrate-and-fire neuron). The crossing time
// (StepOutcome::first_spike) is what the models report as the spike's offset in the step
// (NeuronGroup::spike_offsets: recorded spike times between grid points); delivery stays on
// the grid, the spike acting from the end of its step. At most one spike per neuron and step
// is emitted, further crossings in the same step are integrated and reset but not emitted.
//
// Failure (a step size underflow, more than kMaxResets resets in one step, a non-finite
// state) is reported, never hidden: the caller sets V to infinity and the engine's
// finiteness check stops the run naming population, neuron and time.
#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>

namespace engram::ode {

template <size_t N>
using State = std::array<double, N>;

template <class S>
concept System = requires(const S& s, const State<S::n>& y, State<S::n>& dy) {
  { S::n } -> std::convertible_to<size_t>;
  s.rhs(y, dy);
};

template <class S>
concept SpikingSystem = System<S> && requires(S& s, const S& cs, State<S::n>& y) {
  { cs.distance(y) } -> std::convertible_to<double>;
  s.reset(y);
};

template <size_t N>
bool all_finite(const State<N>& y) {
  bool ok = true;
  for (double v : y) ok &= std::isfinite(v);
  return ok;
}

// y + h k
template <size_t N>
State<N> axpy(const State<N>& y, double h, const State<N>& k) {
  State<N> r;
  for (size_t i = 0; i < N; ++i) r[i] = y[i] + h * k[i];
  return r;
}

template <System S>
State<S::n> euler_step(const S& sys, const State<S::n>& y, double h) {
  State<S::n> k;
  sys.rhs(y, k);
  return axpy(y, h, k);
}

template <System S>
State<S::n> rk4_step(const S& sys, const State<S::n>& y, double h) {
  constexpr size_t N = S::n;
  State<N> k1, k2, k3, k4;
  sys.rhs(y, k1);
  sys.rhs(axpy(y, 0.5 * h, k1), k2);
  sys.rhs(axpy(y, 0.5 * h, k2), k3);
  sys.rhs(axpy(y, h, k3), k4);
  State<N> r;
  for (size_t i = 0; i < N; ++i) r[i] = y[i] + h / 6.0 * (k1[i] + 2.0 * (k2[i] + k3[i]) + k4[i]);
  return r;
}

// One Dormand-Prince 5(4) step from y (f0 = f(y)) of size h: the fifth-order solution, f at
// it (FSAL) and the embedded error estimate (difference of the fifth- and fourth-order
// solutions).
template <System S>
void dopri5_step(const S& sys, const State<S::n>& y, const State<S::n>& f0, double h,
                 State<S::n>& y1, State<S::n>& f1, State<S::n>& err) {
  constexpr size_t N = S::n;
  // Butcher tableau (Hairer, Norsett & Wanner 1993, Table II.5.2)
  constexpr double a21 = 1.0 / 5;
  constexpr double a31 = 3.0 / 40, a32 = 9.0 / 40;
  constexpr double a41 = 44.0 / 45, a42 = -56.0 / 15, a43 = 32.0 / 9;
  constexpr double a51 = 19372.0 / 6561, a52 = -25360.0 / 2187, a53 = 64448.0 / 6561,
                   a54 = -212.0 / 729;
  constexpr double a61 = 9017.0 / 3168, a62 = -355.0 / 33, a63 = 46732.0 / 5247, a64 = 49.0 / 176,
                   a65 = -5103.0 / 18656;
  constexpr double b1 = 35.0 / 384, b3 = 500.0 / 1113, b4 = 125.0 / 192, b5 = -2187.0 / 6784,
                   b6 = 11.0 / 84;
  // b - b_hat (fifth minus fourth order weights)
  constexpr double e1 = 71.0 / 57600, e3 = -71.0 / 16695, e4 = 71.0 / 1920, e5 = -17253.0 / 339200,
                   e6 = 22.0 / 525, e7 = -1.0 / 40;
  State<N> k2, k3, k4, k5, k6, t;
  const State<N>& k1 = f0;
  for (size_t i = 0; i < N; ++i) t[i] = y[i] + h * a21 * k1[i];
  sys.rhs(t, k2);
  for (size_t i = 0; i < N; ++i) t[i] = y[i] + h * (a31 * k1[i] + a32 * k2[i]);
  sys.rhs(t, k3);
  for (size_t i = 0; i < N; ++i) t[i] = y[i] + h * (a41 * k1[i] + a42 * k2[i] + a43 * k3[i]);
  sys.rhs(t, k4);
  for (size_t i = 0; i < N; ++i)
    t[i] = y[i] + h * (a51 * k1[i] + a52 * k2[i] + a53 * k3[i] + a54 * k4[i]);
  sys.rhs(t, k5);
  for (size_t i = 0; i < N; ++i)
    t[i] = y[i] + h * (a61 * k1[i] + a62 * k2[i] + a63 * k3[i] + a64 * k4[i] + a65 * k5[i]);
  sys.rhs(t, k6);
  for (size_t i = 0; i < N; ++i)
    y1[i] = y[i] + h * (b1 * k1[i] + b3 * k3[i] + b4 * k4[i] + b5 * k5[i] + b6 * k6[i]);
  sys.rhs(y1, f1);
  for (size_t i = 0; i < N; ++i)
    err[i] = h * (e1 * k1[i] + e3 * k3[i] + e4 * k4[i] + e5 * k5[i] + e6 * k6[i] + e7 * f1[i]);
}

// Error control of the adaptive method: a component's error is accepted when below
//   atol + rtol |y| + ttol |dy/dt|
// (the larger of the values at both ends of the step). atol and rtol are in the model's
// canonical units (mV, pA, nS; NEST's aeif models use 1e-6 for both). The ttol term
// measures an error as a shift in time: where a variable changes fast, an error dy is an
// error dy / |dy/dt| in when it gets somewhere. Without it the upstroke of a spike, where
// V runs off to infinity in finite time (exponential or quadratic), would need steps
// below 1e-15 ms to hold V to 1e-6 mV; with it the upstroke takes a few dozen sub-steps
// and the crossing time is held to about ttol.
struct Tolerance {
  double rtol = 1e-6;
  double atol = 1e-6;
  double ttol = 1e-6;       // ms
  double min_step = 1e-12;  // ms; a smaller step means the solution cannot be followed
};

// The outcome of advancing one neuron over one engine step.
struct StepOutcome {
  int spikes = 0;          // threshold crossings (each reset)
  double first_spike = 0;  // time of the first crossing after the start of the step (ms)
  bool failed = false;     // step size underflow, runaway resets or a non-finite state
};

inline constexpr int kMaxResets = 1000;      // per neuron and engine step
inline constexpr int kMaxAttempts = 100000;  // adaptive sub-steps per neuron and engine step

namespace detail {

template <class S>
void constrain(const S& sys, State<S::n>& y) {
  if constexpr (requires { sys.constrain(y); }) sys.constrain(y);
}

// distance at the end of a trial step, +infinity when the trial is not finite (a blow-up
// past the threshold counts as having crossed it).
template <class S>
double trial_distance(const S& sys, const State<S::n>& y) {
  const double d = sys.distance(y);
  return std::isfinite(d) && all_finite(y) ? d : HUGE_VAL;
}

// The crossing of distance = 0 along theta -> trial(theta) for theta in (0, 1], given
// g_lo = distance(trial(0)) < 0 <= g_hi = distance(trial(1)) (HUGE_VAL: not finite).
// Returns theta just at or past the crossing and, in `at`, the state there (left as it is
// if that is theta = 1). Illinois false position; bisection while the upper end is not
// finite; stops when the bracket is below `theta_tol` or the distance below 1e-9.
template <class Trial, size_t N>
double locate(const Trial& trial, double g_lo, double g_hi, State<N>& at, double theta_tol) {
  double lo = 0, hi = 1;
  int side = 0;
  for (int it = 0; it < 100 && hi - lo > theta_tol; ++it) {
    double theta = g_hi == HUGE_VAL ? 0.5 * (lo + hi) : lo + (hi - lo) * g_lo / (g_lo - g_hi);
    // keep away from the ends, so the bracket shrinks even when false position stalls
    theta = std::clamp(theta, lo + 0.01 * (hi - lo), hi - 0.01 * (hi - lo));
    const State<N> y = trial(theta);
    const double g = trial.distance(y);
    if (g >= 0) {
      hi = theta;
      at = y;
      if (side == 1) g_lo *= 0.5;  // Illinois: the same end moved twice, halve the other
      g_hi = g;
      side = 1;
      if (g < 1e-9) break;
    } else {
      lo = theta;
      g_lo = g;
      if (side == -1 && g_hi != HUGE_VAL) g_hi *= 0.5;
      side = -1;
    }
  }
  return hi;
}

}  // namespace detail

// Advances y over [0, h] with a fixed-step method (one step of the method per stretch
// between crossings): `Method` is a callable (sys, y, h) -> y1, e.g. rk4_step.
template <SpikingSystem S, class Method>
StepOutcome advance_fixed(S& sys, State<S::n>& y, double h, Method&& method) {
  constexpr size_t N = S::n;
  StepOutcome out;
  double t = 0;
  if (!(sys.distance(y) < 0)) {  // at threshold already (an initial state): reset now
    out.spikes = 1;
    sys.reset(y);
  }
  for (int k = 0; k <= kMaxResets; ++k) {
    const double rest = h - t;
    State<N> y1 = method(sys, y, rest);
    const double g1 = detail::trial_distance(sys, y1);
    if (g1 < 0) {
      detail::constrain(sys, y1);
      y = y1;
      out.failed = !all_finite(y);
      return out;
    }
    struct Trial {
      const S& sys;
      const State<N>& y0;
      double h;
      Method& m;
      State<N> operator()(double theta) const { return m(sys, y0, theta * h); }
      double distance(const State<N>& y) const { return detail::trial_distance(sys, y); }
    } trial{sys, y, rest, method};
    State<N> at = y1;
    const double theta = detail::locate(trial, sys.distance(y), g1, at, 1e-10 * h / rest);
    y = at;
    if (!all_finite(y)) break;
    t += theta * rest;
    if (out.spikes++ == 0) out.first_spike = t;
    sys.reset(y);
    if (!(t < h)) return out;
  }
  out.failed = true;
  return out;
}

// Advances y over [0, h] with Dormand-Prince 5(4) and error control. `h_try` is the
// neuron's remembered step size: used as the first trial and updated for the next step.
template <SpikingSystem S>
StepOutcome advance_adaptive(S& sys, State<S::n>& y, double h, double& h_try,
                             const Tolerance& tol = {}) {
  constexpr size_t N = S::n;
  StepOutcome out;
  if (!(sys.distance(y) < 0)) {  // at threshold already (an initial state): reset now
    out.spikes = 1;
    sys.reset(y);
  }
  State<N> f0, y1, f1, err;
  sys.rhs(y, f0);
  double t = 0;
  double hs = std::clamp(h_try, tol.min_step, h);
  for (int attempts = 0; h - t > 1e-12 * h; ++attempts) {
    if (attempts > kMaxAttempts) {
      out.failed = true;
      return out;
    }
    const bool to_end = hs >= h - t;
    const double step = to_end ? h - t : hs;
    dopri5_step(sys, y, f0, step, y1, f1, err);
    double e = 0;
    for (size_t i = 0; i < N; ++i) {
      const double scale = tol.atol + tol.rtol * std::max(std::fabs(y[i]), std::fabs(y1[i])) +
                           tol.ttol * std::max(std::fabs(f0[i]), std::fabs(f1[i]));
      e = std::max(e, std::fabs(err[i]) / scale);
    }
    if (!(e <= 1.0)) {  // rejected (or not finite): retry smaller
      hs = step * (std::isfinite(e) ? std::max(0.2, 0.9 * std::pow(e, -0.2)) : 0.25);
      if (hs < tol.min_step) {
        out.failed = true;
        return out;
      }
      continue;
    }
    // 0.9 e^(-1/5) >= 5 for e <= (0.9/5)^5: most steps of a quiet neuron, without the pow
    const double grow = e <= 1.88e-4 ? 5.0 : std::min(5.0, 0.9 * std::pow(e, -0.2));
    // a step cut short to end on the engine step says nothing about the next one
    hs = to_end ? std::max(hs, step * grow) : step * grow;
    const double g1 = detail::trial_distance(sys, y1);
    if (g1 < 0) {
      detail::constrain(sys, y1);
      y = y1;
      f0 = f1;
      t += step;
      continue;
    }
    struct Trial {
      const S& sys;
      const State<N>& y0;
      const State<N>& f0;
      double h;
      State<N> operator()(double theta) const {
        State<N> r, fr, er;
        dopri5_step(sys, y0, f0, theta * h, r, fr, er);
        return r;
      }
      double distance(const State<N>& y) const { return detail::trial_distance(sys, y); }
    } trial{sys, y, f0, step};
    State<N> at = y1;
    const double theta = detail::locate(trial, sys.distance(y), g1, at, 1e-10 * h / step);
    y = at;
    if (!all_finite(y) || out.spikes >= kMaxResets) {
      out.failed = true;
      return out;
    }
    t += theta * step;
    if (out.spikes++ == 0) out.first_spike = t;
    sys.reset(y);
    sys.rhs(y, f0);
  }
  h_try = hs;
  out.failed = !all_finite(y);
  return out;
}

// Advances y over [0, h] with Dormand-Prince 5(4) and error control (as advance_adaptive)
// for a system whose spike has no reset (Hodgkin-Huxley): the trajectory goes on through the
// spike, so a crossing only has to be found, not acted on. A spike is an upward crossing of
// `level` by component 0 inside an accepted sub-step; its time is located on the cubic
// Hermite interpolant of that component through the sub-step's ends and slopes (y and f at
// both ends are at hand, f at the new end by FSAL: no extra evaluation), by bisection to
// 1e-12 of the sub-step. The interpolant is third order in the sub-step, which the error
// control keeps short on an upstroke (the ttol term of Tolerance), so the located time is
// within ~ttol of the true one. Counts every crossing; first_spike is the first.
template <System S>
StepOutcome advance_adaptive_level(const S& sys, State<S::n>& y, double h, double& h_try,
                                   double level, const Tolerance& tol = {}) {
  constexpr size_t N = S::n;
  StepOutcome out;
  State<N> f0, y1, f1, err;
  sys.rhs(y, f0);
  double t = 0;
  double hs = std::clamp(h_try, tol.min_step, h);
  for (int attempts = 0; h - t > 1e-12 * h; ++attempts) {
    if (attempts > kMaxAttempts) {
      out.failed = true;
      return out;
    }
    const bool to_end = hs >= h - t;
    const double step = to_end ? h - t : hs;
    dopri5_step(sys, y, f0, step, y1, f1, err);
    double e = 0;
    for (size_t i = 0; i < N; ++i) {
      const double scale = tol.atol + tol.rtol * std::max(std::fabs(y[i]), std::fabs(y1[i])) +
                           tol.ttol * std::max(std::fabs(f0[i]), std::fabs(f1[i]));
      e = std::max(e, std::fabs(err[i]) / scale);
    }
    if (!(e <= 1.0)) {  // rejected (or not finite): retry smaller
      hs = step * (std::isfinite(e) ? std::max(0.2, 0.9 * std::pow(e, -0.2)) : 0.25);
      if (hs < tol.min_step) {
        out.failed = true;
        return out;
      }
      continue;
    }
    const double grow = e <= 1.88e-4 ? 5.0 : std::min(5.0, 0.9 * std::pow(e, -0.2));
    hs = to_end ? std::max(hs, step * grow) : step * grow;
    if (y[0] < level && y1[0] >= level) {
      // Hermite basis on theta in [0, 1]: p(theta) through (y0, step f0) and (y1, step f1)
      auto p = [&](double th) {
        const double th2 = th * th, th3 = th2 * th;
        return (2 * th3 - 3 * th2 + 1) * y[0] + (th3 - 2 * th2 + th) * step * f0[0] +
               (-2 * th3 + 3 * th2) * y1[0] + (th3 - th2) * step * f1[0];
      };
      double lo = 0, hi = 1;
      while (hi - lo > 1e-12) {
        const double mid = 0.5 * (lo + hi);
        (p(mid) < level ? lo : hi) = mid;
      }
      if (out.spikes++ == 0) out.first_spike = t + hi * step;
    }
    y = y1;
    f0 = f1;
    t += step;
  }
  h_try = hs;
  out.failed = !all_finite(y);
  return out;
}

}  // namespace engram::ode
