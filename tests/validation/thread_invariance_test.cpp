// Results do not depend on the number of threads: spikes, traces and synapses are bitwise
// the same for 1, 2 and 3 threads (3 does not divide the populations evenly) on every example.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace engram {
namespace {

struct Case {
  const char* file;
  std::vector<Override> overrides;
};

std::vector<Case> cases() {
  const Override short_run{"protocol.duration", "\"100 ms\""};
  return {
      {"examples/brunel_ai.toml",
       {short_run,
        {"population.exc.size", "800"},
        {"population.inh.size", "200"},
        {"projection.0.connect.k", "200"},
        {"projection.1.connect.k", "200"},
        {"projection.2.connect.k", "50"},
        {"projection.3.connect.k", "50"}}},
      {"examples/coba.toml", {short_run}},
      {"examples/cuba.toml", {short_run}},
      {"examples/stimulation_protocols.toml", {}},
      {"examples/mcculloch_pitts_logic.toml", {}},
      {"examples/lif_fi_curve.toml", {short_run}},
      {"examples/spatial_sheet.toml", {short_run}},
      {"examples/two_layer_neuron.toml", {short_run}},
  };
}

class ThreadInvariance : public ::testing::TestWithParam<size_t> {};

TEST_P(ThreadInvariance, SpikesTracesAndSynapsesAreBitwiseEqual) {
  const Case c = cases()[GetParam()];
  auto with_threads = [&](int n) {
    auto o = c.overrides;
    o.push_back({"protocol.threads", std::to_string(n)});
    return test::run_file(c.file, o);
  };
  auto one = with_threads(1);
  uint64_t spikes = 0;
  for (uint32_t p = 0; p < one->statistics().size(); ++p) spikes += one->statistics()[p].total();
  ASSERT_GT(spikes, 0u) << c.file;
  for (int n : {2, 3}) {
    auto many = with_threads(n);
    ASSERT_EQ(many->network().threads, static_cast<uint32_t>(n));
    const auto& a = one->recorders().spikes();
    const auto& b = many->recorders().spikes();
    ASSERT_EQ(a.size(), b.size());
    for (size_t r = 0; r < a.size(); ++r) {
      EXPECT_EQ(a[r].t_ms, b[r].t_ms) << c.file << " threads " << n;
      EXPECT_EQ(a[r].neuron, b[r].neuron) << c.file << " threads " << n;
    }
    const auto& sa = one->recorders().states();
    const auto& sb = many->recorders().states();
    ASSERT_EQ(sa.size(), sb.size());
    for (size_t r = 0; r < sa.size(); ++r)
      EXPECT_EQ(sa[r].data, sb[r].data) << c.file << " threads " << n;  // bitwise
    for (uint32_t p = 0; p < one->statistics().size(); ++p)
      EXPECT_EQ(one->statistics()[p].total(), many->statistics()[p].total());
    // the shards hold exactly the synapses of the one-thread projection, row by row in order
    const Network& n1 = one->network();
    const Network& nn = many->network();
    EXPECT_EQ(n1.synapse_count(), nn.synapse_count());
    for (uint32_t j = 0; j < n1.projections.size(); ++j) {
      const Projection& full = n1.shard(0, j);
      for (uint32_t i = 0; i + 1 < full.row_offset.size(); ++i) {
        for (uint32_t t = 0; t < nn.threads; ++t) {
          auto [lo, hi] = nn.range(full.to, t);
          std::vector<uint32_t> expected, got;
          std::vector<float> expected_w, got_w;
          for (uint32_t k = full.row_offset[i]; k < full.row_offset[i + 1]; ++k)
            if (full.target[k] >= lo && full.target[k] < hi) {
              expected.push_back(full.target[k]);
              if (!full.weight.empty()) expected_w.push_back(full.weight[k]);
            }
          const Projection& s = nn.shard(t, j);
          for (uint32_t k = s.row_offset[i]; k < s.row_offset[i + 1]; ++k) {
            got.push_back(s.target[k]);
            if (!s.weight.empty()) got_w.push_back(s.weight[k]);
          }
          ASSERT_EQ(got, expected) << c.file << " projection " << j << " row " << i;
          ASSERT_EQ(got_w, expected_w) << c.file << " projection " << j << " row " << i;
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Examples, ThreadInvariance, ::testing::Range<size_t>(0, 8));

}  // namespace
}  // namespace engram
