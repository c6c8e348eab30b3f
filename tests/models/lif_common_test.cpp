// lif::detect_spikes against a neuron-by-neuron reference: every neuron at or above threshold
// fires once, in order, wherever it lies in a block, at a range's ragged ends, and for NaN.
#include "engram/models/lif_common.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace engram {
namespace {

struct Fired {
  std::vector<double> v;
  std::vector<int64_t> ref;
  std::vector<uint32_t> spiked;
};

Fired reference(std::vector<double> v, std::vector<int64_t> ref, uint32_t begin, uint32_t end,
                double th, double reset, int64_t free_from) {
  Fired f{std::move(v), std::move(ref), {}};
  for (uint32_t i = begin; i < end; ++i)
    if (f.v[i] >= th) {
      f.v[i] = reset;
      f.ref[i] = free_from;
      f.spiked.push_back(i);
    }
  return f;
}

TEST(DetectSpikes, MatchesNeuronByNeuronOnRaggedRanges) {
  std::mt19937 gen(7);
  const double th = -50, reset = -65;
  for (int trial = 0; trial < 400; ++trial) {
    const uint32_t n = 1 + gen() % 300;
    std::vector<double> v(n);
    std::vector<int64_t> ref(n, 3);
    // sparse spikes, sometimes none, sometimes a dense block; exact threshold hits too
    const double p = trial % 4 == 0 ? 0.0 : trial % 4 == 1 ? 0.01 : trial % 4 == 2 ? 0.2 : 0.9;
    std::uniform_real_distribution<double> u(0, 1);
    for (auto& x : v) x = u(gen) < p ? (u(gen) < 0.3 ? th : th + 5 * u(gen)) : th - 10 * u(gen);
    if (n > 10) v[gen() % n] = std::nan("");
    const uint32_t begin = gen() % n, end = begin + gen() % (n - begin + 1);
    const Fired want = reference(v, ref, begin, end, th, reset, 42);
    Fired got{v, ref, {}};
    lif::detect_spikes(got.v.data(), got.ref.data(), begin, end, th, reset, 42, got.spiked);
    ASSERT_EQ(got.spiked, want.spiked) << "trial " << trial << " [" << begin << ", " << end << ")";
    ASSERT_EQ(got.ref, want.ref) << "trial " << trial;
    for (uint32_t i = 0; i < n; ++i)
      ASSERT_TRUE(got.v[i] == want.v[i] || (std::isnan(got.v[i]) && std::isnan(want.v[i])))
          << "trial " << trial << " neuron " << i;
  }
}

TEST(DetectSpikes, FindsASpikeInEveryLaneOfABlock) {
  const uint32_t n = 2 * lif::kSpikeBlock + 5;
  for (uint32_t k = 0; k < n; ++k) {
    std::vector<double> v(n, -70.0);
    std::vector<int64_t> ref(n, 0);
    v[k] = -50.0;  // exactly at threshold fires
    std::vector<uint32_t> spiked;
    lif::detect_spikes(v.data(), ref.data(), 0, n, -50.0, -60.0, 9, spiked);
    ASSERT_EQ(spiked, std::vector<uint32_t>{k});
    EXPECT_EQ(v[k], -60.0);
    EXPECT_EQ(ref[k], 9);
  }
}

}  // namespace
}  // namespace engram
