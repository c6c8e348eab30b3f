// Cable cells (model "cable") in the engine: spikes from a population reach the synapse
// site a projection names, at the spike's time plus its delay, exactly as events delivered
// to a stand-alone CableCell (whose synapses are validated against NEURON in
// tests/dendrites/synapse_test.cpp); threshold detection; probes; results independent of
// the thread count; the example network runs.
#include <cmath>

#include <gtest/gtest.h>

#include "engram/dendrites/cable_population.hpp"
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

TEST(CableNetwork, StdpActsOnADendriticSynapse) {
  // Pair STDP onto a synapse site works as onto a point neuron's port: the post spikes are
  // the cells' threshold crossings, and the weights move from where they started.
  std::string model = kModel;
  const std::string old_duration = "duration = \"40 ms\"";
  model.replace(model.find(old_duration), old_duration.size(), "duration = \"300 ms\"");
  model += R"(
[[population]]
name = "noise"
size = 40
model = "poisson_source"
params = { rate = "40 Hz" }
[[projection]]
from = "noise"
to = "cells"
connect = { rule = "all_to_all" }
[projection.synapse]
receptor = "ampa"
weight = "1.5 nS"
delay = "1 ms"
[projection.synapse.plasticity]
rule = "stdp_pair"
tau_plus = "20 ms"
tau_minus = "20 ms"
a_plus = 0.05
a_minus = 0.04
w_min = "0 nS"
w_max = "3 nS"
)";
  auto sim = test::run_model(model);
  size_t spikes = 0;
  for (const auto& t : test::spike_trains(*sim, "cells")) spikes += t.size();
  EXPECT_GT(spikes, 4u);
  const Projection& p = sim->network().shard(0, 2);
  ASSERT_EQ(p.weight.size(), 80u);
  size_t moved = 0;
  for (float w : p.weight) {
    EXPECT_GE(w, 0.0f);
    EXPECT_LE(w, 3.0f);
    moved += std::fabs(w - 1.5f) > 1e-3f;
  }
  EXPECT_GT(moved, 40u);
}

}  // namespace
}  // namespace engram
