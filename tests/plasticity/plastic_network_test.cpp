// Plastic projections through the whole engine: model file -> network -> run. The final
// weights must equal the eager reference applied to the recorded spike trains, for any
// number of threads; STP must shape the delivered input; phases must freeze; bad plasticity
// input is refused with the key and the expected value.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <random>

#include "engram/core/error.hpp"
#include "engram/io/connection_table.hpp"
#include "stdp_reference.hpp"
#include "test_support.hpp"

namespace engram {
namespace {

// 6 presynaptic spike sources at random times, 4 LIF neurons driven by Poisson input, all to
// all with the given plasticity table; every spike recorded.
std::string plastic_model(const std::string& plasticity, const std::string& protocol_extra = "") {
  std::mt19937_64 rng(11);
  std::bernoulli_distribution fire(0.002);  // 20 Hz at 0.1 ms
  std::string trains;
  for (int i = 0; i < 6; ++i) {
    std::string t;
    for (int s = 0; s < 20000; ++s)
      if (fire(rng)) t += fmt::format("{}\"{:.1f} ms\"", t.empty() ? "" : ", ", (s + 1) * 0.1);
    trains += fmt::format("{}[{}]", i ? ", " : "", t);
  }
  return fmt::format(R"(
[protocol]
dt = "0.1 ms"
duration = "2 s"
seed = 3
{}

[[population]]
name = "pre"
size = 6
model = "spike_source"
spike_times = [{}]

[[population]]
name = "post"
size = 4
model = "lif_psc_delta"
params = {{ tau_m = "20 ms", e_l = "0 mV", v_thresh = "20 mV", v_reset = "10 mV", t_ref = "2 ms" }}

[[projection]]
name = "plastic"
from = "pre"
to = "post"
connect = {{ rule = "all_to_all" }}
[projection.synapse]
weight = "0.5 mV"
delay = "2 ms"
{}

[[stimulus]]
kind = "poisson"
to = "post"
rate = "20 Hz"
inputs = 1000
weight = "1.1 mV"

[[record]]
what = "spikes"
of = "pre"

[[record]]
what = "spikes"
of = "post"
)",
                     protocol_extra, trains, plasticity);
}

const char* kPair = R"([projection.synapse.plasticity]
rule = "stdp_pair"
tau_plus = "16.8 ms"
tau_minus = "33.7 ms"
a_plus = 0.02
a_minus = 0.021
w_max = "1 mV"
)";

std::vector<test::StdpEvent> events_of(const std::vector<double>& pre,
                                       const std::vector<double>& post, double dt) {
  std::vector<test::StdpEvent> ev;
  // a spike stamped (s+1)·dt happened in step s
  for (double t : pre) ev.push_back({std::llround(t / dt) - 1, false});
  for (double t : post) ev.push_back({std::llround(t / dt) - 1, true});
  return ev;
}

void expect_reference_weights(const Simulation& sim, const StdpSpec& rule, double w0) {
  const auto pre = test::spike_trains(sim, "pre");
  const auto post = test::spike_trains(sim, "post");
  const ConnectionTable table = gather_connections(sim.network(), 0);
  ASSERT_EQ(table.size(), 24u);
  double moved = 0;
  for (size_t k = 0; k < table.size(); ++k) {
    const auto i = table.source[k], j = table.target[k];
    ASSERT_GT(post[j].size(), 10u) << "the post neurons must fire for the test to mean much";
    const double expected =
        test::stdp_reference(rule, w0, events_of(pre[i], post[j], sim.network().dt), 0.1);
    EXPECT_NEAR(table.weight[k], expected, 1e-5) << "synapse " << i << " -> " << j;
    moved = std::max(moved, std::fabs(expected - w0));
  }
  EXPECT_GT(moved, 0.05);
}

TEST(PlasticNetwork, FinalWeightsFollowTheRecordedSpikes) {
  auto sim = test::run_model(plastic_model(kPair));
  expect_reference_weights(*sim, sim->spec().projections[0].stdp, 0.5);
}

TEST(PlasticNetwork, SameWeightsOnTwoThreads) {
  // (two threads meet once per 2 ms delay: a short run keeps the test quick on busy cores)
  auto one = test::run_model(plastic_model(kPair), {{"protocol.duration", "1 s"}});
  auto two = test::run_model(plastic_model(kPair),
                             {{"protocol.threads", "2"}, {"protocol.duration", "1 s"}});
  const auto a = gather_connections(one->network(), 0), b = gather_connections(two->network(), 0);
  ASSERT_EQ(a.size(), b.size());
  for (size_t k = 0; k < a.size(); ++k) EXPECT_EQ(a.weight[k], b.weight[k]) << k;
  expect_reference_weights(*two, two->spec().projections[0].stdp, 0.5);
}

TEST(PlasticNetwork, TripletRuleThroughTheEngine) {
  auto sim = test::run_model(plastic_model(R"([projection.synapse.plasticity]
rule = "stdp_triplet"
a2_plus = 5e-10
a3_plus = 6.2e-2
a2_minus = 7e-2
a3_minus = 2.3e-3
w_max = "1 mV"
)"));
  expect_reference_weights(*sim, sim->spec().projections[0].stdp, 0.5);
}

TEST(PlasticNetwork, FrozenPhaseKeepsTheWeights) {
  // train 1 s, then test 1 s with plasticity 0: the weights at 1 s and 2 s are equal
  const std::string phases = R"(
[[protocol.phase]]
name = "train"
duration = "1 s"
[[protocol.phase]]
name = "test"
duration = "1 s"
plasticity = 0
)";
  std::string model = plastic_model(kPair, phases);
  model.replace(model.find("duration = \"2 s\"\n"), 17, "");
  model += R"(
[[record]]
what = "weights"
of = "plastic"
interval = "500 ms"
)";
  auto sim = test::run_model(model);
  const auto& recs = sim->weight_recorders().recordings();
  ASSERT_EQ(recs.size(), 1u);
  const auto& r = recs[0];
  ASSERT_EQ(r.samples, 5u);  // 0, 0.5, 1, 1.5, 2 s
  const size_t n = r.source.size();
  ASSERT_EQ(n, 24u);
  double moved = 0;
  for (size_t k = 0; k < n; ++k) {
    EXPECT_EQ(r.data[0 * n + k], 0.5f);
    moved = std::max(moved, std::fabs(r.data[2 * n + k] - 0.5));
    EXPECT_EQ(r.data[2 * n + k], r.data[3 * n + k]) << k;
    EXPECT_EQ(r.data[2 * n + k], r.data[4 * n + k]) << k;
  }
  EXPECT_GT(moved, 0.02) << "the training phase changed the weights";
  // the reference over the training phase only
  auto train = test::run_model(plastic_model(kPair), {{"protocol.duration", "1 s"}});
  const auto table = gather_connections(train->network(), 0);
  for (size_t k = 0; k < n; ++k) EXPECT_EQ(static_cast<float>(table.weight[k]), r.data[2 * n + k]);
}

TEST(PlasticNetwork, ShortTermDepressionShapesTheInput) {
  // one source firing at 20 Hz onto a non-spiking neuron through a depressing synapse: the
  // recorded jumps of v follow the Tsodyks-Markram recursion (U 0.5, tau_rec 800 ms)
  const std::string model = R"(
[protocol]
dt = "0.1 ms"
duration = "260 ms"

[[population]]
name = "pre"
size = 1
model = "spike_source"
spike_times = ["10 ms", "60 ms", "110 ms", "160 ms", "210 ms"]

[[population]]
name = "post"
size = 1
model = "lif_psc_delta"
params = { tau_m = "1e9 ms", e_l = "0 mV", v_thresh = "1000 mV", v_reset = "0 mV", t_ref = "2 ms" }

[[projection]]
from = "pre"
to = "post"
connect = { rule = "all_to_all" }
synapse = { weight = "1 mV", delay = "1 ms", stp = { U = 0.5, tau_rec = "800 ms" } }

[[record]]
what = "v"
of = "post"
interval = "0.1 ms"
)";
  auto sim = test::run_model(model);
  const auto v = test::trace(*sim, "post", "v");
  // v after all jumps: the sum of A_n = U R_n (the membrane does not leak at tau 1e9 ms)
  double r = 1, expected = 0;
  for (int n = 0; n < 5; ++n) {
    if (n > 0) r = 1 - (1 - r * 0.5) * std::exp(-50.0 / 800);
    expected += 0.5 * r;
  }
  EXPECT_NEAR(v.back(), expected, 1e-5);
  EXPECT_LT(v.back(), 0.5 * 5 * 0.75) << "depressed well below 5 undepressed jumps";
}

void expect_input_error(const std::string& model, const std::string& fragment);

TEST(PlasticNetwork, DopamineFromAPopulationGatesTheChange) {
  // the same spikes with and without dopamine releases: only with them do weights move, and
  // the result is the same on two threads
  const std::string rule = R"([projection.synapse.plasticity]
rule = "stdp_dopamine"
a_plus = 0.01
a_minus = 0.012
tau_c = "1 s"
w_max = "1 mV"
dopamine = { from = "da", tau = "200 ms", amount = 0.5 }
)";
  auto with_da = [&](const std::string& times) {
    std::string m = plastic_model(rule);
    m += "\n[[population]]\nname = \"da\"\nsize = 1\nmodel = \"spike_source\"\nspike_times = [" +
         times + "]\n";
    return m;
  };
  auto quiet = test::run_model(with_da(""));
  auto rewarded = test::run_model(with_da("\"500 ms\", \"1200 ms\", \"1900 ms\""));
  auto rewarded2 =
      test::run_model(with_da("\"500 ms\", \"1200 ms\", \"1900 ms\""), {{"protocol.threads", "2"}});
  const auto q = gather_connections(quiet->network(), 0);
  const auto r = gather_connections(rewarded->network(), 0);
  const auto r2 = gather_connections(rewarded2->network(), 0);
  double moved = 0;
  for (size_t k = 0; k < q.size(); ++k) {
    EXPECT_EQ(q.weight[k], 0.5);
    EXPECT_EQ(r.weight[k], r2.weight[k]);
    moved = std::max(moved, std::fabs(r.weight[k] - 0.5));
  }
  EXPECT_GT(moved, 1e-3);
  expect_input_error(plastic_model(R"([projection.synapse.plasticity]
rule = "stdp_dopamine"
a_plus = 0.01
a_minus = 0.012
w_max = "1 mV"
dopamine = { from = "dopa" }
)"),
                     "no population or [[reward]] named 'dopa'");
}

void expect_input_error(const std::string& model, const std::string& fragment) {
  try {
    test::spec_from(model);
    ADD_FAILURE() << "accepted; expected an error containing: " << fragment;
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(PlasticNetwork, BadPlasticityInputNamesTheKey) {
  auto with = [](const std::string& table) { return plastic_model(table); };
  expect_input_error(with("[projection.synapse.plasticity]\nrule = \"stdp_pairs\"\n"
                          "a_plus = 0.01\na_minus = 0.01\nw_max = \"1 mV\"\n"),
                     "did you mean 'stdp_pair'");
  expect_input_error(with("[projection.synapse.plasticity]\nrule = \"stdp_pair\"\n"
                          "a_plus = 0.01\na_minus = 0.01\n"),
                     "plasticity.w_max");
  expect_input_error(with("[projection.synapse.plasticity]\nrule = \"stdp_pair\"\n"
                          "a_plus = -0.01\na_minus = 0.01\nw_max = \"1 mV\"\n"),
                     "must be >= 0");
  expect_input_error(with("[projection.synapse.plasticity]\nrule = \"stdp_pair\"\n"
                          "a_plus = 0.01\na_minus = 0.01\nw_max = \"1 nS\"\n"),
                     "w_max");
  expect_input_error(with("[projection.synapse.plasticity]\nrule = \"stdp_pair\"\n"
                          "a_plus = 0.01\na_minus = 0.01\nw_max = \"0.2 mV\"\n"),
                     "outside the plasticity bounds");
  expect_input_error(
      with("[projection.synapse.plasticity]\nrule = \"stdp_pair\"\n"
           "a_plus = 0.01\na_minus = 0.01\nw_max = \"1 mV\"\ntau_pluss = \"1 ms\"\n"),
      "tau_pluss");
  expect_input_error(with("[projection.synapse.stp]\nU = 1.5\ntau_rec = \"100 ms\"\n"),
                     "must be in (0, 1]");
  expect_input_error(with("[projection.synapse.stp]\nU = 0.5\n"), "tau_rec");
  std::string bad_record =
      plastic_model(kPair) + "\n[[record]]\nwhat = \"weights\"\nof = \"plastik\"\n";
  expect_input_error(bad_record, "did you mean 'plastic'");
  std::string bad_phase = plastic_model(kPair, "[[protocol.phase]]\nduration = \"1 s\"\n");
  expect_input_error(bad_phase, "the phases add up to 1000 ms");
}

}  // namespace
}  // namespace engram

namespace engram {
namespace {

TEST(Reward, PairingWithinTheWindowReleasesDopamineAfterTheDelay) {
  const std::string model = R"(
[protocol]
dt = "0.1 ms"
duration = "3 s"

[[population]]
name = "a"
size = 2
model = "spike_source"
spike_times = [["100 ms", "500 ms", "900 ms"], ["105 ms", "520 ms", "899 ms"]]

[[population]]
name = "cell"
size = 1
model = "lif_psc_delta"

[[reward]]
name = "r"
pre = { of = "a", neuron = 0 }
post = { of = "a", neuron = 1 }
window = "10 ms"
delay = "1 s"

[[projection]]
from = "a"
to = "cell"
connect = { rule = "all_to_all" }
[projection.synapse]
weight = "0.1 mV"
[projection.synapse.plasticity]
rule = "stdp_dopamine"
a_plus = 0.01
a_minus = 0.01
w_max = "1 mV"
dopamine = { from = "r" }
)";
  auto sim = test::run_model(model);
  const auto counts = sim->reward_counts();
  ASSERT_EQ(counts.size(), 1u);
  // 100 -> 105 ms pairs; 500 -> 520 ms is outside the window; 899 ms comes before 900 ms
  EXPECT_EQ(counts[0].pairings, 1u);
  EXPECT_EQ(counts[0].releases, 1u);
  ASSERT_EQ(counts[0].release_ms.size(), 1u);
  EXPECT_NEAR(counts[0].release_ms[0], 1105.0, 0.11);
  // the same with two threads
  auto two = test::run_model(model, {{"protocol.threads", "2"}});
  EXPECT_EQ(two->reward_counts()[0].release_ms, counts[0].release_ms);
  expect_input_error(model +
                         "\n[[reward]]\nname = \"r2\"\npre = { of = \"a\", neuron = 0 }\n"
                         "post = { of = \"a\", neuron = 5 }\ndelay = \"1 s\"\n",
                     "must be in [0, 2)");
}

}  // namespace
}  // namespace engram
