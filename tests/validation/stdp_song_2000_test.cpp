// Song, Miller & Abbott (2000) as Brian2 adapts it (examples/song_2000_stdp.toml): 1000
// Poisson inputs through additive STDP onto one neuron for 100 s. Published result: the
// weights go from uniform to bimodal (mass at both bounds) and the output rate is pulled
// down and regulated. Compared with Brian2 running the same network
// (tests/data/brian2/song_2000.json, made by tools/brian2_reference/song_2000.py), seed
// means over 3 seeds each: mean final weight, mass at the bounds, late output rate.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace engram {
namespace {

struct Outcome {
  double mean_w = 0, at_bounds = 0, middle = 0, early_rate = 0, late_rate = 0;
};

Outcome run_seed(int seed) {
  auto sim =
      test::run_file("examples/song_2000_stdp.toml", {{"protocol.seed", std::to_string(seed)}});
  const auto& rec = sim->weight_recorders().recordings().at(0);
  const size_t n = rec.source.size();
  EXPECT_EQ(n, 1000u);
  EXPECT_EQ(rec.samples, 11u);
  Outcome o;
  const float* last = rec.data.data() + (rec.samples - 1) * n;
  for (size_t k = 0; k < n; ++k) {
    const double x = last[k] / 0.1;  // in units of g_max
    o.mean_w += x / n;
    if (x < 0.1 || x >= 0.9) o.at_bounds += 1.0 / n;
    if (x >= 0.3 && x < 0.7) o.middle += 1.0 / n;
  }
  const auto out = test::spike_trains(*sim, "out").at(0);
  for (double t : out) {
    if (t < 10000) o.early_rate += 0.1;
    if (t >= 70000) o.late_rate += 1.0 / 30;
  }
  return o;
}

TEST(StdpSong2000, BimodalWeightsAndRegulatedRateAsBrian2) {
  Outcome eg;
  for (int seed = 1; seed <= 3; ++seed) {
    const Outcome o = run_seed(seed);
    eg.mean_w += o.mean_w / 3;
    eg.at_bounds += o.at_bounds / 3;
    eg.middle += o.middle / 3;
    eg.early_rate += o.early_rate / 3;
    eg.late_rate += o.late_rate / 3;
  }
  // the published shape: from uniform (20 % in the outer bins, 40 % in the middle) to mass
  // at both bounds, and a rate pulled down from its start
  EXPECT_GT(eg.at_bounds, 0.35);
  EXPECT_LT(eg.middle, 0.30);
  EXPECT_LT(eg.late_rate, 0.75 * eg.early_rate);
  // Brian2 on the same network
  std::ifstream in(test::source_path("tests/data/brian2/song_2000.json"));
  const auto ref = nlohmann::json::parse(in);
  double b2_w = 0, b2_bounds = 0, b2_late = 0;
  const double runs = static_cast<double>(ref["runs"].size());
  for (const auto& r : ref["runs"]) {
    b2_w += r["mean_w_end"].get<double>() / runs;
    const auto h = r["hist_end"];
    b2_bounds += (h[0].get<double>() + h[9].get<double>()) / 1000 / runs;
    double late = 0;
    for (int i = 7; i < 10; ++i) late += r["rate_per_10s"][i].get<double>() / 3;
    b2_late += late / runs;
  }
  RecordProperty("engram_mean_w", std::to_string(eg.mean_w));
  RecordProperty("brian2_mean_w", std::to_string(b2_w));
  // seed-to-seed spread of the mean weight is about 0.003 g_max on both sides
  EXPECT_NEAR(eg.mean_w, b2_w, 0.01);
  EXPECT_NEAR(eg.at_bounds, b2_bounds, 0.04);
  EXPECT_NEAR(eg.late_rate, b2_late, 0.15 * b2_late);
}

}  // namespace
}  // namespace engram
