// Synapses on the cable (mechanisms/synapse.hpp) against NEURON 8.2: the ball and stick of
// tools/neuron_reference/synapse_reference.py (tests/data/neuron/synapse_traces.csv) driven
// by AMPA, GABA_A and Exp2Syn events (one at a zero-area section end), and NMDA with its Mg2+
// block, over 60 ms: voltage traces at soma(0.5) and dend(0.8) every 0.25 ms.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engram/core/error.hpp"
#include "engram/dendrites/cable.hpp"
#include "neuron_models.hpp"

namespace engram::dendrites {
namespace {

struct Events {
  double weight;
  std::vector<double> times;
};

// The cell and synapses of synapse_reference.py (same order); nmda adds synapse 3.
CellSpec cell_with_synapses(bool nmda, std::vector<Events>& events) {
  CellSpec c(Morphology::ball_and_stick(12.6157, {200.0, 1.0}), {.cm = 1.0, .ra = 100.0});
  c.apply_d_lambda();
  c.insert("hh", Region::of_type(SectionType::soma));
  const int dend = c.section("dend");
  c.insert("pas", Region::section(dend), {{"g", 0.001}, {"e", -65.0}});
  c.synapses.push_back(Synapse::of_kind(SynapseKind::ampa, {dend, 0.8}));
  c.synapses.push_back(Synapse::of_kind(SynapseKind::gaba_a, {dend, 0.3}));
  c.synapses.push_back(Synapse::of_kind(SynapseKind::exp2, {dend, 1.0}));
  events = {{0.006, {5.0, 15.0, 15.5, 16.0, 35.0}}, {0.004, {14.0, 40.0}}, {0.002, {25.0}}};
  if (nmda) {
    c.synapses.push_back(Synapse::of_kind(SynapseKind::nmda, {dend, 0.8}));
    events.push_back({0.003, {10.0, 35.0, 36.0}});
  }
  return c;
}

// v at soma(0.5) and dend(0.8) every 0.25 ms over 60 ms.
std::vector<std::vector<double>> engram_traces(bool nmda, double dt, Integrator method,
                                               bool deliver = true, double mg = 1.0) {
  std::vector<Events> events;
  CellSpec spec = cell_with_synapses(nmda, events);
  for (auto& syn : spec.synapses) syn.mg = mg;
  CableCell cell(spec, dt, method);
  const int32_t soma = cell.node({0, 0.5}), dend = cell.node({1, 0.8});
  const auto steps = std::llround(60.0 / dt), every = std::llround(0.25 / dt);
  std::vector<std::vector<double>> out(2);
  for (long long k = 0; k <= steps; ++k) {
    if (k % every == 0) {
      out[0].push_back(cell.v()[soma]);
      out[1].push_back(cell.v()[dend]);
    }
    if (k == steps) break;
    const double t = static_cast<double>(k) * dt;
    for (size_t s = 0; s < events.size() && deliver; ++s)
      for (double te : events[s].times)
        if (std::fabs(te - t) < 0.5 * dt) cell.deliver(s, events[s].weight);
    cell.step();
  }
  return out;
}

std::map<std::string, std::vector<std::vector<double>>> neuron_traces() {
  std::map<std::string, std::vector<std::vector<double>>> out;
  for (const auto& r : test_models::read_csv("synapse_traces.csv")) {
    auto& tr = out[r[0]];
    tr.resize(2);
    tr[0].push_back(std::stod(r[2]));
    tr[1].push_back(std::stod(r[3]));
  }
  return out;
}

double max_diff(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return INFINITY;
  double d = 0;
  for (size_t k = 0; k < a.size(); ++k) d = std::max(d, std::fabs(a[k] - b[k]));
  return d;
}

double mean_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0;
  for (size_t k = 0; k < a.size(); ++k) d += std::fabs(a[k] - b[k]);
  return d / static_cast<double>(a.size());
}

// Largest |v_engram - v_NEURON| over both locations, printed.
double compare(const std::vector<std::vector<double>>& got, const std::string& run) {
  const auto ref = neuron_traces().at(run);
  const double d = std::max(max_diff(got[0], ref[0]), max_diff(got[1], ref[1]));
  std::cout << fmt::format("{}: max |v - v_NEURON| {:.3e} mV\n", run, d);
  return d;
}

TEST(CableSynapses, Exp2SynBackwardEulerMatchesNeuronSecondorder0) {
  // The same scheme and dt as NEURON: the traces agree to the printed digits (measured
  // 2e-9 mV through three spikes). A wrong peak factor, a delivery one step early or late,
  // a sign, or a missing zero-area-node term gives millivolts.
  EXPECT_LT(compare(engram_traces(false, 0.025, Integrator::backward_euler), "exp2_be"), 1e-6);
}

TEST(CableSynapses, Exp2SynCrankNicolsonMatchesNeuronSecondorder2) {
  // As above (measured 3e-9 mV), with the synapse at dend(1) on a zero-area node.
  EXPECT_LT(compare(engram_traces(false, 0.025, Integrator::crank_nicolson), "exp2_cn"), 1e-6);
}

TEST(CableSynapses, NmdaMatchesNeuronConvergedReference) {
  // NEURON at dt 0.025/64 with the NMDA current injected explicitly (no nrnivmodl here; see
  // synapse_reference.py): engram at the same dt differs by the explicit coupling's O(dt)
  // error only (measured 8e-3 mV through three spikes).
  const double fine =
      compare(engram_traces(true, 0.025 / 64, Integrator::crank_nicolson), "nmda_fine");
  EXPECT_LT(fine, 0.05);
  // 10% more Mg2+ (the block's 3.57 mM off by 10%) is caught many times over
  const auto off = engram_traces(true, 0.025 / 64, Integrator::crank_nicolson, true, 1.1);
  EXPECT_GT(compare(off, "nmda_fine"), 0.5);
  // at dt 0.025 ms, Crank-Nicolson's own error: spikes shift by hundredths of a ms, which on
  // their upstroke is millivolts; on average the traces agree (measured below)
  const auto coarse = engram_traces(true, 0.025, Integrator::crank_nicolson);
  const auto ref = neuron_traces().at("nmda_fine");
  const double mean = std::max(mean_diff(coarse[0], ref[0]), mean_diff(coarse[1], ref[1]));
  std::cout << fmt::format("nmda at dt 0.025: mean |v - v_NEURON fine| {:.3e} mV\n", mean);
  EXPECT_LT(mean, 0.4);  // measured 0.15 mV
}

TEST(CableSynapses, NmdaMattersInTheReference) {
  // the NMDA run differs from the one without it by far more than the bounds above
  const auto ref = neuron_traces();
  EXPECT_GT(max_diff(ref.at("nmda_fine")[1], ref.at("exp2_cn")[1]), 5.0);
}

TEST(CableSynapses, OneEventPeaksAtTheWeightAndDecays) {
  // A lone event of weight w gives a conductance peaking at w (the Exp2Syn normalisation) at
  // t_p = tau1 tau2 / (tau2 - tau1) ln(tau2 / tau1), decaying to ~0.
  CellSpec c(Morphology::ball_and_stick(10.0, {100.0, 1.0}), {});
  c.insert("pas");
  c.synapses.push_back(Synapse::of_kind(SynapseKind::ampa, {1, 0.5}));
  const double dt = 0.001;
  CableCell cell(c, dt);
  cell.deliver(0, 0.01);
  double peak = 0, t_peak = 0;
  for (int k = 1; k <= 20000; ++k) {
    cell.step();
    if (cell.synapses().conductance(0) > peak) {
      peak = cell.synapses().conductance(0);
      t_peak = k * dt;
    }
  }
  const double tp = 0.2 * 2.0 / 1.8 * std::log(10.0);
  EXPECT_NEAR(peak, 0.01, 1e-8);
  EXPECT_NEAR(t_peak, tp, dt);
  EXPECT_LT(cell.synapses().conductance(0), 1e-6);
}

TEST(CableSynapses, NoEventsNoEffect) {
  // without events the synapses are silent: the cell rests at its initial state
  const auto v = engram_traces(true, 0.025, Integrator::crank_nicolson, false);
  CellSpec bare = [] {
    std::vector<Events> e;
    CellSpec c = cell_with_synapses(false, e);
    c.synapses.clear();
    return c;
  }();
  CableCell cell(bare, 0.025);
  cell.run(60.0);
  EXPECT_EQ(v[0].back(), cell.v(Location{0, 0.5}));
}

TEST(CableSynapses, BadSynapsesAreInputErrors) {
  auto expect_error = [](Synapse s, const std::string& what) {
    CellSpec c(Morphology::ball_and_stick(10.0, {100.0, 1.0}), {});
    s.where = s.where.section == 0 && s.where.x == 0.5 ? Location{1, 0.5} : s.where;
    c.synapses.push_back(s);
    try {
      CableCell cell(c, 0.025);
      ADD_FAILURE() << "no error for " << what;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  Synapse s = Synapse::of_kind(SynapseKind::nmda);
  s.where = {5, 0.5};
  expect_error(s, "section 5 does not exist");
  s.where = {1, 1.5};
  expect_error(s, "x must be in [0, 1]");
  s = Synapse::of_kind(SynapseKind::ampa, {1, 0.5});
  s.tau2 = 0;
  expect_error(s, "tau2");
  s = Synapse::of_kind(SynapseKind::ampa, {1, 0.5});
  s.tau1 = 3.0;
  expect_error(s, "tau1");
  s = Synapse::of_kind(SynapseKind::nmda, {1, 0.5});
  s.mg = -1;
  expect_error(s, "mg");
  SynapseKind k;
  EXPECT_TRUE(parse_synapse_kind("gaba_a", k));
  EXPECT_EQ(k, SynapseKind::gaba_a);
  EXPECT_FALSE(parse_synapse_kind("gaba_b", k));
}

}  // namespace
}  // namespace engram::dendrites
