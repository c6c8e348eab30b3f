// The voltage clamp (kind "voltage_clamp", io/stimulus.cpp) against analytic solutions and the
// classic Hodgkin-Huxley voltage-clamp experiment:
//  - a passive cell (lif_psc_exp, threshold out of reach) clamped through rs: the membrane
//    relaxes with tau = C (R_m || rs) to the two-resistor divider
//    v = (v_c R_m + E_L rs)/(R_m + rs), the clamp current to (v_c - v)/rs;
//  - hh_squid stepped from -65 to 0 mV: a transient inward (negative) sodium current peaking
//    within the first millisecond, then a sustained outward (positive) potassium current whose
//    plateau is the steady-state current g_K n_inf^4 (V - E_K) + g_Na m_inf^3 h_inf (V - E_Na)
//    + g_L (V - E_L) at the clamped V (HH 1952; NEURON's SEClamp gives -125.0 nA at 0.57 ms
//    and 180.65 nA for this cell at rs 0.01 MOhm, dt 0.025/64 ms, tools/neuron_reference/).
// The clamp current is recorded as the injected current, `what = "i_stim"` (pA).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace engram {
namespace {

struct Run {
  std::vector<double> v, i;  // mV, pA at t = k dt (i: mean over the step ending there)
};

Run run_clamp(const std::string& population, const std::string& clamp, double dt, double duration) {
  auto sim = test::run_model(fmt::format(R"([protocol]
dt = "{} ms"
duration = "{} ms"
{}
[[stimulus]]
kind = "voltage_clamp"
to = "cell"
{}
[[record]]
what = "v"
of = "cell"
[[record]]
what = "i_stim"
of = "cell"
)",
                                         dt, duration, population, clamp));
  return {test::trace(*sim, "cell", "v"), test::trace(*sim, "cell", "i_stim")};
}

// --- passive cell --------------------------------------------------------------------------

constexpr double kCm = 250.0, kTauM = 10.0, kEL = -70.0;  // pF, ms, mV: R_m = 40 MOhm
constexpr double kRm = kTauM / kCm * 1000.0;              // ms/pF = GOhm -> MOhm

const std::string kPassive = R"(
[[population]]
name = "cell"
size = 1
model = "lif_psc_exp"
params = { c_m = "250 pF", tau_m = "10 ms", e_l = "-70 mV", v_thresh = "100 mV" }
)";

TEST(VoltageClamp, PassiveCellFollowsTheTwoResistorSolution) {
  // hold at E_L for 5 ms, step to -40 mV for 30 ms, release
  const double v_c = -40.0, t_on = 5.0, t_off = 35.0;
  for (double rs : {0.01, 1.0, 10.0}) {
    for (double dt : {0.1, 0.025}) {
      SCOPED_TRACE(fmt::format("rs {} MOhm, dt {} ms", rs, dt));
      const auto r = run_clamp(kPassive,
                               fmt::format(R"(rs = "{} MOhm"
levels = ["-70 mV", "-40 mV"]
durations = ["5 ms", "30 ms"])",
                                           rs),
                               dt, 45.0);
      const double v_ss = (v_c * kRm + kEL * rs) / (kRm + rs);
      const double i_ss = (v_c - v_ss) / rs * 1000.0;           // mV/MOhm = nA -> pA
      const double tau = kCm * (kRm * rs / (kRm + rs)) * 1e-3;  // pF x MOhm = 1e-3 ms
      const auto on = static_cast<size_t>(std::llround(t_on / dt));
      const auto off = static_cast<size_t>(std::llround(t_off / dt));
      // the fixed point is exact at any dt (30 ms is 15 tau at rs 10 MOhm: 7e-6 mV to go)
      const double v_end = v_ss + (kEL - v_ss) * std::exp(-(t_off - t_on) / tau);
      EXPECT_NEAR(r.v[off], v_end, 1e-7);
      EXPECT_NEAR(r.i[off], (v_c - v_end) / rs * 1000.0, 1e-6 * std::fabs(i_ss));
      // the relaxation: v(t) = v_ss + (E_L - v_ss) e^{-t/tau}; the recorded current is the
      // mean of (v_c - v(t))/rs over each step. Measured from the second step on: v within
      // 0.15 mV of the analytic solution (rs 0.01 MOhm, dt 0.1 ms; 0.034 mV at dt 0.025 ms,
      // 0.016 mV at rs 1, 0.001 mV at rs 10), the step-mean current within 0.94 % of the
      // larger of itself and the first step's charging current (0.2 % at dt 0.025 ms,
      // 0.04 % at rs 1). Bounds: 0.2 mV, 1 %
      double worst_v = 0, worst_i = 0;
      for (size_t k = on + 1; k <= off; ++k) {
        const double t = static_cast<double>(k - on) * dt;
        const double v = v_ss + (kEL - v_ss) * std::exp(-t / tau);
        const double mean_v =
            v_ss + (kEL - v_ss) * tau / dt * (std::exp(-(t - dt) / tau) - std::exp(-t / tau));
        const double i = (v_c - mean_v) / rs * 1000.0;
        if (k > on + 1) worst_v = std::max(worst_v, std::fabs(r.v[k] - v));
        // relative to the current that charges the membrane in the first step
        worst_i = std::max(worst_i,
                           std::fabs(r.i[k] - i) / std::max(std::fabs(i), kCm * (v_c - kEL) / dt));
      }
      EXPECT_LT(worst_v, 0.2);
      EXPECT_LT(worst_i, 0.01);
      // released at t_off: the cell relaxes on its own, no current
      EXPECT_EQ(r.i.back(), 0.0);
      EXPECT_NEAR(r.v.back(), kEL + (v_ss - kEL) * std::exp(-10.0 / kTauM), 0.01);
    }
  }
}

// --- Hodgkin-Huxley ------------------------------------------------------------------------

const std::string kSquid = R"(
[[population]]
name = "cell"
size = 1
model = "hh_squid"
)";

// hh_squid defaults, whole cell (area 10000 um^2): nS, mV
constexpr double kGNa = 12000, kGK = 3600, kGL = 30, kENa = 50, kEK = -77, kEL2 = -54.3;

double vtrap(double x, double y) {
  return std::fabs(x / y) < 1e-6 ? y * (1 - x / y / 2) : x / (std::exp(x / y) - 1);
}
// Steady-state membrane current (pA, outward positive) of the HH membrane at V (mV).
double hh_steady_current(double v) {
  const double am = 0.1 * vtrap(-(v + 40), 10), bm = 4 * std::exp(-(v + 65) / 18);
  const double ah = 0.07 * std::exp(-(v + 65) / 20), bh = 1 / (std::exp(-(v + 35) / 10) + 1);
  const double an = 0.01 * vtrap(-(v + 55), 10), bn = 0.125 * std::exp(-(v + 65) / 80);
  const double m = am / (am + bm), h = ah / (ah + bh), n = an / (an + bn);
  return kGK * std::pow(n, 4) * (v - kEK) + kGNa * m * m * m * h * (v - kENa) + kGL * (v - kEL2);
}

// The clamped steady state through rs: V = v_c - rs I(V), by bisection.
double clamped_potential(double v_c, double rs) {
  double lo = -120, hi = v_c;
  for (int k = 0; k < 200; ++k) {
    const double mid = 0.5 * (lo + hi);
    (mid - v_c + rs * hh_steady_current(mid) * 1e-3 > 0 ? hi : lo) = mid;
  }
  return 0.5 * (lo + hi);
}

Run squid_step(double rs, double dt) {
  return run_clamp(kSquid,
                   fmt::format(R"(rs = "{} MOhm"
levels = ["-65 mV", "0 mV", "-65 mV"]
durations = ["5 ms", "20 ms", "5 ms"])",
                               rs),
                   dt, 30.0);
}

TEST(VoltageClamp, SquidAxonStepToZeroGivesInwardThenOutwardCurrent) {
  for (double dt : {0.025, 0.05, 0.1}) {
    SCOPED_TRACE(fmt::format("dt {} ms", dt));
    const auto r = squid_step(0.01, dt);
    const auto on = static_cast<size_t>(std::llround(5.0 / dt));
    const auto off = static_cast<size_t>(std::llround(25.0 / dt));
    // holding at -65 mV, the resting cell takes almost no current
    EXPECT_LT(std::fabs(r.i[on]), 100.0);
    // the first step of the command charges the membrane: C (0 - (-65)) / dt
    EXPECT_NEAR(r.i[on + 1], 100.0 * 65.0 / dt, 0.05 * 100.0 * 65.0 / dt);
    // inward sodium current: the minimum after the capacitive step, within 0.3-1.2 ms of the
    // command (NEURON: -125.0 nA at 0.57 ms)
    const auto first = on + 2;
    const auto peak = static_cast<size_t>(std::min_element(r.i.begin() + static_cast<long>(first),
                                                           r.i.begin() + static_cast<long>(off)) -
                                          r.i.begin());
    const double t_peak = (static_cast<double>(peak - on) - 0.5) * dt;  // the step's middle
    EXPECT_GT(t_peak, 0.3);
    EXPECT_LT(t_peak, 1.2);
    EXPECT_LT(r.i[peak], -100e3);
    EXPECT_GT(r.i[peak], -150e3);
    // one sign change from inward to outward, within 3 ms of the command
    size_t crossings = 0, cross = 0;
    for (size_t k = peak; k < off; ++k)
      if (r.i[k] < 0 && r.i[k + 1] >= 0) {
        ++crossings;
        cross = k;
      }
    EXPECT_EQ(crossings, 1u);
    EXPECT_LT(static_cast<double>(cross - on) * dt, 3.0);
    // the outward potassium current reaches its plateau: the steady-state current at the
    // clamped V (-1.8 mV at rs 0.01 MOhm); the scheme's fixed point is exact
    const double v = clamped_potential(0.0, 0.01);
    const double plateau = hh_steady_current(v);
    EXPECT_NEAR(r.i[off], plateau, 1e-4 * plateau);
    EXPECT_NEAR(r.v[off], v, 1e-3);
    EXPECT_NEAR(plateau, 180.65e3, 0.01e3);  // NEURON's SEClamp
    // 10 ms into the command the current is within 2 % of the plateau (1.5 % at dt 0.1 ms)
    EXPECT_NEAR(r.i[on + static_cast<size_t>(std::llround(10.0 / dt))], plateau, 0.02 * plateau);
  }
}

TEST(VoltageClamp, SquidAxonPlateauIsThePotassiumAndLeakCurrentAtZero) {
  // a stiff clamp (rs 0.001 MOhm: V within 0.2 mV of the command) against the textbook
  // steady state at exactly 0 mV, g_K n_inf^4 (V - E_K) + g_L (V - E_L)
  const auto r = squid_step(0.001, 0.025);
  const double an = 0.01 * vtrap(-55, 10), bn = 0.125 * std::exp(-65.0 / 80);
  const double n = an / (an + bn);
  const double textbook = kGK * std::pow(n, 4) * (0 - kEK) + kGL * (0 - kEL2);
  EXPECT_NEAR(r.i[static_cast<size_t>(std::llround(25.0 / 0.025))], textbook, 0.02 * textbook);
}

// NEURON's SEClamp on the same cell and protocol, converged (dt 0.025/64 ms), the current
// averaged over 0.025 ms steps: tests/data/neuron/seclamp_hh.csv, made by
// tools/neuron_reference/seclamp_reference.py. engram at dt 0.025 ms, measured: outside the
// 0.1 ms after each command change within 6.2 nA (rs 0.01 MOhm; 3.4 % of the sodium peak) and
// 0.5 nA (rs 1 MOhm); sodium peak -127.8 against -125.0 nA (rs 0.01) and -32.80 against
// -32.72 nA (rs 1). Bounds: 8 nA, 1 nA; peak within 3 %.
TEST(VoltageClamp, SquidAxonCurrentMatchesNeuronSeclamp) {
  std::istringstream in(test::read_file(test::source_path("tests/data/neuron/seclamp_hh.csv")));
  std::vector<double> t, ref_stiff, ref_soft;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line[0] == 't') continue;
    double a = 0, b = 0, c = 0;
    ASSERT_EQ(std::sscanf(line.c_str(), "%lf,%lf,%lf", &a, &b, &c), 3) << line;
    t.push_back(a);
    ref_stiff.push_back(b * 1000.0);  // nA -> pA
    ref_soft.push_back(c * 1000.0);
  }
  ASSERT_EQ(t.size(), 1200u);
  for (const auto& [rs, ref, bound] :
       {std::tuple{0.01, &ref_stiff, 8e3}, std::tuple{1.0, &ref_soft, 1e3}}) {
    SCOPED_TRACE(fmt::format("rs {} MOhm", rs));
    const auto r = squid_step(rs, 0.025);
    ASSERT_EQ(r.i.size(), t.size() + 1);
    double worst = 0;
    for (size_t k = 0; k < t.size(); ++k) {
      const bool after_change =
          (t[k] >= 5.0 - 1e-9 && t[k] < 5.1 - 1e-9) || (t[k] >= 25.0 - 1e-9 && t[k] < 25.1 - 1e-9);
      if (!after_change) worst = std::max(worst, std::fabs(r.i[k + 1] - (*ref)[k]));
    }
    EXPECT_LT(worst, bound);
    // the sodium peak, after the capacitive step and before the command ends
    const long first = std::lround(5.05 / 0.025), last = std::lround(25.0 / 0.025);
    const auto mine =
        std::min_element(r.i.begin() + first + 1, r.i.begin() + last + 1) - r.i.begin() - 1;
    const auto theirs = std::min_element(ref->begin() + first, ref->begin() + last) - ref->begin();
    EXPECT_NEAR(r.i[static_cast<size_t>(mine) + 1], (*ref)[static_cast<size_t>(theirs)],
                0.03 * std::fabs((*ref)[static_cast<size_t>(theirs)]));
    EXPECT_LE(std::abs(mine - theirs), 2);  // steps of 0.025 ms
  }
}

TEST(VoltageClamp, StableForStiffAndSoftClampsAtLargeSteps) {
  // explicit Euler would blow up for dt > 2 rs C (2 ns at rs 0.01 MOhm); the scheme stays
  // bounded for every rs and dt
  for (double rs : {0.001, 0.01, 0.1, 1.0, 10.0, 100.0})
    for (double dt : {0.01, 0.1, 0.5}) {
      const auto r = squid_step(rs, dt);
      for (double v : r.v) ASSERT_TRUE(std::isfinite(v) && std::fabs(v) < 200) << rs << " " << dt;
    }
}

TEST(VoltageClamp, WorksOnEveryModelWithAMembranePotential) {
  // the clamp holds each model near the command; the current is finite and the fixed point
  // is v = v_c - rs i
  for (const std::string model :
       {"lif_psc_delta", "lif_psc_exp", "lif_psc_alpha", "lif_cond_exp", "adex_psc_exp",
        "adex_cond_exp", "izhikevich", "hh_squid", "hh_cond_exp_traub"}) {
    SCOPED_TRACE(model);
    const auto r = run_clamp(fmt::format(R"(
[[population]]
name = "cell"
size = 1
model = "{}"
)",
                                         model),
                             R"(rs = "0.1 MOhm"
levels = ["-75 mV"]
durations = ["50 ms"])",
                             0.1, 50.0);
    const double i = r.i.back(), v = r.v.back();
    EXPECT_TRUE(std::isfinite(i));
    // (adaptation and recovery variables still drift after 50 ms: the one-step lag leaves
    // v within C dv/dt of the fixed point)
    EXPECT_NEAR(v, -75.0 - 0.1 * i * 1e-3, 1e-3);
    EXPECT_NEAR(v, -75.0, 1.0);
  }
}

}  // namespace
}  // namespace engram
