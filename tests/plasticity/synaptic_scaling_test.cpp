// Homeostatic synaptic scaling: neurons with very different input strengths are brought to
// the target rate (within 10 %), while without scaling their rates stay spread; the
// multiplicative step matches its definition; the rule is thread-invariant.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "engram/io/connection_table.hpp"
#include "test_support.hpp"

namespace engram {
namespace {

std::string scaled_model(bool scaling, const std::string& duration = "60 s") {
  return fmt::format(R"(
[protocol]
dt = "0.1 ms"
duration = "{}"
seed = 5

[[population]]
name = "in"
size = 200
model = "poisson_source"
params = {{ rate = "10 Hz" }}

[[population]]
name = "out"
size = 30
model = "lif_psc_delta"
params = {{ tau_m = "20 ms", e_l = "0 mV", v_thresh = "20 mV", v_reset = "10 mV", t_ref = "2 ms" }}

[[projection]]
name = "drive"
from = "in"
to = "out"
connect = {{ rule = "fixed_indegree", k = 60 }}
[projection.synapse]
weight = {{ uniform = ["0.3 mV", "1.2 mV"] }}
delay = "2 ms"
{}

[[record]]
what = "spikes"
of = "out"
)",
                     duration,
                     scaling ? "[projection.synapse.scaling]\ntarget_rate = \"8 Hz\"\nbeta = 0.02\n"
                               "tau_rate = \"2 s\"\ninterval = \"500 ms\""
                             : "");
}

// Rate of each neuron over [from_ms, to_ms).
std::vector<double> rates(const Simulation& sim, double from_ms, double to_ms) {
  std::vector<double> r;
  for (const auto& train : test::spike_trains(sim, "out")) {
    double n = 0;
    for (double t : train) n += (t >= from_ms && t < to_ms) ? 1 : 0;
    r.push_back(n / ((to_ms - from_ms) * 1e-3));
  }
  return r;
}

TEST(SynapticScaling, RatesConvergeToTheTarget) {
  auto sim = test::run_model(scaled_model(true));
  const auto r = rates(*sim, 40000, 60000);
  for (size_t i = 0; i < r.size(); ++i) EXPECT_NEAR(r[i], 8.0, 0.8) << "neuron " << i;
  // without scaling the same network's rates are spread far beyond 10 % (the test can fail)
  auto plain = test::run_model(scaled_model(false, "20 s"));
  const auto p = rates(*plain, 0, 20000);
  double worst = 0;
  for (double x : p) worst = std::max(worst, std::fabs(x - 8.0) / 8.0);
  EXPECT_GT(worst, 0.5);
}

TEST(SynapticScaling, OneStepIsTheMultiplicativeRule) {
  // after the first scaling step (t = 500 ms) every weight of a target is its initial weight
  // times 1 + beta · 0.5 s · (8 Hz - r), r = the trace of the target's spikes at 500 ms
  std::string model = scaled_model(true, "500 ms");
  auto before = test::run_model(scaled_model(false, "500 ms"));
  auto after = test::run_model(model);
  const auto a = gather_connections(before->network(), 0);
  const auto b = gather_connections(after->network(), 0);
  const auto trains = test::spike_trains(*after, "out");
  ASSERT_EQ(a.size(), b.size());
  for (size_t k = 0; k < a.size(); ++k) {
    double trace = 0;  // Hz: sum of e^{-(500 - t)/2000} / 2 s
    for (double t : trains[a.target[k]]) trace += std::exp(-(500.0 - t) / 2000.0) / 2.0;
    const double factor = 1 + 0.02 * 0.5 * (8.0 - trace);
    EXPECT_NEAR(b.weight[k], a.weight[k] * factor, 1e-5 * a.weight[k]) << k;
  }
}

TEST(SynapticScaling, SameOnTwoThreads) {
  auto one = test::run_model(scaled_model(true, "3 s"));
  auto two = test::run_model(scaled_model(true, "3 s"), {{"protocol.threads", "2"}});
  const auto a = gather_connections(one->network(), 0), b = gather_connections(two->network(), 0);
  ASSERT_EQ(a.size(), b.size());
  for (size_t k = 0; k < a.size(); ++k) ASSERT_EQ(a.weight[k], b.weight[k]) << k;
}

}  // namespace
}  // namespace engram
