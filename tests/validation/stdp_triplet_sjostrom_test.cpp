// The frequency dependence of the triplet rule in the Sjöström et al. (2001) pairing
// protocol, as in Pfister & Gerstner (2006), Fig. 3 / Table 2 (visual cortex, all-to-all,
// full model; VALIDATION.md §8): 60 pre/post pairs at 0.1-50 Hz with Δt = +10 ms (pre
// before post) and -10 ms. Published shape: pre-post gives no LTP at 0.1 Hz and LTP that
// grows with frequency; post-pre gives LTD at low frequency and LTP at >= 40 Hz. The pair
// rule with the same window cannot produce the latter (it is frequency-blind at low rates),
// which the test checks too. Every value is also checked against the eager reference.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "../plasticity/stdp_reference.hpp"
#include "engram/plasticity/synapse_dynamics.hpp"

namespace engram {
namespace {

constexpr double kDt = 0.1;

StdpSpec visual_cortex_all_to_all() {
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
  t.w_min = -10;  // far bounds: the protocol measures the change itself
  t.w_max = 10;
  return t;
}

// Relative weight change after `pairs` pairings at `hz` with post - pre = lag_ms.
double pairing(const StdpSpec& rule, double hz, double lag_ms, int pairs = 60) {
  Projection pr;
  pr.row_offset = {0, 1};
  pr.target = {0};
  pr.weight = {1.0f};
  RingBuffers inputs(1, 2, 1);
  SynapseDynamics dyn({}, rule, kDt, 1, 0, 1);
  std::vector<test::StdpEvent> events;
  const auto period = std::llround(1000.0 / hz / kDt), lag = std::llround(lag_ms / kDt);
  const int64_t first = 1000;
  for (int n = 0; n < pairs; ++n) {
    const int64_t pre = first + n * period, post = pre + lag;
    events.push_back({pre, false});
    events.push_back({post, true});
  }
  std::stable_sort(events.begin(), events.end(), [](const auto& a, const auto& b) {
    return a.step != b.step ? a.step < b.step : (!a.post && b.post);
  });
  for (const auto& e : events) {
    if (e.post)
      dyn.on_post_spike(0, e.step);
    else
      dyn.on_pre_spike(pr, inputs.of(0), 0, e.step, 1.0);
  }
  dyn.flush(pr, events.back().step + 1, 1.0);
  // the rule's amplitudes are fractions of w_max: express the change relative to it
  const double dw = (pr.weight[0] - 1.0) / rule.w_max;
  const double ref = (test::stdp_reference(rule, 1.0, events, kDt) - 1.0) / rule.w_max;
  EXPECT_NEAR(dw, ref, 1e-6) << hz << " Hz, lag " << lag_ms << " ms";
  return dw;
}

TEST(TripletSjostrom, FrequencyDependenceOfPairing) {
  const StdpSpec rule = visual_cortex_all_to_all();
  const double hz[] = {0.1, 10, 20, 40, 50};
  double pre_post[5], post_pre[5];
  for (int i = 0; i < 5; ++i) {
    pre_post[i] = pairing(rule, hz[i], +10);
    post_pre[i] = pairing(rule, hz[i], -10);
  }
  // pre-post: no LTP at 0.1 Hz (A2+ is tiny), then LTP growing with frequency
  EXPECT_LT(std::fabs(pre_post[0]), 0.02 * pre_post[4]);
  for (int i = 1; i < 5; ++i) EXPECT_GT(pre_post[i], pre_post[i - 1]) << hz[i] << " Hz";
  EXPECT_GT(pre_post[4], 0);
  // post-pre: LTD at 0.1 and 10 Hz, LTP at 40 and 50 Hz
  EXPECT_LT(post_pre[0], 0);
  EXPECT_LT(post_pre[1], 0);
  EXPECT_GT(post_pre[3], 0);
  EXPECT_GT(post_pre[4], 0);
  // at 0.1 Hz the pairs are independent: 60 times the pair depression A2- e^{-10/33.7}
  EXPECT_NEAR(post_pre[0], -60 * rule.a_minus * std::exp(-10 / rule.tau_minus), 1e-6);
  // and LTP at 50 Hz is larger for pre-post than for post-pre, as in the data
  EXPECT_GT(pre_post[4], post_pre[4]);
}

TEST(TripletSjostrom, PairRuleCannotTurnPostPreIntoLtp) {
  StdpSpec pair;
  pair.rule = StdpRule::pair;
  pair.tau_plus = 16.8;
  pair.tau_minus = 33.7;
  pair.a_plus = 0.0046;  // Bi & Poo-like amplitudes (Pfister & Gerstner's pair fit scale)
  pair.a_minus = 0.003;
  pair.w_min = -10;
  pair.w_max = 10;
  // at 50 Hz the all-to-all pair rule sums the window over all pairs; with these
  // amplitudes (integral of the window negative) post-pre stays depressing
  EXPECT_LT(pairing(pair, 50, -10), 0);
  EXPECT_LT(pairing(pair, 0.1, -10), 0);
}

}  // namespace
}  // namespace engram
