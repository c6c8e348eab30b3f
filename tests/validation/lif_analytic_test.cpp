// LIF neurons against their analytic solutions (shared/VALIDATION.md §1).
#include <cmath>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace engram {
namespace {

using test::run_model;
using test::spike_trains;
using test::trace;

// NEST's test_iaf_ps_dc_accuracy protocol: E_L = 0, V(0) = 0, I = 1000 pA, tau_m = 10 ms,
// C_m = 250 pF, no spike. V(t) = I tau/C (1 - e^{-t/tau}).
std::string step_response_model(std::string_view model, std::string_view how_driven, double dt,
                                double v_thresh) {
  return fmt::format(
      R"(
[protocol]
dt = {dt}
duration = "500 ms"
[[population]]
name = "n"
size = 1
model = "{model}"
params = {{ c_m = "250 pF", tau_m = "10 ms", e_l = "0 mV", v_reset = "0 mV", v_thresh = {vth}, t_ref = "2 ms" {param_i} }}
{stim}
[[record]]
what = "v"
of = "n"
[[record]]
what = "spikes"
of = "n"
)",
      fmt::arg("dt", dt), fmt::arg("model", model), fmt::arg("vth", v_thresh),
      fmt::arg("param_i", how_driven == "i_e" ? ", i_e = \"1000 pA\"" : ""),
      fmt::arg("stim", how_driven == "dc" ? "[[stimulus]]\nkind = \"dc\"\nto = \"n\"\n"
                                            "amplitude = \"1 nA\""
                                          : ""));
}

class StepResponse : public ::testing::TestWithParam<std::tuple<const char*, const char*>> {};

TEST_P(StepResponse, MatchesExactSolution) {
  auto [model, how] = GetParam();
  for (double dt : {0.1, 0.125, 0.01}) {
    auto sim = run_model(step_response_model(model, how, dt, 2000.0));
    auto v = trace(*sim, "n", "v");
    double max_err = 0;
    for (size_t k = 0; k < v.size(); ++k) {
      const double t = k * dt;
      const double exact = 1000.0 * 10.0 / 250.0 * (-std::expm1(-t / 10.0));
      max_err = std::max(max_err, std::fabs(v[k] - exact));
    }
    // exact integration: only rounding error remains (NEST's own test allows 1e-9 mV)
    EXPECT_LE(max_err, 1e-9) << model << " driven by " << how << " at dt " << dt;
    EXPECT_NEAR(v[static_cast<size_t>(std::llround(5.0 / dt))], 15.738773611494663, 1e-9);
    EXPECT_NEAR(v.back(), 40.0, 1e-9);
  }
}

INSTANTIATE_TEST_SUITE_P(Lif, StepResponse,
                         ::testing::Combine(::testing::Values("lif_psc_delta", "lif_psc_exp",
                                                              "lif_psc_alpha"),
                                            ::testing::Values("i_e", "dc")));

TEST(LifFirstSpike, FallsInTheStepContainingTheExactCrossing) {
  // V_th = 15 mV: exact crossing at 4.700036292457356 ms; on a 0.1 ms grid the spike is
  // stamped at the end of the step that contains it.
  for (const char* model : {"lif_psc_delta", "lif_psc_exp", "lif_psc_alpha"}) {
    auto sim = run_model(step_response_model(model, "i_e", 0.1, 15.0));
    auto trains = spike_trains(*sim, "n");
    ASSERT_FALSE(trains[0].empty());
    EXPECT_NEAR(trains[0][0], 4.8, 1e-12) << model;
  }
}

// f-I curve, VALIDATION.md §1: tau_m 10 ms, C_m 250 pF, V_th - E_L = 15 mV, V_r = E_L,
// t_ref 2 ms. f(I) = 1/(t_ref + tau ln(RI/(RI - 15 mV))). A grid-constrained neuron fires at
// the end of the step containing the crossing, so its period is longer by less than dt:
// the rate error is below f·dt. At dt = 0.01 ms that is < 0.25 % up to 245 Hz, inside the
// 0.5 % the issue asks for.
TEST(LifFICurve, MatchesAnalyticRateWithinHalfAPercent) {
  const double currents[] = {376, 400, 500, 750, 1000, 2000};
  const double published[] = {16.3143, 33.6407, 63.0400, 111.9636, 149.2529, 245.3149};
  std::string amps;
  for (double I : currents) amps += fmt::format("{}\"{} pA\"", amps.empty() ? "" : ", ", I);
  for (const char* model : {"lif_psc_delta", "lif_psc_exp", "lif_psc_alpha"}) {
    auto sim = run_model(fmt::format(R"(
[protocol]
dt = "0.01 ms"
duration = "1.5 s"
[[population]]
name = "n"
size = 6
model = "{}"
params = {{ c_m = "250 pF", tau_m = "10 ms", e_l = "-70 mV", v_reset = "-70 mV", v_thresh = "-55 mV", t_ref = "2 ms" }}
[[stimulus]]
kind = "dc"
to = "n"
amplitude = [{}]
[[record]]
what = "spikes"
of = "n"
)",
                                     model, amps));
    auto trains = spike_trains(*sim, "n");
    for (size_t i = 0; i < 6; ++i) {
      const auto& t = trains[i];
      ASSERT_GE(t.size(), 3u) << model << " I=" << currents[i];
      const double rate = 1000.0 * (t.size() - 2) / (t[t.size() - 1] - t[1]);
      const double R = 10.0 / 250.0;  // GOhm = mV/pA
      const double T = 10.0 * std::log(R * currents[i] / (R * currents[i] - 15.0));
      const double analytic = 1000.0 / (2.0 + T);
      EXPECT_NEAR(analytic, published[i], 1e-3 * published[i]);  // the table itself
      EXPECT_LE(std::fabs(rate - analytic) / analytic, 0.005)
          << model << " I=" << currents[i] << " rate " << rate << " analytic " << analytic;
      EXPECT_LE(rate, analytic) << "grid-constrained spikes can only delay firing";
    }
  }
}

TEST(LifFICurve, NoSpikesBelowRheobase) {
  auto sim = run_model(R"(
[protocol]
duration = "1 s"
[[population]]
name = "n"
size = 1
model = "lif_psc_exp"
params = { c_m = "250 pF", tau_m = "10 ms", e_l = "-70 mV", v_reset = "-70 mV", v_thresh = "-55 mV" }
[[stimulus]]
kind = "dc"
to = "n"
amplitude = "374 pA"
[[record]]
what = "spikes"
of = "n"
)");
  EXPECT_TRUE(spike_trains(*sim, "n")[0].empty());  // rheobase is 375 pA
}

// Post-synaptic potentials of single input spikes against closed forms. The input spike
// (weight w) is emitted at 1 ms and arrives after the 1 ms delay, at t0 = 2 ms.
std::string psp_model(std::string_view model, double weight) {
  return fmt::format(R"(
[protocol]
dt = "0.1 ms"
duration = "60 ms"
[[population]]
name = "src"
size = 1
model = "spike_source"
spike_times = ["1 ms"]
[[population]]
name = "n"
size = 1
model = "{}"
params = {{ c_m = "250 pF", tau_m = "10 ms", e_l = "0 mV", v_reset = "0 mV", v_thresh = "1000 mV" {} }}
[[projection]]
from = "src"
to = "n"
connect = {{ rule = "all_to_all" }}
synapse = {{ receptor = "exc", weight = {}, delay = "1 ms" }}
[[record]]
what = "v"
of = "n"
)",
                     model, model == "lif_psc_delta" ? "" : ", tau_syn_ex = \"2 ms\"", weight);
}

TEST(LifPsp, DeltaSynapseJumpsByTheWeightAndDecays) {
  auto sim = run_model(psp_model("lif_psc_delta", 0.5));
  auto v = trace(*sim, "n", "v");
  for (size_t k = 0; k < v.size(); ++k) {
    const double t = k * 0.1, t0 = 2.0;
    const double exact = t < t0 - 1e-9 ? 0.0 : 0.5 * std::exp(-(t - t0) / 10.0);
    EXPECT_NEAR(v[k], exact, 1e-12) << "t=" << t;
  }
}

TEST(LifPsp, ExponentialCurrentGivesTheDifferenceOfExponentials) {
  auto sim = run_model(psp_model("lif_psc_exp", 100.0));
  auto v = trace(*sim, "n", "v");
  const double tm = 10, ts = 2, C = 250, w = 100;
  for (size_t k = 0; k < v.size(); ++k) {
    const double t = k * 0.1 - 2.0;
    const double exact =
        t <= 0 ? 0.0 : w * ts * tm / (C * (tm - ts)) * (std::exp(-t / tm) - std::exp(-t / ts));
    EXPECT_NEAR(v[k], exact, 1e-10) << "t=" << t;
  }
}

TEST(LifPsp, AlphaCurrentPeaksAtTheWeightAndGivesTheAlphaPsp) {
  auto sim = run_model(psp_model("lif_psc_alpha", 100.0) +
                       "[[record]]\nwhat = \"i_syn_ex\"\nof = \"n\"\n");
  auto v = trace(*sim, "n", "v");
  auto i = trace(*sim, "n", "i_syn_ex");
  const double tm = 10, ts = 2, C = 250, w = 100, e = std::exp(1.0);
  const double beta = 1 / tm - 1 / ts;
  for (size_t k = 0; k < v.size(); ++k) {
    const double t = k * 0.1 - 2.0;
    const double i_exact = t <= 0 ? 0.0 : w * t / ts * std::exp(1 - t / ts);
    const double v_exact = t <= 0 ? 0.0
                                  : w * e / (C * ts * beta * beta) *
                                        (std::exp(-t / ts) * (beta * t - 1) + std::exp(-t / tm));
    EXPECT_NEAR(i[k], i_exact, 1e-10) << "t=" << t;
    EXPECT_NEAR(v[k], v_exact, 1e-10) << "t=" << t;
  }
  EXPECT_NEAR(i[static_cast<size_t>(std::llround((2.0 + ts) / 0.1))], w, 1e-10);  // peak = weight
}

TEST(LifRefractory, ClampsForTRefThenIntegrates) {
  // strong drive: V crosses threshold every step it is allowed to integrate, so the ISI is
  // t_ref + one step exactly
  auto sim = run_model(R"(
[protocol]
dt = "0.1 ms"
duration = "50 ms"
[[population]]
name = "n"
size = 1
model = "lif_psc_exp"
params = { e_l = "-70 mV", v_reset = "-80 mV", v_thresh = "-55 mV", t_ref = "3 ms", i_e = "1e6 pA" }
[[record]]
what = "spikes"
of = "n"
[[record]]
what = "v"
of = "n"
)");
  auto t = spike_trains(*sim, "n")[0];
  ASSERT_GT(t.size(), 5u);
  for (size_t k = 1; k < t.size(); ++k) EXPECT_NEAR(t[k] - t[k - 1], 3.1, 1e-9);
  auto v = trace(*sim, "n", "v");
  // during the refractory period V sits at the reset, below rest
  const auto first = static_cast<size_t>(std::llround(t[0] / 0.1));
  for (size_t k = first; k < first + 30; ++k) EXPECT_DOUBLE_EQ(v[k], -80.0);
}

}  // namespace
}  // namespace engram
