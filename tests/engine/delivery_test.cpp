// Spike delivery: a spike stamped t with delay d acts at t + d exactly, whatever the delays
// and the min-delay interval at which spikes are exchanged; recorders see what they asked for.
#include <cmath>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace engram {
namespace {

TEST(Delivery, EachSynapseActsAfterItsOwnDelay) {
  // tests/data/delays.csv: source 0 -> targets 0..3 with delays 0.7, 1.2, 2.5, 3 ms; the
  // shortest delay (0.7 ms = 7 steps) sets the exchange interval.
  auto sim = test::run_model(R"(
[protocol]
dt = "0.1 ms"
duration = "10 ms"
[[population]]
name = "src"
size = 1
model = "spike_source"
spike_times = ["1 ms", "4.3 ms"]
[[population]]
name = "n"
size = 4
model = "lif_psc_delta"
params = { tau_m = "1e12 ms", e_l = "0 mV", v_reset = "0 mV", v_thresh = "100 mV", t_ref = "0 ms" }
[[projection]]
from = "src"
to = "n"
connect = { rule = "from_file", file = "delays.csv" }
synapse = { weight = "1 mV" }
[[record]]
what = "v"
of = "n"
)");
  EXPECT_EQ(sim->network().min_delay, 7);
  const double delays[] = {0.7, 1.2, 2.5, 3.0};
  for (size_t j = 0; j < 4; ++j) {
    auto v = test::trace(*sim, "n", "v", j);
    for (size_t k = 0; k < v.size(); ++k) {
      const double t = k * 0.1;
      double expected = 0;
      for (double spike : {1.0, 4.3})
        if (t >= spike + delays[j] - 1e-9) expected += 1.0;
      EXPECT_NEAR(v[k], expected, 1e-9) << "target " << j << " t=" << t;
    }
  }
}

TEST(Recorders, SubsetsAndIntervals) {
  auto sim = test::run_model(R"(
[protocol]
duration = "100 ms"
[[population]]
name = "p"
size = 50
model = "poisson_source"
params = { rate = "200 Hz" }
[[population]]
name = "n"
size = 5
model = "lif_psc_exp"
[[record]]
what = "spikes"
of = "p"
neurons = [3, 7]
[[record]]
what = "spikes"
of = "p"
sample = 2
[[record]]
what = "v"
of = "n"
neurons = [1, 4]
interval = "2.5 ms"
[[record]]
what = "v"
of = "n"
neurons = [0]
interval = "1 ms"
start = "10.5 ms"
stop = "20 ms"
[[record]]
what = "spikes"
of = "n"
start = "50 ms"
)");
  const auto& window = sim->recorders().states()[1];
  EXPECT_EQ(window.first_k, 110);  // first multiple of 1 ms at or after 10.5 ms
  EXPECT_EQ(window.samples, 10u);  // 11, 12, ..., 20 ms
  const auto& rec = sim->recorders().spikes()[0];
  EXPECT_EQ(rec.recorded_neurons, 4u);
  for (uint32_t n : rec.neuron) EXPECT_TRUE(n == 0 || n == 1 || n == 3 || n == 7) << n;
  const auto& st = sim->recorders().states()[0];
  EXPECT_EQ(st.samples, 41u);  // t = 0, 2.5, ..., 100 ms
  EXPECT_EQ(st.data.size(), 82u);
  // the summary's counts cover all neurons, recorded or not
  uint64_t recorded = rec.t_ms.size();
  EXPECT_GT(sim->statistics()[0].total(), recorded);
}

TEST(Simulation, BlowUpStopsWithTheNeuronAndTime) {
  // Exact LIF integration cannot blow up from valid input, so poison one neuron's state as a
  // diverging non-linear model would.
  auto spec = test::spec_from(R"(
[protocol]
duration = "10 ms"
[[population]]
name = "n"
size = 3
model = "lif_psc_exp"
)");
  Simulation sim(spec);
  sim.network().populations[0].group->state(0)[1] = std::nan("");
  try {
    sim.run();
    FAIL() << "expected a RuntimeFailure";
  } catch (const RuntimeFailure& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("population 'n' neuron 1"), std::string::npos) << msg;
    EXPECT_NE(msg.find("t = 0.1 ms"), std::string::npos) << msg;
    EXPECT_NE(msg.find("smaller dt"), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace engram
