// Cable cells (model "cable") in the engine: spikes from a population reach the synapse
// site a projection names, at the spike's time plus its delay, exactly as events delivered
// to a stand-alone CableCell (whose synapses are validated against NEURON in
// tests/dendrites/synapse_test.cpp); threshold detection; probes; results independent of
// the thread count; the example network runs; stimuli and clamps; every plasticity rule.
#include <cmath>

#include <gtest/gtest.h>

#include "engram/analysis/fi_curve.hpp"
#include "engram/analysis/single_neuron.hpp"
#include "engram/dendrites/cable_population.hpp"
#include "engram/io/connection_table.hpp"
#include "test_support.hpp"

namespace engram {
namespace {

constexpr const char* kModel = R"(
[protocol]
dt = "0.025 ms"
duration = "40 ms"
[[population]]
name = "src"
size = 1
model = "spike_source"
spike_times = ["2 ms", "5.5 ms", "5.51 ms", "6 ms", "6.5 ms", "20 ms"]
[[population]]
name = "cells"
size = 2
model = "cable"
Ra = 100.0
morphology = [
  { name = "soma", L = 12.6157, diam = 12.6157 },
  { name = "dend", parent = "soma", L = 200, diam = 1 },
]
[[population.mechanism]]
name = "hh"
sections = ["soma"]
[[population.mechanism]]
name = "pas"
types = ["dend"]
params = { g = 0.001, e = -65 }
[[population.synapse]]
name = "ampa"
kind = "ampa"
section = "dend"
x = 0.8
[[population.synapse]]
name = "gaba"
kind = "gaba_a"
section = "dend"
x = 0.3
[[population.probe]]
name = "v_dend"
section = "dend"
x = 0.8
[[projection]]
from = "src"
to = "cells"
connect = { rule = "all_to_all" }
synapse = { receptor = "ampa", weight = "6 nS", delay = "1 ms" }
[[projection]]
from = "src"
to = "cells"
connect = { rule = "all_to_all" }
synapse = { receptor = "gaba", weight = "4 nS", delay = "3 ms" }
[[record]]
what = "v"
of = "cells"
[[record]]
what = "v_dend"
of = "cells"
[[record]]
what = "spikes"
of = "cells"
)";

TEST(CableNetwork, DeliveryMatchesAStandAloneCell) {
  const ModelSpec spec = test::spec_from(kModel);
  ASSERT_TRUE(spec.populations[1].cable);
  auto sim = test::run_model(kModel);
  // the stand-alone cell: events at the source's stamps (ceil(t/dt) dt) plus the delays
  dendrites::CellSpec cell_spec = spec.populations[1].cable->cell;
  const double dt = 0.025;
  dendrites::CableCell cell(cell_spec, dt);
  const std::vector<double> stamps = {2.0, 5.5, 5.525, 6.0, 6.5, 20.0};
  std::vector<double> v_soma{cell.v({0, 0.5})}, v_dend{cell.v({1, 0.8})};
  for (int k = 0; k < 1600; ++k) {
    cell.step();
    v_soma.push_back(cell.v({0, 0.5}));
    v_dend.push_back(cell.v({1, 0.8}));
    const double t = (k + 1) * dt;  // events arriving at t act from the step starting there
    for (double s : stamps) {
      if (std::fabs(s + 1.0 - t) < 0.5 * dt) cell.deliver(0, 0.006);
      if (std::fabs(s + 3.0 - t) < 0.5 * dt) cell.deliver(1, 0.004);
    }
  }
  for (size_t j = 0; j < 2; ++j) {
    const auto v = test::trace(*sim, "cells", "v", j);
    const auto vd = test::trace(*sim, "cells", "v_dend", j);
    ASSERT_GE(v.size(), 1600u);
    // sample k of the recorder is v at t = k dt
    for (size_t k = 0; k < 1600; ++k) {
      ASSERT_NEAR(v[k], v_soma[k], 1e-9) << "cell " << j << " t = " << k * dt;
      ASSERT_NEAR(vd[k], v_dend[k], 1e-9) << "cell " << j << " t = " << k * dt;
    }
  }
  // the burst at 5.5-6.5 ms fires each cell once (soma above -20 mV); the spike times lie
  // where the stand-alone soma crosses -20 mV
  const auto trains = test::spike_trains(*sim, "cells");
  std::vector<double> expected;
  for (size_t k = 0; k + 1 < v_soma.size(); ++k)
    if (v_soma[k] < -20 && v_soma[k + 1] >= -20)
      expected.push_back(dt * (k + (-20 - v_soma[k]) / (v_soma[k + 1] - v_soma[k])));
  ASSERT_FALSE(expected.empty());
  for (size_t j = 0; j < 2; ++j) {
    ASSERT_EQ(trains[j].size(), expected.size());
    for (size_t s = 0; s < expected.size(); ++s) EXPECT_NEAR(trains[j][s], expected[s], 1e-6);
  }
}

// A network stimulus (step_current) enters at the population's current_site exactly as the
// same current through an IClamp there; a [[population.vclamp]] is NEURON's SEClamp of the
// stand-alone cell, its recorded current the clamp's (pA). Each applies to the members it
// names only.
TEST(CableNetwork, StimuliAndClampsMatchAStandAloneCell) {
  std::string model = kModel;
  const std::string mechanism = "[[population.mechanism]]";
  model.insert(model.find(mechanism), R"(current_site = { section = "dend", x = 0.5 }
[[population.iclamp]]
section = "dend"
x = 0.5
delay = "5 ms"
duration = "20 ms"
amplitude = "150 pA"
neurons = [1]
[[population.vclamp]]
name = "i_vc"
section = "soma"
rs = "0.05 MOhm"
levels = ["-65 mV", "-20 mV", "-70 mV"]
durations = ["10 ms", "15 ms", "10 ms"]
neurons = [2]
)");
  model.replace(model.find("size = 2\nmodel = \"cable\""), 8, "size = 3");
  model += R"([[stimulus]]
kind = "step_current"
to = "cells"
neurons = [0]
times = ["0 ms", "5 ms", "25 ms"]
amplitudes = ["0 pA", "150 pA", "0 pA"]
[[record]]
what = "i_stim"
of = "cells"
[[record]]
what = "i_vc"
of = "cells"
)";
  const ModelSpec spec = test::spec_from(model);
  auto sim = test::run_model(model);
  const double dt = 0.025;
  const auto events = [&](dendrites::CableCell& cell, int k) {
    const double t = (k + 1) * dt;
    for (double s : {2.0, 5.5, 5.525, 6.0, 6.5, 20.0}) {
      if (std::fabs(s + 1.0 - t) < 0.5 * dt) cell.deliver(0, 0.006);
      if (std::fabs(s + 3.0 - t) < 0.5 * dt) cell.deliver(1, 0.004);
    }
  };
  // cells 0 (stimulus) and 1 (iclamp) against the stand-alone cell with the IClamp
  dendrites::CellSpec with_iclamp = spec.populations[1].cable->cell;
  with_iclamp.iclamps.push_back({.where = {1, 0.5}, .delay = 5, .dur = 20, .amp = 0.15});
  dendrites::CableCell a(with_iclamp, dt);
  dendrites::CellSpec with_vclamp = spec.populations[1].cable->cell;
  with_vclamp.seclamps.push_back(
      {.where = {0, 0.5}, .rs = 0.05, .dur = {10, 15, 10}, .amp = {-65, -20, -70}});
  dendrites::CableCell b(with_vclamp, dt);
  const auto v0 = test::trace(*sim, "cells", "v", 0), v1 = test::trace(*sim, "cells", "v", 1);
  const auto v2 = test::trace(*sim, "cells", "v", 2);
  const auto i0 = test::trace(*sim, "cells", "i_stim", 0);
  const auto ivc = test::trace(*sim, "cells", "i_vc", 2),
             ivc0 = test::trace(*sim, "cells", "i_vc", 0);
  ASSERT_GE(v0.size(), 1600u);
  double peak = -1e9;
  for (int k = 0; k < 1599; ++k) {
    a.step();
    b.step();
    events(a, k);
    events(b, k);
    ASSERT_EQ(v0[k + 1], a.v({0, 0.5})) << "t = " << (k + 1) * dt;
    ASSERT_EQ(v1[k + 1], a.v({0, 0.5})) << "t = " << (k + 1) * dt;
    ASSERT_EQ(v2[k + 1], b.v({0, 0.5})) << "t = " << (k + 1) * dt;
    ASSERT_NEAR(ivc[k + 1], 1e3 * b.seclamp_current()[0], 1e-9) << "t = " << (k + 1) * dt;
    ASSERT_EQ(ivc0[k + 1], 0.0);
    peak = std::max(peak, v0[k + 1]);
  }
  EXPECT_GT(peak, 0.0) << "the current makes the cell fire";
  EXPECT_EQ(i0[100], 0.0);                           // 2.5 ms
  EXPECT_EQ(i0[400], 150.0);                         // 10 ms
  EXPECT_NEAR(v2[800], -20.0, 0.5);                  // 20 ms: clamped
  EXPECT_GT(std::fabs(ivc[400] - ivc[1300]), 10.0);  // the clamp works: its current moves
}

// engram fi on a cable population: the file's clamps are on particular members, the f-I
// experiment makes its own, so it runs the cell without them: every current then gives the
// spikes of a lone cell with that current and no clamp.
TEST(CableNetwork, FiCurveRunsTheCellWithoutTheFilesClamps) {
  NeuronSource src;
  src.model_or_file = test::source_path("examples/cable_clamps.toml");
  src.population = "cells";
  const NeuronModel m = load_neuron(src);
  const auto& cable = *m.spec.populations.at(static_cast<size_t>(m.pop)).cable;
  EXPECT_TRUE(cable.iclamps.empty());
  EXPECT_TRUE(cable.vclamps.empty());
  EXPECT_EQ(find_index(cable.info.state, "i_vc"), -1);
  const std::vector<double> currents = {0, 20, 200};  // neuron 1 had an iclamp, 2 a vclamp
  const auto trains = run_currents(m.spec, m.pop, currents, 100.0);
  EXPECT_TRUE(trains[0].empty());
  EXPECT_TRUE(trains[1].empty()) << "20 pA is below the rheobase (39 pA)";
  EXPECT_GT(trains[2].size(), 5u) << "200 pA fires repetitively (a clamp would stop it)";
}

TEST(CableNetwork, SameSpikesForOneAndTwoThreads) {
  const std::string path = "examples/ball_and_stick_network.toml";
  auto one = test::run_file(path, {{"protocol.duration", "\"150 ms\""}});
  auto two = test::run_file(path, {{"protocol.duration", "\"150 ms\""}, {"protocol.threads", "2"}});
  for (const char* pop : {"cells", "inter"}) {
    const auto a = test::spike_trains(*one, pop), b = test::spike_trains(*two, pop);
    EXPECT_EQ(a, b) << pop;
    size_t n = 0;
    for (const auto& t : a) n += t.size();
    EXPECT_GT(n, 20u) << pop;  // the network is active
  }
  EXPECT_EQ(test::trace(*one, "cells", "v_dend", 1), test::trace(*two, "cells", "v_dend", 1));
}

// Every plasticity rule that applies to point neurons applies to a synapse site on the tree:
// the rule sees the site as a receptor port and the cells' threshold crossings as post
// spikes. Each rule moves the weights (or, for STP, the delivered efficacy, visible in the
// dendrite's potential) and gives the same bits on one and two threads.
struct RuleCase {
  const char* name;
  const char* tables;  // [projection.synapse.*] of the plastic projection
  bool moves_weights;
};

std::string plastic_cable_model(const RuleCase& c) {
  std::string model = kModel;
  const std::string old_duration = "duration = \"40 ms\"";
  model.replace(model.find(old_duration), old_duration.size(), "duration = \"400 ms\"");
  model += R"(
[[population]]
name = "noise"
size = 40
model = "poisson_source"
params = { rate = "40 Hz" }
[[population]]
name = "da"
size = 1
model = "spike_source"
spike_times = ["100 ms", "200 ms", "300 ms"]
[[projection]]
from = "noise"
to = "cells"
connect = { rule = "all_to_all" }
[projection.synapse]
receptor = "ampa"
weight = "1.5 nS"
delay = "1 ms"
)";
  return model + c.tables;
}

class CablePlasticity : public ::testing::TestWithParam<RuleCase> {};

TEST_P(CablePlasticity, RuleActsOnADendriticSiteAndIsThreadInvariant) {
  const RuleCase& c = GetParam();
  const std::string model = plastic_cable_model(c);
  auto one = test::run_model(model);
  auto two = test::run_model(model, {{"protocol.threads", "2"}});
  size_t spikes = 0;
  for (const auto& t : test::spike_trains(*one, "cells")) spikes += t.size();
  EXPECT_GE(spikes, 4u) << "the cells fire: there are post spikes";
  EXPECT_EQ(test::spike_trains(*one, "cells"), test::spike_trains(*two, "cells"));
  EXPECT_EQ(test::trace(*one, "cells", "v_dend", 1), test::trace(*two, "cells", "v_dend", 1));
  const auto w1 = gather_connections(one->network(), 2), w2 = gather_connections(two->network(), 2);
  ASSERT_EQ(w1.size(), 80u);
  size_t moved = 0;
  for (size_t k = 0; k < w1.size(); ++k) {
    EXPECT_EQ(w1.weight[k], w2.weight[k]);
    moved += std::fabs(w1.weight[k] - 1.5) > 1e-4;
  }
  if (c.moves_weights) {
    EXPECT_GT(moved, 20u) << c.name;
  } else {
    // short-term depression leaves the weights and shrinks what each spike delivers
    EXPECT_EQ(moved, 0u) << c.name;
    auto fixed = test::run_model(plastic_cable_model({"static", "", false}));
    EXPECT_NE(test::trace(*one, "cells", "v_dend", 1), test::trace(*fixed, "cells", "v_dend", 1));
  }
}

INSTANTIATE_TEST_SUITE_P(Rules, CablePlasticity,
                         ::testing::Values(RuleCase{"pair", R"([projection.synapse.plasticity]
rule = "stdp_pair"
a_plus = 0.05
a_minus = 0.04
w_max = "3 nS"
)",
                                                    true},
                                           RuleCase{"triplet", R"([projection.synapse.plasticity]
rule = "stdp_triplet"
a2_plus = 0.05
a3_plus = 0.05
a2_minus = 0.04
a3_minus = 0.0
w_max = "3 nS"
)",
                                                    true},
                                           RuleCase{"dopamine", R"([projection.synapse.plasticity]
rule = "stdp_dopamine"
a_plus = 0.05
a_minus = 0.04
w_max = "3 nS"
dopamine = { from = "da", tau = "200 ms", amount = 0.5 }
)",
                                                    true},
                                           RuleCase{"scaling", R"([projection.synapse.scaling]
target_rate = "1 Hz"
beta = 0.05
interval = "100 ms"
w_max = "3 nS"
)",
                                                    true},
                                           RuleCase{"stp", R"([projection.synapse.stp]
U = 0.5
tau_rec = "800 ms"
)",
                                                    false}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace engram
