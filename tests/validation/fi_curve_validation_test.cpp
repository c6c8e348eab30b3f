// `engram fi`'s analysis (src/engram/analysis/fi_curve.hpp) against known answers: the
// analytic f-I curve of the leaky integrate-and-fire neuron, the rheobase of hh_squid that
// NEURON gives (tests/data/neuron/hh_summary.csv) and the excitability classes of
// Izhikevich (2004) Fig. 1G, 1H.
#include <cmath>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engram/analysis/fi_curve.hpp"
#include "engram/analysis/single_neuron.hpp"
#include "test_support.hpp"

namespace engram {
namespace {

ModelSpec neuron(const std::string& model, double dt, const std::string& preset = "") {
  return test::spec_from(fmt::format(R"([protocol]
dt = "{} ms"
duration = "1 s"
[[population]]
name = "n"
size = 1
model = "{}"
{}
)",
                                     dt, model,
                                     preset.empty() ? "" : "preset = \"" + preset + "\""));
}

TEST(FiValidation, LifMatchesTheAnalyticCurve) {
  // rate = 1 / (t_ref + tau_m ln(R I / (R I - (v_th - e_l)))) for constant I (no synaptic
  // input, so psc_delta and psc_exp follow the same V equation). At dt 0.01 ms a spike
  // stamped on the grid makes each period up to one step longer: a relative error below
  // f dt = 0.2 % at 200 Hz. Measured: max 0.05 % (psc_exp), 0.05 % (psc_delta). Bound 0.3 %:
  // an off-by-one in the spike count (n vs n - 1 over ~120 spikes, 0.8 %), a refractory
  // period one step off (0.1 ms of 5 ms, 2 %) or tau_m / C_m swapped fail it.
  for (const std::string model : {"lif_psc_exp", "lif_psc_delta"}) {
    const ModelSpec spec = neuron(model, 0.01);
    const auto& p = spec.populations[0];
    auto param = [&](const char* name) {
      return p.params[static_cast<size_t>(find_index(p.model->params, name))];
    };
    const double tau = param("tau_m"), c = param("c_m"), t_ref = param("t_ref");
    const double theta = param("v_thresh") - param("e_l");
    const double rheobase = c * theta / tau;
    FiOptions o;
    for (double f = 1.02; f <= 4.0; f += 0.15) o.currents.push_back(f * rheobase);
    o.refine = false;
    const FiResult r = fi_curve(spec, 0, o);
    double worst = 0;
    for (const auto& pt : r.points) {
      const double exact = lif_rate_hz(pt.current, tau, c, theta, t_ref);
      ASSERT_GT(exact, 0);
      worst = std::max(worst, std::fabs(pt.rate - exact) / exact);
      // no adaptation: the first interval is the steady one
      EXPECT_NEAR(pt.first_isi_rate, exact, 3e-3 * exact) << model << " " << pt.current;
    }
    EXPECT_LT(worst, 3e-3) << model;
    RecordProperty(model + "_max_relative_error", fmt::format("{:.2e}", worst));
  }
}

TEST(FiValidation, LifRheobaseAndType) {
  const ModelSpec spec = neuron("lif_psc_exp", 0.1);
  FiOptions o;
  for (double i = 0; i <= 1200; i += 50) o.currents.push_back(i);
  const FiResult r = fi_curve(spec, 0, o);
  ASSERT_TRUE(r.rheobase);
  EXPECT_NEAR(*r.rheobase, 375.0, 0.02);  // C_m theta / tau_m = 250 x 15 / 10 pA
  EXPECT_EQ(r.type, 1);
}

TEST(FiValidation, HhSquidRheobaseIsNeurons) {
  // NEURON's converged rheobase of a step from 10 ms to 200 ms: 223.94 pA (hh_summary.csv,
  // rheobase_step_10_200ms). The same protocol here: the currents turn on at 10 ms, 200 ms
  // runs, dt 0.025 ms. Measured 223.98 pA (default exponential integrator); bound 0.5 pA as
  // tests/validation/hh_squid_test.cpp. Repetitive firing starts far higher (~620 pA, at
  // ~45 Hz): hh_squid is type II.
  std::istringstream in(test::read_file(test::source_path("tests/data/neuron/hh_summary.csv")));
  double ref = NAN;
  for (std::string line; std::getline(in, line);)
    if (line.rfind("rheobase_step_10_200ms,fine,", 0) == 0)  // quantity,method,value,unit (nA)
      ref = 1000.0 * std::stod(line.substr(std::string("rheobase_step_10_200ms,fine,").size()));
  ASSERT_TRUE(std::isfinite(ref));
  FiOptions o;
  for (double i = 0; i <= 1000; i += 50) o.currents.push_back(i);
  o.duration = 200;
  o.onset = 10;
  o.transient = 50;
  const FiResult r = fi_curve(neuron("hh_squid", 0.025), 0, o);
  ASSERT_TRUE(r.rheobase);
  EXPECT_NEAR(*r.rheobase, ref, 0.5);
  ASSERT_TRUE(r.onset);
  EXPECT_GT(*r.onset, 500);
  EXPECT_EQ(r.type, 2);
  RecordProperty("hh_squid_rheobase_pA", fmt::format("{:.3f}", *r.rheobase));
}

TEST(FiValidation, IzhikevichClassesAreClassified) {
  // Izhikevich (2004) Fig. 1G (class 1: fires at arbitrarily low rates) and 1H (class 2:
  // starts at a finite rate); measured onset ratios 0.20 and 0.49 against the 1/3 criterion
  for (const auto& [preset, type, to] :
       {std::tuple{"class_1", 1, 15.0}, std::tuple{"class_2", 2, 3.0}}) {
    FiOptions o;
    for (int k = 0; k <= 30; ++k) o.currents.push_back(to * k / 30);
    const FiResult r = fi_curve(neuron("izhikevich", 0.1, preset), 0, o);
    EXPECT_EQ(r.type, type) << preset << ": onset " << r.onset_rate << " Hz, above " << r.above_rate
                            << " Hz";
  }
}

}  // namespace
}  // namespace engram
