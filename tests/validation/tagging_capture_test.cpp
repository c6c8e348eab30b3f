// Synaptic tagging and capture (VALIDATION.md §10; Frey & Morris 1997 protocols) with
// synapse.consolidation, pair STDP inducing the early phase: five independent groups, each a
// target population with its own input pathways, run for 8 h of biological time.
//   weak:    weak tetanus (WTET, 21 pulses at 100 Hz) alone → early LTP that decays
//   strong:  strong tetanus (STET, 3 × 100 pulses at 100 Hz, 10 min apart) → late LTP
//   capture: STET on path 1, WTET on path 2 30 min after its last train → path 2 captured
//   far:     WTET on path 2 at 10 min, STET on path 1 six hours later → not captured
//   blocked: STET with protein synthesis blocked for 4 h → only early LTP
// The published parameter values (Li et al. 2016; Luboeinski & Tetzlaff 2021); one 20 mV
// synapse per pathway and target makes the target fire at each pulse.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cmath>

#include "engram/io/connection_table.hpp"
#include "test_support.hpp"

namespace engram {
namespace {

constexpr double kMin = 60e3;  // ms
constexpr double kH0 = 20;     // mV, the baseline weight

std::string times(double start, int pulses) {
  std::string s;
  for (int k = 0; k < pulses; ++k)
    s += fmt::format("{}{:g}", s.empty() ? "" : ", ", start + 10.0 * k);
  return s;
}
std::string wtet(double start) {
  return times(start, 21);
}
std::string stet(double start) {
  return times(start, 100) + ", " + times(start + 10 * kMin, 100) + ", " +
         times(start + 20 * kMin, 100);
}

// Pathways (name, target group, spike times) in the order of their projections and records.
struct Path {
  std::string name, group, spikes;
};
std::vector<Path> paths() {
  return {{"weak", "g_weak", wtet(10 * kMin)},        {"strong", "g_strong", stet(10 * kMin)},
          {"capture1", "g_capture", stet(10 * kMin)}, {"capture2", "g_capture", wtet(60 * kMin)},
          {"far1", "g_far", stet(360 * kMin)},        {"far2", "g_far", wtet(10 * kMin)},
          {"blocked", "g_blocked", stet(10 * kMin)}};
}

std::string model(const std::string& duration) {
  std::string m = fmt::format(R"(
[protocol]
dt = "2 ms"
duration = "{}"
seed = 3
)",
                              duration);
  for (const char* g : {"g_weak", "g_strong", "g_capture", "g_far", "g_blocked"})
    m += fmt::format(R"(
[[population]]
name = "{}"
size = 2
model = "lif_psc_delta"
params = {{ tau_m = "20 ms", e_l = "0 mV", v_thresh = "15 mV", v_reset = "0 mV", t_ref = "2 ms" }}
)",
                     g);
  for (const auto& p : paths())
    m += fmt::format(R"(
[[population]]
name = "src_{0}"
size = 1
model = "spike_source"
spike_times = [{1}]

[[projection]]
name = "{0}"
from = "src_{0}"
to = "{2}"
connect = {{ rule = "all_to_all" }}
[projection.synapse]
weight = "{3} mV"
delay = "2 ms"
[projection.synapse.plasticity]
rule = "stdp_pair"
a_plus = 0.01
a_minus = 0.01
w_max = "{4} mV"
[projection.synapse.consolidation]
interval = "1 s"
{5}
)",
                     p.name, p.spikes, p.group, kH0, 3 * kH0,
                     p.group == "g_blocked" ? "block_synthesis = [\"0 h\", \"4 h\"]" : "");
  for (const auto& p : paths())
    m += fmt::format("\n[[record]]\nwhat = \"weights\"\nof = \"{}\"\ninterval = \"10 min\"\n",
                     p.name);
  return m;
}

// Mean weight / baseline of each pathway at each 10-minute sample.
std::vector<std::vector<double>> courses(const Simulation& sim) {
  std::vector<std::vector<double>> out;
  for (const auto& r : sim.weight_recorders().recordings()) {
    const size_t n = r.source.size();
    std::vector<double> c;
    for (size_t i = 0; i * n < r.data.size(); ++i) {
      double sum = 0;
      for (size_t k = 0; k < n; ++k) sum += r.data[i * n + k];
      c.push_back(sum / n / kH0);
    }
    out.push_back(c);
  }
  return out;
}

TEST(TaggingAndCapture, FreyMorrisProtocols) {
  auto sim = test::run_model(model("8 h"));
  const auto c = courses(*sim);
  ASSERT_EQ(c.size(), 7u);
  ASSERT_EQ(c[0].size(), 49u);              // 0, 10, ..., 480 min
  const double tau_early = 6.884e6 / kMin;  // min
  const auto at = [](const std::vector<double>& v, double minutes) {
    return v[static_cast<size_t>(std::lround(minutes / 10))];
  };
  // weak alone: early LTP of tens of % (fails if the induction is lost or doubled) ...
  const auto& weak = c[0];
  const double peak = at(weak, 20) - 1;
  EXPECT_GT(peak, 0.2);
  EXPECT_LT(peak, 0.6);
  // ... that decays exactly as e^(-t/tau_early) (no late phase: no protein), back to
  // baseline within hours (fails on a wrong decay rate or a spurious capture)
  for (double t : {60.0, 180.0, 360.0})
    EXPECT_NEAR(at(weak, t) - 1, peak * std::exp(-(t - 20) / tau_early), 2e-3 * peak) << t;
  EXPECT_LT(at(weak, 180) - 1, 0.3 * peak);
  EXPECT_NEAR(at(weak, 480), 1, 0.01);
  // strong: late LTP, stable over the last hours (fails if z decays or never builds)
  const auto& strong = c[1];
  EXPECT_GT(at(strong, 480), 1.6);
  // what it loses over the last 2 h is the rest of its early phase (+11 % at 6 h, e^(-t/tau_early)
  // of the +200 % at the bound), not the late phase
  EXPECT_LT(at(strong, 360) - at(strong, 480), 0.1);
  EXPECT_GT(at(strong, 360) - at(strong, 480), 0.0);
  // capture: the weak pathway next to a strong one keeps a late phase (fails if the protein
  // is not shared by the target's projections)
  EXPECT_GT(at(c[3], 480), 1.3);
  EXPECT_GT(at(c[3], 70) - 1, 0.2);  // it was induced like the weak one
  // far apart: the weak pathway's tag has decayed when the protein comes
  EXPECT_NEAR(at(c[5], 480), 1, 0.02);
  EXPECT_GT(at(c[4], 480), 1.6);  // while its strong neighbour consolidates
  // blocked: early LTP as large as the strong one's, then back to baseline
  const auto& blocked = c[6];
  EXPECT_GT(at(blocked, 40), 2.5);
  EXPECT_LT(at(blocked, 480), 1.06);  // early phase e^(-7.5 h / tau_early) of +150 %
  for (size_t p = 0; p < c.size(); ++p)
    fmt::print("{}: {:.3f} at 1 h, {:.3f} at 3 h, {:.3f} at 8 h\n", paths()[p].name, at(c[p], 60),
               at(c[p], 180), at(c[p], 480));
}

// Same seed → the same weights bitwise on 1 and 2 threads (the protein sums run over each
// shard's synapses in a fixed order).
TEST(TaggingAndCapture, SameOnTwoThreads) {
  auto one = test::run_model(model("75 min"));
  auto two = test::run_model(model("75 min"), {{"protocol.threads", "2"}});
  for (uint32_t j = 0; j < paths().size(); ++j) {
    const auto a = gather_connections(one->network(), j), b = gather_connections(two->network(), j);
    ASSERT_EQ(a.size(), b.size());
    for (size_t k = 0; k < a.size(); ++k) ASSERT_EQ(a.weight[k], b.weight[k]) << j << " " << k;
  }
}

}  // namespace
}  // namespace engram
