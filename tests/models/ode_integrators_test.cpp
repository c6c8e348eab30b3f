// The ODE steppers of src/engram/models/ode_integrators.hpp: orders of accuracy, the error
// control of the adaptive method, and the location of threshold crossings (the reset at
// the crossing time, checked against the closed-form period of a quadratic neuron).
#include "engram/models/ode_integrators.hpp"

#include <cmath>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace engram {
namespace {

// y'' = -y as a first-order system: y(t) = (cos t, -sin t) from (1, 0).
struct Oscillator {
  static constexpr size_t n = 2;
  void rhs(const ode::State<2>& y, ode::State<2>& dy) const {
    dy[0] = y[1];
    dy[1] = -y[0];
  }
  double distance(const ode::State<2>&) const { return -1; }  // never spikes
  void reset(ode::State<2>&) {}
};

double rk4_error(double h) {
  Oscillator s;
  ode::State<2> y{1, 0};
  const int n = static_cast<int>(std::lround(10 / h));
  for (int k = 0; k < n; ++k) y = ode::rk4_step(s, y, h);
  return std::hypot(y[0] - std::cos(10.0), y[1] + std::sin(10.0));
}

TEST(OdeIntegrators, Rk4IsFourthOrder) {
  const double ratio = rk4_error(0.1) / rk4_error(0.05);
  EXPECT_NEAR(ratio, 16.0, 1.0);  // 2^4
  EXPECT_LT(rk4_error(0.1), 1e-5);
}

TEST(OdeIntegrators, EulerIsFirstOrder) {
  auto err = [](double h) {
    Oscillator s;
    ode::State<2> y{1, 0};
    for (int k = 0; k < std::lround(1 / h); ++k) y = ode::euler_step(s, y, h);
    return std::hypot(y[0] - std::cos(1.0), y[1] + std::sin(1.0));
  };
  EXPECT_NEAR(err(0.001) / err(0.0005), 2.0, 0.05);
}

// Dormand-Prince with error control holds the global error near the tolerance over many
// engine steps, whatever the step: one sub-step per engine step when that is accurate
// enough, several when not.
TEST(OdeIntegrators, AdaptiveDormandPrinceMeetsItsTolerance) {
  for (double h : {0.01, 0.1, 1.0}) {
    Oscillator s;
    ode::State<2> y{1, 0};
    double h_try = h;
    const int n = static_cast<int>(std::lround(20 / h));
    for (int k = 0; k < n; ++k) {
      const auto r = ode::advance_adaptive(s, y, h, h_try);
      ASSERT_FALSE(r.failed);
      ASSERT_EQ(r.spikes, 0);
    }
    const double err = std::hypot(y[0] - std::cos(20.0), y[1] + std::sin(20.0));
    EXPECT_LT(err, 2e-5) << "h = " << h;  // rtol = atol = 1e-6 per step, 20 time units
  }
}

// A single Dormand-Prince step is fifth order: the error of one step shrinks as h^6 (local)
TEST(OdeIntegrators, DormandPrinceStepIsFifthOrder) {
  auto err = [](double h) {
    Oscillator s;
    ode::State<2> y{1, 0}, f, y1, f1, e;
    s.rhs(y, f);
    ode::dopri5_step(s, y, f, h, y1, f1, e);
    return std::hypot(y1[0] - std::cos(h), y1[1] + std::sin(h));
  };
  EXPECT_NEAR(std::log2(err(0.4) / err(0.2)), 6.0, 0.3);
}

// The quadratic integrate-and-fire neuron: the Izhikevich model with u frozen (a = 0,
// b = 0, d = 0, u = 0), dv/dt = q2 v^2 + q1 v + q0 + I. For q2 (q0 + I) > q1^2/4 the
// solution is v = -q1/(2 q2) + (w/q2) tan(w t + phi), w = sqrt(q2 (q0 + I) - q1^2/4), so the
// time from the reset c to the cutoff v_peak, the period, is exactly
//   T = [atan((q2 v_peak + q1/2)/w) - atan((q2 c + q1/2)/w)] / w.
// I = 20 pA: T = 4.4389 ms, not a multiple of dt = 0.1 ms. The engine stamps spikes on the
// grid, but the reset happens at the located crossing, so the mean period over a second
// is exact up to the grid jitter of the first and last spike (dt / (n - 1)) and the
// method's error. A reset at the end of the step would lengthen every period by up to a
// step (about 1 %), as the published Euler scheme does.
double qif_period(double i) {
  const double q2 = 0.04, q1 = 5, q0 = 140, c = -65, v_peak = 30;
  const double w = std::sqrt(q2 * (q0 + i) - q1 * q1 / 4);
  return (std::atan((q2 * v_peak + q1 / 2) / w) - std::atan((q2 * c + q1 / 2) / w)) / w;
}

double measured_period(const char* integrator, double i, double dt) {
  auto sim = test::run_model(fmt::format(R"(
[protocol]
dt = "{} ms"
duration = "1 s"
[[population]]
name = "n"
size = 1
model = "izhikevich"
params = {{ a = 0, b = 0, d = "0 pA", c = "-65 mV", i_e = "{} pA" }}
init = {{ v = "-65 mV", u = "0 pA" }}
integrator = "{}"
[[record]]
what = "spikes"
of = "n"
)",
                                         dt, i, integrator));
  const auto t = test::spike_trains(*sim, "n")[0];
  return (t.back() - t.front()) / static_cast<double>(t.size() - 1);
}

TEST(OdeIntegrators, ResetAtTheLocatedCrossingGivesTheExactPeriod) {
  for (double i : {20.0, 16.5}) {  // T = 4.4389 ms (225 Hz) and 23.29 ms
    const double exact = qif_period(i);
    for (const char* integrator : {"rk45", "rk4"}) {
      const double T = measured_period(integrator, i, 0.1);
      // grid jitter alone: <= 0.1 ms / (n - 1), 4.5e-4 ms at 225 Hz
      EXPECT_NEAR(T, exact, 2e-3 * exact / 4.4) << integrator << " I = " << i;
    }
    // the published scheme resets at the end of a step: off by a good fraction of dt
    EXPECT_GT(std::fabs(measured_period("izhikevich_2004", i, 0.1) - exact), 0.02) << "I = " << i;
  }
  EXPECT_NEAR(qif_period(20.0), 4.4389, 1e-4);
}

}  // namespace
}  // namespace engram
