// The clopath rule (plasticity/clopath_rule.hpp): the lazy engine against the eager per-step
// reference (stdp_reference.hpp), alone on synthetic voltages with the engine's interval
// order and through the whole engine on recorded voltages; the same weights on 1 and 2
// threads; and the model-file errors.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cmath>
#include <random>

#include "engram/core/error.hpp"
#include "engram/io/connection_table.hpp"
#include "engram/plasticity/synapse_dynamics.hpp"
#include "stdp_reference.hpp"
#include "test_support.hpp"

namespace engram {
namespace {

constexpr double kDt = 0.1;
using test::ClopathPost;

StdpSpec clopath_spec() {
  StdpSpec r;
  r.rule = StdpRule::clopath;
  r.tau_x = 15;
  r.a_ltd = 14e-4;  // ten times NEST's: the weights move a lot in a short test
  r.a_ltp = 8e-4;
  r.theta_minus = -70.6;
  r.theta_plus = -45.3;
  r.w_min = 0;
  r.w_max = 1;
  return r;
}

// A target model's state rows, set by the test step by step.
class FakeGroup final : public NeuronGroup {
 public:
  explicit FakeGroup(uint32_t n) : NeuronGroup(n) {
    for (auto& r : rows_) r.assign(n, 0.0);
  }
  void update(const StepInput&, uint32_t, uint32_t, std::vector<uint32_t>&) override {}
  std::span<double> state(size_t index) override { return rows_[index]; }

 private:
  std::array<std::vector<double>, 9> rows_;
};

// Synthetic voltages: rest near -70 mV with noise, "spikes" held at 33 mV for 2 ms, and
// filtered versions (not the model's, any values do for the rule).
std::vector<ClopathPost> synthetic_posts(uint32_t n_post, int64_t n_steps, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0, 3);
  std::bernoulli_distribution spike(0.003);
  std::vector<ClopathPost> out(n_post);
  for (auto& p : out) {
    double up = -70.6, um = -70.6, uu = -70.6;
    int held = 0;
    for (int64_t e = 0; e < n_steps; ++e) {
      if (held == 0 && spike(rng)) held = 20;
      const double u = held > 0 ? 33.0 : -68 + noise(rng);
      held = std::max(0, held - 1);
      up += (u - up) * kDt / 7;
      um += (u - um) * kDt / 10;
      uu += (um - uu) * kDt / 500;
      p.u.push_back(u);
      p.u_plus.push_back(up);
      p.u_minus.push_back(um);
      p.u_bar_bar.push_back(uu);
    }
  }
  return out;
}

// n_pre x n_post all-to-all through SynapseDynamics, driven as the engine does: every step
// of an interval of `m` steps is recorded before its presynaptic spikes are delivered;
// flushes every 500 steps and at the end. Returns the final weights (CSR order).
std::vector<float> run_lazy(const StdpSpec& r, const std::vector<std::vector<int64_t>>& pre,
                            const std::vector<ClopathPost>& post, int64_t n_steps, int64_t m) {
  const auto n_pre = static_cast<uint32_t>(pre.size());
  const auto n_post = static_cast<uint32_t>(post.size());
  Projection pr;
  for (uint32_t i = 0; i <= n_pre; ++i) pr.row_offset.push_back(i * n_post);
  for (uint32_t i = 0; i < n_pre; ++i)
    for (uint32_t j = 0; j < n_post; ++j) pr.target.push_back(j);
  pr.weight.assign(pr.target.size(), 0.5f);
  RingBuffers inputs(1, 4, n_post);
  SynapseDynamics dyn({}, r, kDt, n_pre, 0, n_post, pr.target.size());
  if (!dyn.clopath()) {
    ADD_FAILURE() << "no clopath runtime";
    return {};
  }
  FakeGroup group(n_post);
  const ModelInfo& model = *find_model("adex_psc_delta_clopath");
  const int rows[4] = {find_index(model.state, "v"), find_index(model.state, "u_bar_plus_delayed"),
                       find_index(model.state, "u_bar_minus_delayed"),
                       find_index(model.state, "u_bar_bar")};
  std::vector<size_t> next(n_pre, 0);
  for (int64_t T = 0; T < n_steps; T += m) {
    const int64_t end = std::min(T + m, n_steps);
    for (int64_t s = T; s < end; ++s) {
      for (uint32_t j = 0; j < n_post; ++j) {
        const auto e = static_cast<size_t>(s);
        group.state(rows[0])[j] = post[j].u[e];
        group.state(rows[1])[j] = post[j].u_plus[e];
        group.state(rows[2])[j] = post[j].u_minus[e];
        group.state(rows[3])[j] = post[j].u_bar_bar[e];
      }
      dyn.clopath()->record(model, group, s, m);
    }
    for (int64_t s = T; s < end; ++s) {
      for (uint32_t i = 0; i < n_pre; ++i)
        if (next[i] < pre[i].size() && pre[i][next[i]] == s) {
          dyn.on_pre_spike(pr, inputs.of(0), i, s, r.learning_rate);
          ++next[i];
        }
      if ((s + 1) % 500 == 0) dyn.flush(pr, s + 1, r.learning_rate);
    }
  }
  dyn.flush(pr, n_steps, r.learning_rate);
  return pr.weight;
}

void expect_lazy_equals_eager(const StdpSpec& r, int64_t m, double min_moved = 0.02) {
  constexpr int64_t kSteps = 20000;  // 2 s
  std::mt19937_64 rng(5);
  std::bernoulli_distribution fire(0.002);  // 20 Hz
  std::vector<std::vector<int64_t>> pre(5);
  for (auto& p : pre)
    for (int64_t s = 0; s < kSteps; ++s)
      if (fire(rng)) p.push_back(s);
  const auto post = synthetic_posts(3, kSteps, 7);
  const auto w = run_lazy(r, pre, post, kSteps, m);
  double moved = 0;
  for (size_t i = 0; i < pre.size(); ++i)
    for (size_t j = 0; j < post.size(); ++j) {
      const double expected = test::clopath_reference(r, 0.5, pre[i], post[j], kDt, kSteps);
      // the engine keeps the weight in float between catch-ups (relative 6e-8 per rounding,
      // a few hundred roundings); a wrong trace, order or bound is off by >= 1e-3
      EXPECT_NEAR(w[i * post.size() + j], expected, 2e-6) << i << " -> " << j;
      moved = std::max(moved, std::fabs(expected - 0.5));
    }
  EXPECT_GT(moved, min_moved) << "the test must move the weights";
}

TEST(Clopath, LazyEqualsEagerReference) {
  expect_lazy_equals_eager(clopath_spec(), 10);
}

TEST(Clopath, LazyEqualsEagerReferenceOneStepIntervals) {
  expect_lazy_equals_eager(clopath_spec(), 1);
}

TEST(Clopath, LazyEqualsEagerReferenceWithHomeostasis) {
  StdpSpec r = clopath_spec();
  r.homeostasis = true;
  r.u_ref_squared = 5000;  // ū̄ near -70 mV: a factor near 1
  expect_lazy_equals_eager(r, 15);
}

TEST(Clopath, LazyEqualsEagerReferenceAtTheBounds) {
  StdpSpec r = clopath_spec();
  r.w_min = 0.49;  // bounds reached often: clamped after each change in both
  r.w_max = 0.51;
  r.learning_rate = 0.7;
  expect_lazy_equals_eager(r, 10, 0.0099);  // a bound reached
}

// 6 presynaptic sources at 20 Hz onto 4 adex_psc_delta_clopath neurons driven by Poisson
// input, all to all with the clopath rule.
std::string clopath_network(const std::string& extra = "") {
  std::mt19937_64 rng(11);
  std::bernoulli_distribution fire(0.002);
  std::string trains;
  for (int i = 0; i < 6; ++i) {
    std::string t;
    for (int s = 0; s < 10000; ++s)
      if (fire(rng)) t += fmt::format("{}\"{:.1f} ms\"", t.empty() ? "" : ", ", (s + 1) * 0.1);
    trains += fmt::format("{}[{}]", i ? ", " : "", t);
  }
  return fmt::format(R"(
[protocol]
dt = "0.1 ms"
duration = "1 s"
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
model = "adex_psc_delta_clopath"
params = {{ v_reset = "-49.6 mV", b = "0 pA", delay_u_bars = "4 ms" }}

[[projection]]
name = "plastic"
from = "pre"
to = "post"
connect = {{ rule = "all_to_all" }}
[projection.synapse]
weight = "0.5 mV"
delay = "1 ms"
[projection.synapse.plasticity]
rule = "clopath"
a_ltd = 14e-4
a_ltp = 8e-4
w_max = "1 mV"

[[stimulus]]
kind = "poisson"
to = "post"
rate = "20 Hz"
inputs = 1000
weight = "0.8 mV"

[[record]]
what = "spikes"
of = "pre"

[[record]]
what = "spikes"
of = "post"
)",
                     extra, trains);
}

TEST(Clopath, EngineWeightsFollowTheRecordedVoltages) {
  // every step's v and filters recorded: the eager reference on them must give the weights
  std::string rec;
  for (const char* row : {"v", "u_bar_plus_delayed", "u_bar_minus_delayed", "u_bar_bar"})
    rec += fmt::format("\n[[record]]\nwhat = \"{}\"\nof = \"post\"\ninterval = \"0.1 ms\"\n", row);
  auto sim = test::run_model(clopath_network() + rec);
  const auto pre = test::spike_trains(*sim, "pre");
  const auto post_spikes = test::spike_trains(*sim, "post");
  const StdpSpec& r = sim->spec().projections[0].stdp;
  const ConnectionTable table = gather_connections(sim->network(), 0);
  ASSERT_EQ(table.size(), 24u);
  const int64_t n_steps = 10000;
  double moved = 0;
  for (size_t k = 0; k < table.size(); ++k) {
    const auto i = table.source[k], j = table.target[k];
    ASSERT_GT(post_spikes[j].size(), 5u) << "the post neurons must fire for the test to mean much";
    ClopathPost p;
    // sample n is the state at n·dt: after step n - 1
    auto after_steps = [&](const char* row) {
      auto t = test::trace(*sim, "post", row, j);
      EXPECT_EQ(t.size(), static_cast<size_t>(n_steps) + 1) << row;
      return std::vector<double>(t.begin() + 1, t.end());
    };
    p.u = after_steps("v");
    p.u_plus = after_steps("u_bar_plus_delayed");
    p.u_minus = after_steps("u_bar_minus_delayed");
    p.u_bar_bar = after_steps("u_bar_bar");
    std::vector<int64_t> steps;
    for (double t : pre[i]) steps.push_back(std::llround(t / kDt) - 1);
    const double expected = test::clopath_reference(r, 0.5, steps, p, kDt, n_steps);
    EXPECT_NEAR(table.weight[k], expected, 2e-6) << "synapse " << i << " -> " << j;
    moved = std::max(moved, std::fabs(expected - 0.5));
  }
  EXPECT_GT(moved, 0.01);
}

TEST(Clopath, SameWeightsOnTwoThreads) {
  auto one = test::run_model(clopath_network());
  auto two = test::run_model(clopath_network(), {{"protocol.threads", "2"}});
  const auto a = gather_connections(one->network(), 0), b = gather_connections(two->network(), 0);
  ASSERT_EQ(a.size(), b.size());
  bool moved = false;
  for (size_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(a.weight[k], b.weight[k]) << k;  // bitwise
    moved |= a.weight[k] != 0.5f;
  }
  EXPECT_TRUE(moved);
}

std::string replaced(std::string s, std::string_view from, std::string_view to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

// line of the first occurrence of `what` in `s` (1-based)
uint32_t line_of(const std::string& s, std::string_view what) {
  return static_cast<uint32_t>(std::count(s.begin(), s.begin() + s.find(what), '\n')) + 1;
}

TEST(Clopath, RefusesATargetWithoutTheFilteredVoltages) {
  const std::string m =
      replaced(replaced(clopath_network(), "model = \"adex_psc_delta_clopath\"",
                        "model = \"lif_psc_delta\""),
               "params = { v_reset = \"-49.6 mV\", b = \"0 pA\", delay_u_bars = \"4 ms\" }", "");
  test::expect_input_error(test::input_error_of(m), line_of(m, "rule = \"clopath\""),
                           "projection 'plastic'.synapse.plasticity.rule",
                           "has no 'u_bar_plus_delayed'");
}

TEST(Clopath, RefusesNegativeAmplitudes) {
  const std::string m = replaced(clopath_network(), "a_ltp = 8e-4", "a_ltp = -8e-4");
  test::expect_input_error(test::input_error_of(m), line_of(m, "a_ltp"),
                           "projection 'plastic'.synapse.plasticity.a_ltp", "must be >= 0");
}

TEST(Clopath, RefusesKeysOfOtherRules) {
  const std::string m =
      replaced(clopath_network(), "a_ltp = 8e-4", "a_ltp = 8e-4\nweight_dependence = \"additive\"");
  test::expect_input_error(test::input_error_of(m), line_of(m, "weight_dependence"),
                           "projection 'plastic'.synapse.plasticity.weight_dependence", "");
}

TEST(Clopath, RefusesNonPositiveUReference) {
  const std::string m = replaced(clopath_network(), "a_ltp = 8e-4",
                                 "a_ltp = 8e-4\nhomeostasis = true\nu_ref_squared = 0");
  test::expect_input_error(test::input_error_of(m), line_of(m, "u_ref_squared"),
                           "projection 'plastic'.synapse.plasticity.u_ref_squared", "must be > 0");
}

}  // namespace
}  // namespace engram
