// The voltage-based rule of Clopath et al. (2010) in the spike-pairing protocol of NEST's
// pynest/examples/clopath_synapse_spike_pairing.py and testsuite/pytests/synapses/
// test_clopath_synapse.py (VALIDATION.md §8): one adex_psc_delta_clopath neuron, a plastic
// synapse (w = 0.5) from a presynaptic spike train, postsynaptic spikes forced by 80 mV delta
// inputs, 5 pairings with post - pre = ±10 ms at 10-50 Hz. The weight change is reported on
// Clopath's scale, 100 + 1500 (w - w0)/w0 %.
//
// Spike times map to NEST's as the rule's header says (clopath_rule.hpp): NEST's parrot
// neuron fires 0.1 ms after its generator and its synapse reads the target 0.1 ms (the
// delay) earlier, so our presynaptic spikes are at the generator times, with a delay of 0.2
// ms for the PSP to arrive when NEST's does; the forcing input arrives 0.1 ms after its
// generator time in both. NEST's weight recorder samples at each presynaptic spike, so the
// run ends with the last one.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cmath>

#include "engram/io/connection_table.hpp"
#include "test_support.hpp"

namespace engram {
namespace {

std::string times(const std::vector<double>& t) {
  std::string s;
  for (double x : t) s += fmt::format("{}\"{:g} ms\"", s.empty() ? "" : ", ", x);
  return s;
}

// The model file of one pairing run (also the shape of examples/clopath_2010_pairing.toml).
std::string pairing_model(const std::vector<double>& pre, const std::vector<double>& post,
                          double duration) {
  return fmt::format(R"(
[protocol]
dt = "0.1 ms"
duration = "{:g} ms"

[[population]]
name = "pre"
size = 1
model = "spike_source"
spike_times = [{}]

[[population]]
name = "drive"
size = 1
model = "spike_source"
spike_times = [{}]

[[population]]
name = "post"
size = 1
model = "adex_psc_delta_clopath"
params = {{ e_l = "-70.6 mV", v_peak = "33 mV", c_m = "281 pF", a = "4 nS", b = "0.0805 pA", v_reset = "-49.6 mV", v_clamp = "33 mV", t_clamp = "2 ms", t_ref = "0 ms", tau_u_bar_minus = "10 ms", tau_u_bar_plus = "7 ms", delay_u_bars = "4 ms" }}

[[projection]]
from = "drive"
to = "post"
connect = {{ rule = "all_to_all" }}
synapse = {{ weight = "80 mV", delay = "0.1 ms" }}

[[projection]]
from = "pre"
to = "post"
connect = {{ rule = "all_to_all" }}
[projection.synapse]
weight = "0.5 mV"
delay = "0.2 ms"
[projection.synapse.plasticity]
rule = "clopath"
a_ltd = 14e-5
a_ltp = 8e-5
theta_minus = "-70.6 mV"
theta_plus = "-45.3 mV"
tau_x = "15 ms"
w_max = "100 mV"

[[record]]
what = "spikes"
of = "post"
)",
                     duration, times(pre), times(post));
}

// Clopath's scale after the run; the post neuron must have fired once per forcing input.
double pairing(const std::vector<double>& pre, const std::vector<double>& post) {
  auto sim = test::run_model(pairing_model(pre, post, pre.back()));
  const auto fired = test::spike_trains(*sim, "post");
  size_t forced = 0;
  for (double t : post) forced += t < pre.back() ? 1 : 0;
  EXPECT_EQ(fired[0].size(), forced) << "one spike per 80 mV input";
  const double w = gather_connections(sim->network(), 1).weight[0];
  return 100.0 + 1500.0 * (w - 0.5) / 0.5;
}

TEST(ClopathPairing, NestRegressionValues) {
  // test_clopath_synapse.py, aeif_psc_delta_clopath: post-pre at 10, 30, 50 Hz, pre-post at
  // 10, 30, 50 Hz, and NEST's results (its own regression values, rtol 1e-7 there)
  const std::vector<std::vector<double>> pre = {
      {29.0, 129.0, 229.0, 329.0, 429.0},       {29.0, 62.3, 95.7, 129.0, 162.3},
      {29.0, 49.0, 69.0, 89.0, 109.0},          {129.0, 229.0, 329.0, 429.0, 529.0, 629.0},
      {62.3, 95.6, 129.0, 162.3, 195.6, 229.0}, {49.0, 69.0, 89.0, 109.0, 129.0, 149.0}};
  const std::vector<std::vector<double>> post = {{19.0, 119.0, 219.0, 319.0, 419.0},
                                                 {19.0, 52.3, 85.7, 119.0, 152.3},
                                                 {19.0, 39.0, 59.0, 79.0, 99.0},
                                                 {139.0, 239.0, 339.0, 439.0, 539.0, 639.0},
                                                 {72.3, 105.6, 139.0, 172.3, 205.6, 239.0},
                                                 {59.0, 79.0, 99.0, 119.0, 139.0, 159.0}};
  const double nest[] = {57.82638722,  72.16730112,  149.43359357,
                         103.30408341, 124.03640668, 157.02882555};
  for (size_t c = 0; c < pre.size(); ++c) {
    const double got = pairing(pre[c], post[c]);
    std::printf("case %zu: %.4f (NEST %.4f)\n", c, got, nest[c]);
    // Measured: within 2e-4 of NEST's values, which is the float rounding of the stored
    // weight (6e-8 of 0.5 is 1.8e-4 on this scale); the simulators still differ in how an
    // adaptive step takes a delta input and in their error control, so allow 10 times that.
    // A wrong sign, threshold, time constant, delay or trace normalisation moves it by >= 1.
    EXPECT_NEAR(got, nest[c], 2e-3) << "case " << c;
  }
}

TEST(ClopathPairing, FrequencyDependenceOfClopath2010Fig2b) {
  // clopath_synapse_spike_pairing.py: 5 pairings at 10-50 Hz, the pre spike 10 ms after the
  // post spike (post-pre; a sixth pre spike ends the run) or before it (pre-post)
  const double hz[] = {10, 20, 30, 40, 50};
  std::vector<double> post_pre, pre_post;
  for (double f : hz) {
    const double period = std::round(10000.0 / f) / 10;  // ms, on the 0.1 ms grid
    std::vector<double> a_pre, a_post, b_pre, b_post;
    for (int n = 0; n < 5; ++n) {
      a_post.push_back(10 + n * period);  // post-pre: post at 10 ms, ...
      a_pre.push_back(20 + n * period);
      b_pre.push_back(100 + n * period + 20);  // pre-post: pre first
      b_post.push_back(100 + n * period + 30);
    }
    a_pre.push_back(20 + 5 * period);
    b_pre.push_back(100 + 5 * period + 20);
    post_pre.push_back(pairing(a_pre, a_post));
    pre_post.push_back(pairing(b_pre, b_post));
    std::printf("%2.0f Hz: post-pre %.1f %%, pre-post %.1f %%\n", f, post_pre.back(),
                pre_post.back());
  }
  // Clopath 2010 Fig. 2b (fit to Sjöström et al. 2001): pre-post potentiates, more at higher
  // frequency; post-pre depresses at 10 Hz and turns into potentiation at 50 Hz. A rule
  // without the voltage dependence of LTP (or without x̄'s memory across pairs) fails the
  // post-pre crossing; one with LTD and LTP swapped fails every line.
  // Measured (this protocol's weights at the last pre spike, as NEST's weight recorder):
  // post-pre 57.4, 55.4, 68.7, 99.2, 143.7 %; pre-post 103.3, 112.5, 124.0, 138.9, 157.0 %
  // (10-50 Hz). The post-pre curve is flat below 20 Hz (the paper's too), so it is required
  // to rise only from there.
  EXPECT_LT(post_pre[0], 90.0);
  EXPECT_LT(post_pre[1], 90.0);
  EXPECT_GT(post_pre[4], 110.0);
  for (size_t i = 0; i < 5; ++i) EXPECT_GT(pre_post[i], 100.0) << hz[i] << " Hz";
  for (size_t i = 1; i < 5; ++i) EXPECT_GT(pre_post[i], pre_post[i - 1]) << hz[i] << " Hz";
  for (size_t i = 2; i < 5; ++i) EXPECT_GT(post_pre[i], post_pre[i - 1]) << hz[i] << " Hz";
}

}  // namespace
}  // namespace engram
