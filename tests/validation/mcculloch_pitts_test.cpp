// McCulloch-Pitts logic: AND, OR, NOT; XOR needs two layers (examples/mcculloch_pitts_logic.toml).
#include <array>
#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "test_support.hpp"

namespace engram {
namespace {

// Which of the four patterns (0,0), (0,1), (1,0), (1,1), presented at ticks 0..3, made the
// unit fire, given the answer's stamp offset (latency + 1 tick).
std::array<int, 4> truth_table(const std::vector<double>& spikes, int latency) {
  std::array<int, 4> out{};
  for (double t : spikes) {
    int pattern = static_cast<int>(std::lround(t)) - latency - 1;
    if (pattern >= 0 && pattern < 4) out[pattern] = 1;
  }
  return out;
}

TEST(McCullochPitts, LogicGatesOfTheExample) {
  auto sim = test::run_file("examples/mcculloch_pitts_logic.toml");
  using T = std::array<int, 4>;
  EXPECT_EQ(truth_table(test::spike_trains(*sim, "and")[0], 1), (T{0, 0, 0, 1}));
  EXPECT_EQ(truth_table(test::spike_trains(*sim, "or")[0], 1), (T{0, 1, 1, 1}));
  EXPECT_EQ(truth_table(test::spike_trains(*sim, "not_a")[0], 1), (T{1, 1, 0, 0}));
  EXPECT_EQ(truth_table(test::spike_trains(*sim, "xor")[0], 2), (T{0, 1, 1, 0}));
}

// A single threshold unit on inputs A and B, weights wa, wb and threshold theta.
std::array<int, 4> single_unit(double wa, double wb, double theta) {
  auto sim = test::run_model(fmt::format(R"(
[protocol]
dt = "1 ms"
duration = "6 ms"
[[population]]
name = "A"
size = 1
model = "spike_source"
spike_times = ["3 ms", "4 ms"]
[[population]]
name = "B"
size = 1
model = "spike_source"
spike_times = ["2 ms", "4 ms"]
[[population]]
name = "u"
size = 1
model = "mcculloch_pitts"
params = {{ theta = {} }}
[[projection]]
from = "A"
to = "u"
connect = {{ rule = "all_to_all" }}
synapse = {{ weight = {}, delay = "1 ms" }}
[[projection]]
from = "B"
to = "u"
connect = {{ rule = "all_to_all" }}
synapse = {{ weight = {}, delay = "1 ms" }}
[[record]]
what = "spikes"
of = "u"
)",
                                         theta, wa, wb));
  return truth_table(test::spike_trains(*sim, "u")[0], 1);
}

TEST(McCullochPitts, ThresholdIsReachedInclusively) {
  using T = std::array<int, 4>;
  EXPECT_EQ(single_unit(1, 1, 2), (T{0, 0, 0, 1}));    // AND: sum 2 reaches theta 2
  EXPECT_EQ(single_unit(1, 1, 1), (T{0, 1, 1, 1}));    // OR
  EXPECT_EQ(single_unit(-1, -1, 0), (T{1, 0, 0, 0}));  // NOR
  EXPECT_EQ(single_unit(1, 1, 2.5), (T{0, 0, 0, 0}));  // never
}

TEST(McCullochPitts, NoSingleUnitComputesXor) {
  // Exhaustive over a grid of weights and thresholds that contains AND, OR, NAND, NOR and
  // the implications: none gives XOR (or XNOR), as linear separability says.
  std::set<std::array<int, 4>> seen;
  for (double wa = -2; wa <= 2; wa += 0.5)
    for (double wb = -2; wb <= 2; wb += 0.5)
      for (double th = -2.5; th <= 2.5; th += 0.5) seen.insert(single_unit(wa, wb, th));
  EXPECT_FALSE(seen.count({0, 1, 1, 0}));
  EXPECT_FALSE(seen.count({1, 0, 0, 1}));
  // the search is not vacuous: it finds the 14 linearly separable functions of 2 inputs
  EXPECT_EQ(seen.size(), 14u);
}

}  // namespace
}  // namespace engram
