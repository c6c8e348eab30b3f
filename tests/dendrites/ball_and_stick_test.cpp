// Active cells against NEURON 8.2: spike times of the three cells of
// tools/neuron_reference/dendrite_reference.py (tests/data/neuron/dendrite_spikes.csv) over
// 100 ms at dt 0.025 ms. engram's backward Euler and Crank-Nicolson are NEURON's secondorder
// 0 and 2 (the same discretisation, the same staggered hh gating), so each is compared with
// the NEURON run of the same method; Crank-Nicolson is also compared with NEURON's converged
// run (dt 0.025/64 ms). Bound: 0.1 ms (the issue's); the measured differences are printed.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engram/dendrites/cable.hpp"
#include "engram/dendrites/swc.hpp"
#include "neuron_models.hpp"

namespace engram::dendrites {
namespace {

using test_models::crossings;

// NEURON spike times by (model, method, location)
std::map<std::tuple<std::string, std::string, std::string>, std::vector<double>> neuron_spikes() {
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<double>> out;
  for (const auto& r : test_models::read_csv("dendrite_spikes.csv"))
    out[{r[0], r[1], r[2]}].push_back(std::stod(r[4]));
  return out;
}

// engram spike times of a model at its recorded locations
std::map<std::string, std::vector<double>> engram_spikes(const std::string& model,
                                                         Integrator method,
                                                         const std::vector<std::string>& locs) {
  const CellSpec spec = test_models::model(model);
  std::vector<Location> where;
  for (const auto& l : locs) where.push_back(test_models::location(spec, l));
  CableCell cell(spec, 0.025, method);
  const auto v = test_models::run_traces(cell, where, 100.0);
  std::map<std::string, std::vector<double>> out;
  for (size_t j = 0; j < locs.size(); ++j) out[locs[j]] = crossings(v[j], 0.025);
  return out;
}

double max_difference(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return INFINITY;
  double d = 0;
  for (size_t k = 0; k < a.size(); ++k) d = std::max(d, std::fabs(a[k] - b[k]));
  return d;
}

// Compares engram's `method` with NEURON's `reference` run for every model and location;
// returns the largest difference.
double compare(Integrator method, const std::string& reference, double bound) {
  const auto ref = neuron_spikes();
  const std::map<std::string, std::vector<std::string>> locations = {
      {"bs_pas", {"soma(0.5)"}},
      {"bs_hh", {"soma(0.5)", "dend(0.8)"}},
      {"y", {"soma(0.5)", "b1(0.5)"}}};
  double worst = 0;
  for (const auto& [model, locs] : locations) {
    const auto got = engram_spikes(model, method, locs);
    for (const auto& l : locs) {
      const auto& expected = ref.at({model, reference, l});
      EXPECT_GE(expected.size(), 6u) << model << " " << l;
      const double d = max_difference(got.at(l), expected);
      std::cout << fmt::format("{} {} vs NEURON {}: {} spikes, max |dt| {:.2e} ms\n", model, l,
                               reference, got.at(l).size(), d);
      EXPECT_LT(d, bound) << model << " " << l;
      worst = std::max(worst, d);
    }
  }
  return worst;
}

TEST(BallAndStick, BackwardEulerSpikeTimesMatchNeuronSecondorder0) {
  const double worst = compare(Integrator::backward_euler, "be", 0.1);
  EXPECT_LT(worst, 1e-3);  // the same scheme: measured ~1e-6 ms
}

TEST(BallAndStick, CrankNicolsonSpikeTimesMatchNeuronSecondorder2) {
  const double worst = compare(Integrator::crank_nicolson, "cn", 0.1);
  EXPECT_LT(worst, 1e-3);
}

TEST(BallAndStick, CrankNicolsonWithinATenthOfAMsOfNeuronConverged) {
  // dt 0.025 ms against NEURON at dt 0.025/64 (measured: ~0.02 ms after 8 spikes); NEURON's
  // own backward Euler at dt 0.025 is 0.6 ms off there (dendrite_spikes.csv "be" vs "fine")
  compare(Integrator::crank_nicolson, "fine", 0.1);
}

TEST(BallAndStick, DistanceProfileChangesTheResult) {
  // the gnabar gradient of bs_hh matters: a uniform gnabar moves the spikes
  CellSpec uniform = test_models::bs_hh();
  uniform.mechanisms.pop_back();
  CableCell a(test_models::bs_hh(), 0.025), b(uniform, 0.025);
  const auto va = test_models::run_traces(a, {{1, 0.8}}, 30.0)[0];
  const auto vb = test_models::run_traces(b, {{1, 0.8}}, 30.0)[0];
  const auto ta = crossings(va, 0.025), tb = crossings(vb, 0.025);
  ASSERT_FALSE(ta.empty());
  ASSERT_FALSE(tb.empty());
  EXPECT_GT(std::fabs(ta[0] - tb[0]), 0.05);
}

TEST(DendriteMechanisms, HhStatesStartAtSteadyStateAndStayInRange) {
  CableCell cell(test_models::bs_pas(), 0.025);
  const Mechanism* hh = cell.mechanism("hh");
  ASSERT_NE(hh, nullptr);
  ASSERT_EQ(hh->size(), 1u);  // the soma's one segment
  // hh.mod's steady state at -65 mV (as engram's hh_squid)
  EXPECT_NEAR(hh->state(0)[0], 0.05293248525724958, 1e-12);
  EXPECT_NEAR(hh->state(1)[0], 0.5961207535084603, 1e-12);
  EXPECT_NEAR(hh->state(2)[0], 0.3176769140606974, 1e-12);
  ASSERT_NE(cell.mechanism("pas"), nullptr);
  EXPECT_EQ(cell.mechanism("pas")->size(), 9u);  // d_lambda: the dendrite's 9 segments
  EXPECT_EQ(cell.mechanism("nap"), nullptr);
  cell.run(100.0);
  for (size_t s = 0; s < 3; ++s) {
    EXPECT_GE(hh->state(s)[0], 0.0);
    EXPECT_LE(hh->state(s)[0], 1.0);
  }
  EXPECT_NEAR(cell.time(), 100.0, 1e-9);
}

TEST(DendriteTiming, StepCostPrintoutNotTimed) {
  // A printout, not a timed assertion: the cost of a step of the pyramidal cell (5799 SWC
  // samples, d_lambda 0.1) with hh on every segment.
  const SwcMorphology swc = load_swc(test::source_path("tests/data/swc/pyramidal.swc"));
  CellSpec spec(swc.morphology, {.cm = 1.0, .ra = 100.0});
  spec.apply_d_lambda();
  spec.insert("hh");
  spec.iclamps.push_back({.where = {0, 0.5}, .delay = 1.0, .dur = 50.0, .amp = 2.0});
  CableCell cell(spec, 0.025);
  const int steps = 2000;
  const auto t0 = std::chrono::steady_clock::now();
  for (int s = 0; s < steps; ++s) cell.step();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const size_t n = cell.compartments().size();
  std::cout << fmt::format(
      "pyramidal.swc: {} sections, {} compartments, hh everywhere: {:.1f} us per step, {:.1f} ns "
      "per compartment and step (not timed)\n",
      swc.morphology.size(), n, 1e6 * secs / steps, 1e9 * secs / steps / static_cast<double>(n));
  for (double v : cell.v()) ASSERT_TRUE(std::isfinite(v));
}

}  // namespace
}  // namespace engram::dendrites
