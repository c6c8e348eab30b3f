// Gap junctions: two coupled passive neurons against the analytic solution (steady state
// exact, transient first order in dt as the explicit coupling scheme promises); the same
// spikes for one and two threads in a coupled spiking network; bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>

#include "engram/core/error.hpp"
#include "test_support.hpp"

namespace engram {
namespace {

// Two lif_psc_exp neurons (populations a and b) (C 250 pF, tau_m 10 ms: g_L 25 nS) without spiking,
// coupled by g = 10 nS; 100 pA into neuron 0 from t = 0.
std::string two_cells(const std::string& dt, const std::string& duration) {
  return R"(
[protocol]
dt = ")" +
         dt + R"("
duration = ")" +
         duration + R"("
[[population]]
name = "a"
size = 1
model = "lif_psc_exp"
params = { c_m = "250 pF", tau_m = "10 ms", e_l = "-70 mV", v_thresh = "100 mV" }
[[population]]
name = "b"
size = 1
model = "lif_psc_exp"
params = { c_m = "250 pF", tau_m = "10 ms", e_l = "-70 mV", v_thresh = "100 mV" }
[[gap_junction]]
from = "a"
to = "b"
connect = { rule = "one_to_one" }
g = "10 nS"
[[stimulus]]
kind = "dc"
to = "a"
amplitude = "100 pA"
[[record]]
what = "v"
of = "a"
[[record]]
what = "v"
of = "b"
)";
}

// With V measured from E_L, s = V0 + V1 relaxes with tau_m and d = V0 - V1 with
// C / (g_L + 2 g): s = I/g_L (1 - e^{-t/tau_m}), d = I/(g_L + 2g) (1 - e^{-t g_L+2g / C}).
double analytic(int neuron, double t) {
  const double c = 250, gl = 25, g = 10, i = 100;
  const double s = i / gl * (1 - std::exp(-t * gl / c));
  const double d = i / (gl + 2 * g) * (1 - std::exp(-t * (gl + 2 * g) / c));
  return -70 + (neuron == 0 ? (s + d) / 2 : (s - d) / 2);
}

TEST(GapJunctions, TwoPassiveCellsReachTheAnalyticSteadyState) {
  auto sim = test::run_model(two_cells("0.1 ms", "300 ms"));
  EXPECT_EQ(sim->gap_junctions().junction_count(), 1u);
  const auto v0 = test::trace(*sim, "a", "v");
  const auto v1 = test::trace(*sim, "b", "v");
  // I (g_L + g) / (g_L (g_L + 2g)) = 3.1111 mV and I g / (g_L (g_L + 2g)) = 0.8889 mV above
  // rest; without the junction neuron 1 would stay at rest and neuron 0 rise by 4 mV
  EXPECT_NEAR(v0.back(), -70 + 100.0 * 35 / (25 * 45), 1e-6);
  EXPECT_NEAR(v1.back(), -70 + 100.0 * 10 / (25 * 45), 1e-6);
}

TEST(GapJunctions, TransientConvergesAtFirstOrder) {
  // the coupling current of a step comes from the potentials at its start: the error of
  // the transient must shrink in proportion to dt (a lag of more than a step, or a sign
  // error, would not converge or would converge to something else)
  double err[2] = {0, 0};
  const char* dts[2] = {"0.1 ms", "0.01 ms"};
  for (int r = 0; r < 2; ++r) {
    auto sim = test::run_model(two_cells(dts[r], "40 ms"));
    const double dt = r == 0 ? 0.1 : 0.01;
    for (int n = 0; n < 2; ++n) {
      const auto v = test::trace(*sim, n == 0 ? "a" : "b", "v");
      for (size_t k = 0; k < v.size(); ++k)
        err[r] = std::max(err[r], std::fabs(v[k] - analytic(n, static_cast<double>(k) * dt)));
    }
  }
  // measured: 1.6e-3 mV at dt 0.1 ms, 1.6e-4 mV at 0.01 ms (of a 3 mV response)
  EXPECT_LT(err[1], 3e-4) << "mV at dt 0.01 ms";
  EXPECT_GT(err[0] / err[1], 8.0);
  EXPECT_LT(err[0] / err[1], 12.0);
}

std::string coupled_network() {
  return R"(
[protocol]
dt = "0.1 ms"
duration = "300 ms"
seed = 7
[[population]]
name = "inh"
size = 60
model = "lif_psc_exp"
params = { c_m = "250 pF", tau_m = "10 ms", e_l = "-70 mV", v_thresh = "-55 mV", v_reset = "-70 mV" }
init = { v = { uniform = ["-70 mV", "-56 mV"] } }
[[gap_junction]]
from = "inh"
to = "inh"
connect = { rule = "fixed_probability", p = 0.1 }
g = { uniform = ["1 nS", "4 nS"] }
[[projection]]
from = "inh"
to = "inh"
connect = { rule = "fixed_probability", p = 0.2 }
synapse = { receptor = "inh", weight = "-20 pA", delay = "1 ms" }
[[stimulus]]
kind = "noise"
to = "inh"
mean = "420 pA"
std = "80 pA"
tau = "2 ms"
[[record]]
what = "spikes"
of = "inh"
)";
}

TEST(GapJunctions, SameSpikesForOneAndTwoThreads) {
  auto one = test::run_model(coupled_network());
  auto two = test::run_model(coupled_network(), {{"protocol.threads", "2"}});
  const auto a = test::spike_trains(*one, "inh"), b = test::spike_trains(*two, "inh");
  size_t n = 0;
  for (const auto& t : a) n += t.size();
  EXPECT_GT(n, 300u);
  EXPECT_EQ(a, b);
  // and the junctions matter: without them the spikes differ
  auto off = test::run_model(coupled_network(), {{"gap_junction.0.g", "\"0 nS\""}});
  EXPECT_NE(test::spike_trains(*off, "inh"), a);
}

TEST(GapJunctions, BadInputIsRefusedWithTheKey) {
  auto expect_error = [](const std::string& text, const std::string& fragment) {
    try {
      test::spec_from(text);
      FAIL() << "accepted: " << fragment;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  const std::string head = R"(
[protocol]
dt = "0.1 ms"
duration = "10 ms"
[[population]]
name = "a"
size = 2
model = "lif_psc_exp"
[[population]]
name = "src"
size = 2
model = "poisson_source"
params = { rate = "10 Hz" }
)";
  // each: the [[gap_junction]] keys after from/to/connect, and what the message must say
  const std::pair<std::string, std::string> cases[] = {
      {"from = \"a\"\ng = \"-1 nS\"", "must be >= 0 nS"},
      {"from = \"src\"\ng = \"1 nS\"", "cannot be coupled by gap junctions"},
      {"from = \"a\"\ng = \"1 mV\"", "g"},
      {"from = \"a\"\ng = \"1 nS\"\ndelay = \"1 ms\"", "delay"},
  };
  for (const auto& [keys, fragment] : cases) {
    const auto nl = keys.find('\n');
    expect_error(head + "\n[[gap_junction]]\n" + keys.substr(0, nl) +
                     "\nto = \"a\"\nconnect = { rule = \"all_to_all\" }\n" + keys.substr(nl + 1) +
                     "\n",
                 fragment);
  }
}

}  // namespace
}  // namespace engram

namespace engram {
namespace {

TEST(GapJunctions, ExampleSynchronisesInterneurons) {
  // examples/gap_junctions.toml: the coupled population fires in step (Fano factor of the
  // population count ~20 over 1 s), the uncoupled twin does not (~1); both fire at tens
  // of Hz. A junction current with the wrong sign, or none, leaves the two alike.
  auto sim = test::run_file("examples/gap_junctions.toml", {{"protocol.duration", "\"400 ms\""}});
  const auto& stats = sim->statistics();
  EXPECT_GT(stats[0].population_fano(), 8.0);
  EXPECT_LT(stats[1].population_fano(), 2.0);
  EXPECT_EQ(sim->gap_junctions().junction_count() > 800, true);
}

}  // namespace
}  // namespace engram
