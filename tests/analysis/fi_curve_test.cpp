// The f-I analysis functions (src/engram/analysis/fi_curve.hpp, single_neuron.hpp) and the
// stable-step bounds of the explicit integrators (models/stability.hpp, ModelInfo::stable_dt).
#include "engram/analysis/fi_curve.hpp"

#include <cmath>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engram/analysis/single_neuron.hpp"
#include "engram/core/error.hpp"
#include "engram/models/model.hpp"
#include "engram/models/stability.hpp"
#include "test_support.hpp"

namespace engram {
namespace {

TEST(FiRates, SteadyRateIsTheInverseMeanIsiAfterTheTransient) {
  // spikes every 10 ms from 5 ms: 100 Hz whatever the window's phase
  std::vector<double> t;
  for (double s = 5; s < 1000; s += 10) t.push_back(s);
  EXPECT_NEAR(steady_rate_hz(t, 200, 1000), 100.0, 1e-9);
  EXPECT_NEAR(steady_rate_hz(t, 203, 1000), 100.0, 1e-9);
  // a spike before the transient does not count; one after it: n / window
  EXPECT_DOUBLE_EQ(steady_rate_hz(std::vector<double>{50}, 200, 1000), 0.0);
  EXPECT_DOUBLE_EQ(steady_rate_hz(std::vector<double>{50, 600}, 200, 1000), 1000.0 / 800);
  EXPECT_DOUBLE_EQ(steady_rate_hz(std::vector<double>{}, 200, 1000), 0.0);
}

TEST(FiRates, FirstIsiRate) {
  EXPECT_DOUBLE_EQ(first_isi_rate_hz(std::vector<double>{3, 8, 20}), 200.0);
  EXPECT_DOUBLE_EQ(first_isi_rate_hz(std::vector<double>{3}), 0.0);
}

TEST(FiRates, LinearFitRecoversALine) {
  const std::vector<double> x{1, 2, 3, 4}, y{3, 5, 7, 9};
  const LinearFit f = linear_fit(x, y);
  EXPECT_NEAR(f.slope, 2.0, 1e-12);
  EXPECT_NEAR(f.intercept, 1.0, 1e-12);
  EXPECT_TRUE(std::isnan(linear_fit(std::vector<double>{1}, std::vector<double>{1}).slope));
  EXPECT_TRUE(std::isnan(linear_fit(std::vector<double>{2, 2}, std::vector<double>{1, 3}).slope));
}

TEST(FiRates, LifAnalyticRate) {
  // NEST iaf_psc_exp defaults: rheobase 250 pF x 15 mV / 10 ms = 375 pA
  EXPECT_DOUBLE_EQ(lif_rate_hz(375, 10, 250, 15, 2), 0.0);
  // 750 pA: R I = 30 mV, period 2 + 10 ln 2 ms
  EXPECT_NEAR(lif_rate_hz(750, 10, 250, 15, 2), 1000.0 / (2 + 10 * std::log(2.0)), 1e-9);
}

TEST(FiCurve, RejectsNonsense) {
  const auto spec = test::spec_from(R"([protocol]
duration = "1 s"
[[population]]
name = "n"
size = 1
model = "lif_psc_exp"
)");
  FiOptions o;
  o.currents = {100};
  EXPECT_THROW(fi_curve(spec, 0, o), InputError);
  o.currents = {200, 100};
  EXPECT_THROW(fi_curve(spec, 0, o), InputError);
  o.currents = {100, 200};
  o.transient = 1000;
  EXPECT_THROW(fi_curve(spec, 0, o), InputError);
}

TEST(FiCurve, RheobaseOfLifIsBracketedToThePrecision) {
  const auto spec = test::spec_from(R"([protocol]
dt = "0.1 ms"
duration = "1 s"
[[population]]
name = "n"
size = 1
model = "lif_psc_exp"
)");
  FiOptions o;
  for (double i = 0; i <= 800; i += 100) o.currents.push_back(i);
  o.duration = 500;
  o.transient = 100;
  o.precision = 0.05;
  const FiResult r = fi_curve(spec, 0, o);
  ASSERT_TRUE(r.rheobase.has_value());
  // 375 pA analytic; just above it the first spike takes ~tau_m ln(R I/(R I - 15 mV)), within
  // the 500 ms run down to 375 + 1e-17 pA: the bracket holds the analytic value
  EXPECT_LE(*r.rheobase - r.bracket, 375.0);
  EXPECT_GE(*r.rheobase, 375.0);
  EXPECT_LE(r.bracket, 0.05);
  EXPECT_EQ(r.type, 1);
  ASSERT_TRUE(r.gain.has_value());
  EXPECT_GT(*r.gain, 0);
  EXPECT_EQ(r.points.size(), 9u);
  EXPECT_EQ(r.points[3].spikes, 0u);  // 300 pA
}

TEST(SingleNeuron, PresetStepsAreRead) {
  auto p = preset_step("14 pA step from 15 ms");
  ASSERT_TRUE(p.has_value());
  EXPECT_DOUBLE_EQ(p->current_at(14.9), 0.0);
  EXPECT_DOUBLE_EQ(p->current_at(15), 14.0);
  EXPECT_DOUBLE_EQ(p->current_at(1e6), 14.0);
  p = preset_step("1 nA step");
  ASSERT_TRUE(p.has_value());
  EXPECT_DOUBLE_EQ(p->current_at(0), 1000.0);
  p = preset_step("7.04 pA from 10 to 13 ms");
  ASSERT_TRUE(p.has_value());
  EXPECT_DOUBLE_EQ(p->current_at(12), 7.04);
  EXPECT_DOUBLE_EQ(p->current_at(13), 0.0);
  EXPECT_FALSE(preset_step("ramp of 0.075 pA/ms from 30 ms").has_value());
  EXPECT_FALSE(preset_step("-15 pA from 20 to 25 ms, then more").has_value());
}

TEST(SingleNeuron, UnknownModelPresetAndPopulationAreInputErrors) {
  NeuronSource s;
  s.model_or_file = "izhikevic";
  try {
    load_neuron(s);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'izhikevich'"), std::string::npos);
  }
  s.model_or_file = "izhikevich";
  s.preset = "clas_1";
  EXPECT_THROW(load_neuron(s), InputError);
  s.preset = "class_1";
  const NeuronModel m = load_neuron(s);
  EXPECT_EQ(m.spec.populations[0].preset, "class_1");
  s.model_or_file = "poisson_source";
  s.preset.clear();
  EXPECT_THROW(load_neuron(s), InputError);
}

TEST(Stability, LinearDecayBoundsAreTheTextbookOnes) {
  // dx/dt = -x / tau as a 2x2 block with a neutral second variable: 2 tau for Euler, 2.785
  // tau for RK4
  const stability::Mat2 j{-1.0 / 3.0, 0, 0, -1e-9};
  EXPECT_NEAR(stability::max_stable_step([&](double h) { return stability::euler_map(j, h); }), 6.0,
              6e-3);
  EXPECT_NEAR(stability::max_stable_step([&](double h) { return stability::rk4_map(j, h); }),
              3 * 2.7852935, 1e-2);
  EXPECT_DOUBLE_EQ(stability::round_down(3.37), 3.3);
  EXPECT_DOUBLE_EQ(stability::round_down(0.0178), 0.017);
}

TEST(Stability, IzhikevichEulerBoundIsTheRestingStatesAndReal) {
  const ModelInfo* m = find_model("izhikevich");
  ASSERT_TRUE(m && m->stable_dt);
  std::vector<double> p;
  for (const auto& s : m->params) p.push_back(s.default_value);
  const StepBound b = m->stable_dt(p, "euler");
  // rest at v = -70 mV: eigenvalues of [-0.6, -1; 0.004, -0.02] are -0.593 and -0.027 /ms, so
  // Euler is stable up to 2 / 0.593 = 3.37 ms (rounded down to 3.3)
  EXPECT_DOUBLE_EQ(b.dt, 3.3);
  EXPECT_TRUE(b.certain);
  EXPECT_EQ(m->stable_dt(p, "rk45").dt, 0.0);
  // and the resting state really is unstable above it and not below: at 3.2 ms V settles at
  // -70 mV, at 3.5 ms it flips between two values step after step (a period-2 orbit of the
  // map, no solution of the ODE)
  auto v_end = [](double dt) {
    auto sim = test::run_model(fmt::format(R"([protocol]
dt = "{} ms"
duration = "2 s"
[[population]]
name = "n"
size = 1
model = "izhikevich"
integrator = "euler"
[[record]]
what = "v"
of = "n"
interval = "{} ms"
)",
                                           dt, dt));
    return test::trace(*sim, "n", "v");
  };
  const auto stable = v_end(3.2), flipping = v_end(3.5);
  EXPECT_NEAR(stable.back(), -70.0, 1e-6);
  EXPECT_GT(std::fabs(flipping.back() - flipping[flipping.size() - 2]), 1.0);
}

TEST(Stability, BlowUpMessageSuggestsTheBound) {
  // adex_cond_exp, euler at dt 0.5 ms > 2 tau_syn_ex = 0.4 ms: g_ex grows as (-1.5)^n and
  // takes V with it; the engine's message carries the model's bound
  try {
    test::run_model(R"([protocol]
dt = "0.5 ms"
duration = "1 s"
[[population]]
name = "n"
size = 1
model = "adex_cond_exp"
integrator = "euler"
init = { g_ex = "1 nS" }
)");
    FAIL() << "no blow-up";
  } catch (const RuntimeFailure& e) {
    EXPECT_NE(std::string(e.what()).find("try a smaller dt: dt <= 0.4 ms"), std::string::npos)
        << e.what();
  }
}

TEST(Stability, AdexBoundIncludesTheSynapticDecay) {
  const ModelInfo* m = find_model("adex_cond_exp");
  ASSERT_TRUE(m && m->stable_dt);
  std::vector<double> p;
  for (const auto& s : m->params) p.push_back(s.default_value);
  // tau_syn_ex = 0.2 ms: Euler is unstable above 0.4 ms whatever V does
  EXPECT_DOUBLE_EQ(m->stable_dt(p, "euler").dt, 0.4);
  EXPECT_NEAR(m->stable_dt(p, "rk4").dt, 0.55, 1e-12);
}

}  // namespace
}  // namespace engram
