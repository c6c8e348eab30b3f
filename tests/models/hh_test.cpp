// Pieces of the Hodgkin-Huxley models (src/engram/models/hh_common.hpp, hh_squid.cpp,
// hh_cond_exp_traub.cpp): the removable singularity of the rates, the initial gate values,
// the temperature and area scaling, synaptic conductances and spike detection.
#include <cmath>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engram/models/hh_common.hpp"
#include "test_support.hpp"

namespace engram {
namespace {

TEST(HhRates, XOverExpm1IsSmoothThroughZero) {
  // against std::expm1, which is accurate near 0, on both sides of the series' switch-over
  for (double u : {-30.0, -1.0, -1e-3, -1.01e-4, -0.99e-4, -1e-8, 0.0, 1e-8, 0.99e-4, 1.01e-4, 1e-3,
                   0.5, 1.0, 30.0}) {
    const double expected = u == 0.0 ? 1.0 : u / std::expm1(u);
    EXPECT_NEAR(hh::x_over_expm1(u), expected, 1e-12 * expected) << u;
  }
}

// Steady state of a gate from its rates.
double steady(double a, double b) {
  return a / (a + b);
}

TEST(HhModels, GatesStartAtTheirSteadyState) {
  // hh_squid: at V = -65 mV, NEURON hh.mod rates (written out here independently)
  const double v = -65.0;
  const double am = 0.1 * (v + 40) / (1 - std::exp(-(v + 40) / 10)),
               bm = 4 * std::exp(-(v + 65) / 18), ah = 0.07 * std::exp(-(v + 65) / 20),
               bh = 1 / (std::exp(-(v + 35) / 10) + 1),
               an = 0.01 * (v + 55) / (1 - std::exp(-(v + 55) / 10)),
               bn = 0.125 * std::exp(-(v + 65) / 80);
  const ModelInfo* sq = find_model("hh_squid");
  ASSERT_NE(sq, nullptr);
  EXPECT_EQ(sq->state[0].init_value, -65.0);
  EXPECT_NEAR(sq->state[1].init_value, steady(am, bm), 1e-15);
  EXPECT_NEAR(sq->state[2].init_value, steady(ah, bh), 1e-15);
  EXPECT_NEAR(sq->state[3].init_value, steady(an, bn), 1e-15);
  // hh_cond_exp_traub: at V = e_l = -60 mV, u = V - v_t = 3 mV (NEST's formulas)
  const double u = 3.0;
  const double tam = 0.32 * (13 - u) / (std::exp((13 - u) / 4) - 1),
               tbm = 0.28 * (u - 40) / (std::exp((u - 40) / 5) - 1),
               tah = 0.128 * std::exp((17 - u) / 18), tbh = 4 / (1 + std::exp((40 - u) / 5)),
               tan_ = 0.032 * (15 - u) / (std::exp((15 - u) / 5) - 1),
               tbn = 0.5 * std::exp((10 - u) / 40);
  const ModelInfo* tr = find_model("hh_cond_exp_traub");
  ASSERT_NE(tr, nullptr);
  EXPECT_EQ(tr->state[0].init_param, "e_l");
  EXPECT_NEAR(tr->state[1].init_value, steady(tam, tbm), 1e-15);
  EXPECT_NEAR(tr->state[2].init_value, steady(tah, tbh), 1e-15);
  EXPECT_NEAR(tr->state[3].init_value, steady(tan_, tbn), 1e-15);
}

std::vector<double> squid_spikes(const std::string& params, double dt, double t_step, double amp_pa,
                                 double duration, const std::string& integrator) {
  auto sim = test::run_model(fmt::format(R"(
[protocol]
dt = "{} ms"
duration = "{} ms"
[[population]]
name = "n"
size = 1
model = "hh_squid"
integrator = "{}"
params = {{ {} }}
[[stimulus]]
kind = "step_current"
to = "n"
times = ["0 ms", "{} ms"]
amplitudes = ["0 pA", "{} pA"]
[[record]]
what = "v"
of = "n"
)",
                                         dt, duration, integrator, params, t_step, amp_pa));
  const auto v = test::trace(*sim, "n", "v");
  std::vector<double> t;
  for (size_t k = 0; k + 1 < v.size(); ++k)
    if (v[k] < 0 && v[k + 1] >= 0)
      t.push_back(dt * (static_cast<double>(k) + -v[k] / (v[k + 1] - v[k])));
  return t;
}

TEST(HhSquid, Q10ScalesTimeAsNeuron) {
  // At celsius 16.3 every rate is 3x faster (q10 = 3^((16.3 - 6.3)/10)); with cm / 3 the
  // membrane is 3x faster too, so the cell is the 6.3 degC cell with time compressed 3x.
  // With dt / 3 the discrete maps are the same, so spike times scale by exactly 1/3.
  for (const std::string integrator : {"exponential", "rk4"}) {
    const auto slow = squid_spikes("celsius = 6.3", 0.03, 30, 1000, 150, integrator);
    const auto fast =
        squid_spikes("celsius = 16.3, cm = 0.333333333333333333", 0.01, 10, 1000, 50, integrator);
    ASSERT_GE(slow.size(), 5u);
    ASSERT_EQ(slow.size(), fast.size());
    for (size_t k = 0; k < slow.size(); ++k) EXPECT_NEAR(fast[k], slow[k] / 3, 1e-9) << k;
  }
}

TEST(HhSquid, AreaScalesCurrents) {
  // Densities times area: twice the area needs twice the current for the same voltage.
  const auto a = squid_spikes("area = 10000", 0.025, 10, 1000, 100, "exponential");
  const auto b = squid_spikes("area = 20000", 0.025, 10, 2000, 100, "exponential");
  ASSERT_GE(a.size(), 5u);
  ASSERT_EQ(a.size(), b.size());
  for (size_t k = 0; k < a.size(); ++k) EXPECT_NEAR(a[k], b[k], 1e-9);
}

TEST(HhCondExpTraub, SynapticConductancesAndRefractoryDetection) {
  // One input at 5 ms (+ 1 ms delay) onto both ports: g_ex jumps by 6 nS at its arrival,
  // 6 ms, and decays with tau_syn_ex = 5 ms; g_in by 67 nS with tau_syn_in = 10 ms.
  // A strong current makes a fast train: spikes are >= t_ref apart, one per action potential.
  auto sim = test::run_model(R"(
[protocol]
dt = "0.1 ms"
duration = "100 ms"
[[population]]
name = "src"
size = 1
model = "spike_source"
spike_times = ["5 ms"]
[[population]]
name = "n"
size = 2
model = "hh_cond_exp_traub"
[[projection]]
from = "src"
to = "n"
connect = { rule = "all_to_all" }
synapse = { receptor = "exc", weight = "6 nS", delay = "1 ms" }
[[projection]]
from = "src"
to = "n"
connect = { rule = "all_to_all" }
synapse = { receptor = "inh", weight = "67 nS", delay = "1 ms" }
[[stimulus]]
kind = "dc"
to = "n"
neurons = [1]
amplitude = "2 nA"
[[record]]
what = "g_ex"
of = "n"
[[record]]
what = "g_in"
of = "n"
[[record]]
what = "spikes"
of = "n"
[[record]]
what = "v"
of = "n"
)");
  const auto ge = test::trace(*sim, "n", "g_ex"), gi = test::trace(*sim, "n", "g_in");
  EXPECT_EQ(ge[59], 0.0);
  EXPECT_NEAR(ge[60], 6.0, 1e-6);
  EXPECT_NEAR(ge[110], 6.0 * std::exp(-5.0 / 5.0), 1e-6);
  EXPECT_NEAR(gi[110], 67.0 * std::exp(-5.0 / 10.0), 1e-5);
  const auto trains = test::spike_trains(*sim, "n");
  ASSERT_GE(trains[1].size(), 5u);
  const auto v = test::trace(*sim, "n", "v", 1);
  size_t crossings = 0;
  for (size_t k = 0; k + 1 < v.size(); ++k) crossings += v[k] < -20 && v[k + 1] >= -20;
  EXPECT_EQ(trains[1].size(), crossings);
  for (size_t k = 1; k < trains[1].size(); ++k)
    EXPECT_GE(trains[1][k] - trains[1][k - 1], 3.0 - 1e-9);
}

}  // namespace
}  // namespace engram
