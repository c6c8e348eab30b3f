// SynapseDynamics against closed forms (the STDP window, the Tsodyks-Markram recursion and
// the published amplitude ratios of VALIDATION.md §9) and against the eager reference on
// random spike trains (every rule, weight dependence and pairing).
#include "engram/plasticity/synapse_dynamics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "stdp_reference.hpp"

namespace engram {
namespace {

constexpr double kDt = 0.1;

// A projection from n_pre to n_post neurons, all to all, one-step delay, weights w0.
struct Bench {
  Projection pr;
  RingBuffers inputs;
  std::unique_ptr<SynapseDynamics> dyn;
  Bench(uint32_t n_pre, uint32_t n_post, double w0, const StpSpec& stp, const StdpSpec& stdp,
        double dt = kDt)
      : inputs(1, 2, n_post) {
    for (uint32_t i = 0; i <= n_pre; ++i) pr.row_offset.push_back(i * n_post);
    for (uint32_t i = 0; i < n_pre; ++i)
      for (uint32_t j = 0; j < n_post; ++j) pr.target.push_back(j);
    pr.weight.assign(static_cast<size_t>(n_pre) * n_post, static_cast<float>(w0));
    pr.uniform_delay = 1;
    dyn = std::make_unique<SynapseDynamics>(stp, stdp, dt, n_pre, 0, n_post, pr.target.size());
  }
  // What the pre spike of step s delivered to target j (then cleared).
  double take(int64_t s, uint32_t j) {
    SynInput* slot = inputs.slot(0, s + 1);
    const double v = slot[j];
    slot[j] = 0;
    return v;
  }
};

StdpSpec pair_rule() {
  StdpSpec r;
  r.rule = StdpRule::pair;
  r.tau_plus = 16.8;
  r.tau_minus = 33.7;
  r.a_plus = 0.01;
  r.a_minus = 0.012;
  r.w_min = 0;
  r.w_max = 1;
  return r;
}

TEST(StdpPair, WindowIsTheTwoExponentials) {
  const StdpSpec r = pair_rule();
  for (int ms = -60; ms <= 60; ms += 4) {
    if (ms == 0) continue;
    Bench b(1, 1, 0.5, {}, r);
    const int64_t pre = 1000, post = pre + ms * 10;
    for (int64_t s = 0; s <= std::max(pre, post); ++s) {
      if (s == pre) b.dyn->on_pre_spike(b.pr, b.inputs.of(0), 0, s, 1.0);
      if (s == post) b.dyn->on_post_spike(0, s);
    }
    b.dyn->flush(b.pr, std::max(pre, post) + 1, 1.0);
    const double dw = b.pr.weight[0] - 0.5;
    const double expected = ms > 0 ? r.a_plus * r.w_max * std::exp(-ms / r.tau_plus)
                                   : -r.a_minus * r.w_max * std::exp(ms / r.tau_minus);
    EXPECT_NEAR(dw, expected, 1e-7) << "dt_post - t_pre = " << ms << " ms";
  }
}

TEST(StdpPair, SameStepCountsAsPreBeforePost) {
  const StdpSpec r = pair_rule();
  Bench b(1, 1, 0.5, {}, r);
  b.dyn->on_pre_spike(b.pr, b.inputs.of(0), 0, 10, 1.0);
  b.dyn->on_post_spike(0, 10);
  b.dyn->flush(b.pr, 11, 1.0);
  EXPECT_NEAR(b.pr.weight[0] - 0.5, r.a_plus * r.w_max, 1e-7);
}

TEST(StdpPair, ZeroScaleFreezesTheWeightButNotTheTraces) {
  const StdpSpec r = pair_rule();
  Bench b(1, 1, 0.5, {}, r);
  b.dyn->on_pre_spike(b.pr, b.inputs.of(0), 0, 10, 0.0);
  b.dyn->on_post_spike(0, 20);
  b.dyn->flush(b.pr, 30, 0.0);
  EXPECT_EQ(b.pr.weight[0], 0.5f);
  // the pre trace kept running while frozen: a post spike now, plastic again, sees it
  b.dyn->on_post_spike(0, 40);
  b.dyn->flush(b.pr, 41, 1.0);
  EXPECT_NEAR(b.pr.weight[0] - 0.5, r.a_plus * std::exp(-3.0 / r.tau_plus), 1e-7);
}

// Poisson spike steps at `rate_hz` over n steps.
std::vector<int64_t> poisson_steps(std::mt19937_64& rng, double rate_hz, int64_t n) {
  std::bernoulli_distribution fire(rate_hz * kDt * 1e-3);
  std::vector<int64_t> out;
  for (int64_t s = 0; s < n; ++s)
    if (fire(rng)) out.push_back(s);
  return out;
}

struct RuleCase {
  const char* name;
  StdpSpec rule;
};

void PrintTo(const RuleCase& c, std::ostream* os) {
  *os << c.name;
}

std::vector<RuleCase> rule_cases() {
  std::vector<RuleCase> cases;
  StdpSpec r = pair_rule();
  cases.push_back({"pair_additive_all_to_all", r});
  r.pairing = Pairing::nearest;
  cases.push_back({"pair_additive_nearest", r});
  r = pair_rule();
  r.dependence = WeightDependence::multiplicative;
  r.w_min = 0.1;
  cases.push_back({"pair_multiplicative", r});
  r = pair_rule();
  r.dependence = WeightDependence::power;
  r.mu_plus = 0.4;
  r.mu_minus = 0.4;
  cases.push_back({"pair_power_gutig", r});
  // Pfister & Gerstner 2006, visual cortex, all-to-all full model (VALIDATION.md §8)
  StdpSpec t;
  t.rule = StdpRule::triplet;
  t.tau_plus = 16.8;
  t.tau_minus = 33.7;
  t.tau_x = 101;
  t.tau_y = 125;
  t.a_plus = 5e-10;
  t.a3_plus = 6.2e-3;
  t.a_minus = 7e-3;
  t.a3_minus = 2.3e-4;
  t.w_max = 1;
  cases.push_back({"triplet_all_to_all", t});
  // nearest-spike full model
  t.pairing = Pairing::nearest;
  t.tau_x = 714;
  t.tau_y = 40;
  t.a_plus = 8.8e-11;
  t.a3_plus = 5.3e-2;
  t.a_minus = 6.6e-3;
  t.a3_minus = 3.1e-3;
  cases.push_back({"triplet_nearest", t});
  return cases;
}

class StdpAgainstReference : public ::testing::TestWithParam<RuleCase> {};

// Poisson trains at pre_hz and post_hz through the engine (its order of events, flushes at
// irregular steps) against the eager reference, synapse by synapse.
void check_against_reference(const RuleCase& c, double pre_hz, double post_hz) {
  const StdpSpec rule = c.rule;
  const uint32_t n_pre = 3, n_post = 4;
  const int64_t n_steps = 50000;  // 5 s
  std::mt19937_64 rng(7);
  std::vector<std::vector<int64_t>> pre(n_pre), post(n_post);
  for (auto& p : pre) p = poisson_steps(rng, pre_hz, n_steps);
  for (auto& p : post) p = poisson_steps(rng, post_hz, n_steps);
  Bench b(n_pre, n_post, 0.5, {}, rule);
  // the engine's order, with flushes at irregular steps (they must not change anything)
  std::vector<size_t> pi(n_pre, 0), qi(n_post, 0);
  std::uniform_int_distribution<int64_t> gap(1, 20000);
  int64_t next_flush = gap(rng);
  for (int64_t s = 0; s < n_steps; ++s) {
    for (uint32_t i = 0; i < n_pre; ++i)
      if (pi[i] < pre[i].size() && pre[i][pi[i]] == s) {
        b.dyn->on_pre_spike(b.pr, b.inputs.of(0), i, s, 1.0);
        ++pi[i];
        for (uint32_t j = 0; j < n_post; ++j) b.take(s, j);
      }
    for (uint32_t j = 0; j < n_post; ++j)
      if (qi[j] < post[j].size() && post[j][qi[j]] == s) {
        b.dyn->on_post_spike(j, s);
        ++qi[j];
      }
    if (s + 1 == next_flush) {
      b.dyn->flush(b.pr, s + 1, 1.0);
      next_flush += gap(rng);
    }
  }
  b.dyn->flush(b.pr, n_steps, 1.0);
  double moved = 0;
  for (uint32_t i = 0; i < n_pre; ++i)
    for (uint32_t j = 0; j < n_post; ++j) {
      std::vector<test::StdpEvent> ev;
      for (int64_t s : pre[i]) ev.push_back({s, false});
      for (int64_t s : post[j]) ev.push_back({s, true});
      const double expected = test::stdp_reference(rule, 0.5, ev, kDt);
      EXPECT_NEAR(b.pr.weight[i * n_post + j], expected, 1e-5 * rule.w_max)
          << c.name << ": synapse " << i << "->" << j;
      moved = std::max(moved, std::fabs(expected - 0.5));
    }
  // the trains are long enough for the rule to have moved the weights (the test can fail)
  EXPECT_GT(moved, 0.01) << c.name;
}

TEST_P(StdpAgainstReference, RandomTrainsOntoSharedTargets) {
  check_against_reference(GetParam(), 20, 15);
}

// A rarely firing presynaptic neuron onto busy targets: its synapses catch up on many post
// spikes at once (beyond the compact cache of the last few, from the spike history), in
// on_pre_spike as well as in flush. Fails if the history walk loses, repeats or misorders
// spikes, or pairs a spike with the wrong triplet trace.
TEST_P(StdpAgainstReference, SparsePresynapticTrainsCatchUpFromTheHistory) {
  check_against_reference(GetParam(), 2, 40);
}

INSTANTIATE_TEST_SUITE_P(Rules, StdpAgainstReference, ::testing::ValuesIn(rule_cases()),
                         [](const auto& info) { return std::string(info.param.name); });

// VALIDATION.md §9: A_n / A_1 of a regular train, from the discrete Tsodyks-Markram model.
struct StpCase {
  double u, tau_rec, tau_facil, rate_hz;
  std::vector<std::pair<int, double>> ratios;  // (n, A_n/A_1), 4 decimals
};

TEST(TsodyksMarkram, AmplitudeRatiosOfRegularTrains) {
  const std::vector<StpCase> cases = {
      {0.5,
       800,
       0,
       20,
       {{2, 0.5303},
        {3, 0.3097},
        {4, 0.2060},
        {5, 0.1574},
        {6, 0.1345},
        {8, 0.1187},
        {10, 0.1152}}},
      {0.5,
       800,
       0,
       10,
       {{2, 0.5588},
        {3, 0.3641},
        {4, 0.2781},
        {5, 0.2402},
        {6, 0.2235},
        {8, 0.2129},
        {10, 0.2108}}},
      {0.03,
       130,
       530,
       20,
       {{2, 1.8442},
        {3, 2.5245},
        {4, 3.0592},
        {5, 3.4760},
        {6, 3.8020},
        {8, 4.2686},
        {10, 4.5822}}},
      {0.03,
       130,
       530,
       70,
       {{2, 1.8919},
        {3, 2.6232},
        {4, 3.1713},
        {5, 3.5396},
        {6, 3.7500},
        {8, 3.8300},
        {10, 3.6761}}},
      {0.1,
       100,
       1000,
       20,
       {{2, 1.7435},
        {3, 2.2200},
        {4, 2.5053},
        {5, 2.6799},
        {6, 2.7976},
        {8, 2.9586},
        {10, 3.0703}}},
  };
  for (const auto& c : cases) {
    StpSpec stp{true, c.u, c.tau_rec, c.tau_facil};
    // the interval in whole steps: 100 steps per interspike interval
    const int64_t isi = 100;
    Bench b(1, 1, 1.0, stp, StdpSpec{}, 1000.0 / c.rate_hz / static_cast<double>(isi));
    std::vector<double> amp;
    for (int n = 0; n < 40; ++n) {
      const int64_t s = 100 + n * isi;
      b.dyn->on_pre_spike(b.pr, b.inputs.of(0), 0, s, 1.0);
      amp.push_back(b.take(s, 0));
    }
    EXPECT_NEAR(amp[0], c.u, 1e-7);  // the first spike transmits weight · U
    for (auto [n, ratio] : c.ratios)
      EXPECT_NEAR(amp[n - 1] / amp[0], ratio, 6e-5)
          << "U " << c.u << " tau_rec " << c.tau_rec << " tau_facil " << c.tau_facil << " at "
          << c.rate_hz << " Hz, n = " << n;
    if (c.tau_facil == 0) {  // depression only: the closed-form steady state
      const double e = std::exp(-1000.0 / c.rate_hz / c.tau_rec);
      EXPECT_NEAR(amp.back() / amp[0], (1 - e) / (1 - (1 - c.u) * e), 1e-6);
    }
  }
}

TEST(TsodyksMarkram, RecoversAfterAPause) {
  StpSpec stp{true, 0.5, 800, 0};
  Bench b(1, 1, 1.0, stp, StdpSpec{});
  b.dyn->on_pre_spike(b.pr, b.inputs.of(0), 0, 0, 1.0);
  b.take(0, 0);
  // 2 s later: R = 1 - (1 - R1 (1 - U)) e^{-2000/800}
  b.dyn->on_pre_spike(b.pr, b.inputs.of(0), 0, 20000, 1.0);
  EXPECT_NEAR(b.take(20000, 0), 0.5 * (1 - 0.5 * std::exp(-2000.0 / 800)), 1e-7);
}

}  // namespace
}  // namespace engram

namespace engram {
namespace {

StdpSpec dopamine_rule() {
  StdpSpec r = pair_rule();
  r.rule = StdpRule::dopamine;
  r.tau_c = 1000;
  r.tau_d = 200;
  r.dopamine_amount = 0.5;
  r.w_min = 0;
  r.w_max = 1;
  r.a_plus = 1e-4;
  r.a_minus = 1.5e-4;
  return r;
}

// Izhikevich (2007): a pre-post pairing leaves an eligibility trace c; a dopamine release a
// second later converts what is left of it into a weight change, w_max ∫ c(t) d(t) dt.
TEST(StdpDopamine, DelayedRewardConvertsTheEligibilityTrace) {
  const StdpSpec r = dopamine_rule();
  Bench b(1, 1, 0.5, {}, r);
  b.dyn->on_pre_spike(b.pr, b.inputs.of(0), 0, 1000, 1.0);  // 100 ms
  b.dyn->on_post_spike(0, 1100);                            // 110 ms
  b.dyn->on_dopamine(11100, 1);                             // 1110 ms: the reward, 1 s later
  b.dyn->flush(b.pr, 31100, 1.0);                           // 3110 ms
  const double c0 = r.a_plus * std::exp(-10.0 / r.tau_plus);
  const double tau_s = 1.0 / (1.0 / r.tau_c + 1.0 / r.tau_d);
  const double expected = r.w_max * c0 * std::exp(-1000.0 / r.tau_c) * r.dopamine_amount * tau_s *
                          (1 - std::exp(-2000.0 / tau_s));
  EXPECT_NEAR(b.pr.weight[0] - 0.5, expected, 1e-7);
  EXPECT_GT(expected, 1e-3);  // the pairing did something measurable
  EXPECT_NEAR(b.dyn->eligibility()[0], c0 * std::exp(-3000.0 / r.tau_c), 1e-9);
}

TEST(StdpDopamine, NoDopamineNoChangeAndAnUnpairedRewardDoesNothing) {
  const StdpSpec r = dopamine_rule();
  Bench b(1, 1, 0.5, {}, r);
  b.dyn->on_pre_spike(b.pr, b.inputs.of(0), 0, 1000, 1.0);
  b.dyn->on_post_spike(0, 1100);
  b.dyn->flush(b.pr, 31100, 1.0);
  EXPECT_EQ(b.pr.weight[0], 0.5f);  // no dopamine: the weight never moves
  Bench q(1, 1, 0.5, {}, r);
  q.dyn->on_dopamine(500, 1);
  q.dyn->on_pre_spike(q.pr, q.inputs.of(0), 0, 1000, 1.0);  // no post spike: c = 0
  q.dyn->flush(q.pr, 31100, 1.0);
  EXPECT_EQ(q.pr.weight[0], 0.5f);
}

TEST(StdpDopamine, TonicBaselineAndReleasesInPieces) {
  StdpSpec r = dopamine_rule();
  r.baseline = 0.01;
  const double tau_s = 1.0 / (1.0 / r.tau_c + 1.0 / r.tau_d);
  Bench b(1, 1, 0.5, {}, r);
  b.dyn->on_pre_spike(b.pr, b.inputs.of(0), 0, 0, 1.0);
  b.dyn->on_post_spike(0, 50);    // 5 ms: c0 at 5 ms
  b.dyn->on_dopamine(2050, 2);    // 205 ms: two dopamine neurons fire
  b.dyn->flush(b.pr, 3000, 1.0);  // an update in between changes nothing
  b.dyn->on_dopamine(4050, 1);    // 405 ms
  b.dyn->flush(b.pr, 6050, 1.0);  // 605 ms; a flush in between must not change anything
  const double c0 = r.a_plus * std::exp(-5.0 / r.tau_plus);
  // closed form over [5, 605] ms: baseline all along, pulses from 205 and 405 ms
  auto ec = [&](double t) { return std::exp(-t / r.tau_c); };
  double dw = r.baseline * r.tau_c * (1 - ec(600));
  const double d1 = 2 * r.dopamine_amount;
  dw += ec(200) * d1 * tau_s * (1 - std::exp(-200 / tau_s));
  const double d2 = d1 * std::exp(-200 / r.tau_d) + r.dopamine_amount;
  dw += ec(400) * d2 * tau_s * (1 - std::exp(-200 / tau_s));
  EXPECT_NEAR(b.pr.weight[0] - 0.5, r.w_max * c0 * dw, 1e-7);
}

}  // namespace
}  // namespace engram
