// The run summary's spike statistics: the per-neuron ISI CV and the Fano factor of the
// population count in bins, which is folded bin by bin as the run goes (constant memory).
#include "engram/analysis/spike_statistics.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace engram {
namespace {

TEST(SpikeStatistics, FanoOfKnownBinCounts) {
  // 10 steps of 0.1 ms per 1 ms bin, 4 whole bins and a partial one of 5 steps
  SpikeStatistics st(1, 45, 10);
  const uint32_t per_bin[] = {2, 0, 6, 4};
  for (int64_t s = 0; s < 45; ++s) {
    const int64_t b = s / 10;
    uint32_t n = 0;
    if (b < 4 && s % 10 == 3) n = per_bin[b];  // the bin's spikes at one of its steps
    if (b == 4) n = 100;                       // the partial bin at the end is left out
    st.count_step(s, n);
  }
  // counts 2, 0, 6, 4: mean 3, variance (1 + 9 + 9 + 1) / 4 = 5
  EXPECT_DOUBLE_EQ(st.population_fano(), 5.0 / 3.0);
}

TEST(SpikeStatistics, ARunShorterThanOneBinIsOneBin) {
  SpikeStatistics st(1, 5, 10);
  for (int64_t s = 0; s < 5; ++s) st.count_step(s, 1);
  // one bin of 5 spikes: no variance
  EXPECT_DOUBLE_EQ(st.population_fano(), 0.0);
}

TEST(SpikeStatistics, SilentPopulationHasNoFano) {
  SpikeStatistics st(3, 100, 10);
  for (int64_t s = 0; s < 100; ++s) st.count_step(s, 0);
  EXPECT_TRUE(std::isnan(st.population_fano()));
}

TEST(SpikeStatistics, IsiCvOfARegularAndAnIrregularNeuron) {
  SpikeStatistics st(2, 1000, 10);
  for (int64_t s = 0; s < 1000; s += 100) st.add(0, s);  // regular: CV 0
  for (int64_t s : {0, 10, 210, 220}) st.add(1, s);      // ISIs 10, 200, 10
  const auto [cv, n] = st.mean_cv();
  EXPECT_EQ(n, 2u);
  // neuron 1: mean 220/3, sample sd of {10, 200, 10} = 109.697...; neuron 0: 0
  const double mean = 220.0 / 3,
               sd = std::sqrt((2 * std::pow(10 - mean, 2) + std::pow(200 - mean, 2)) / 2);
  EXPECT_NEAR(cv, 0.5 * sd / mean, 1e-12);
}

// The population count comes from every spike of the interval (thread 0 of each rank reads
// all partitions): the Fano factor is the same for one and two threads, bit for bit.
TEST(SpikeStatistics, PopulationFanoDoesNotDependOnThreads) {
  const std::string path = "examples/brunel_ai.toml";
  auto one = test::run_file(path, {{"protocol.duration", "\"300 ms\""}});
  auto two = test::run_file(path, {{"protocol.duration", "\"300 ms\""}, {"protocol.threads", "2"}});
  ASSERT_EQ(one->statistics().size(), two->statistics().size());
  for (size_t p = 0; p < one->statistics().size(); ++p)
    EXPECT_EQ(one->statistics()[p].population_fano(), two->statistics()[p].population_fano());
  EXPECT_GT(one->statistics()[0].population_fano(), 1.0);  // Brunel's AI state is not Poisson
}

}  // namespace
}  // namespace engram
