// Space: neuron positions on grids and at random, periodic boundaries, distance-dependent
// connection probability and conduction delays.
#include <cmath>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engram/network/connectivity.hpp"
#include "test_support.hpp"

namespace engram {
namespace {

std::string sheet(std::string_view space, std::string_view connect, std::string_view synapse) {
  return fmt::format(R"(
[protocol]
duration = "1 ms"
seed = 11
[[population]]
name = "sheet"
size = 900
model = "lif_psc_exp"
space = {}
[[projection]]
from = "sheet"
to = "sheet"
connect = {}
synapse = {}
)",
                     space, connect, synapse);
}

TEST(Space, GridPositionsAreCellCentres) {
  auto spec = test::spec_from(
      sheet(R"({ layout = "grid", shape = [30, 30], extent = ["300 um", "600 um"] })",
            R"({ rule = "one_to_one" })", R"({ weight = "1 pA" })"));
  const auto& pos = spec.populations[0].positions;
  ASSERT_EQ(pos.size(), 900u);
  EXPECT_DOUBLE_EQ(pos[0][0], 5.0);
  EXPECT_DOUBLE_EQ(pos[0][1], 10.0);
  EXPECT_DOUBLE_EQ(pos[31][0], 15.0);  // x varies fastest
  EXPECT_DOUBLE_EQ(pos[31][1], 30.0);
  EXPECT_DOUBLE_EQ(pos[899][0], 295.0);
  EXPECT_DOUBLE_EQ(pos[899][2], 0.0);
}

TEST(Space, RandomPositionsFillTheBoxAndFollowTheSeed) {
  const auto model = sheet(R"({ layout = "random", extent = ["1 mm", "1 mm", "200 um"] })",
                           R"({ rule = "one_to_one" })", R"({ weight = "1 pA" })");
  auto a = test::spec_from(model), b = test::spec_from(model);
  auto c = test::spec_from(model, {{"protocol.seed", "12"}});
  double mean_z = 0;
  for (const auto& x : a.populations[0].positions) {
    EXPECT_GE(x[0], 0.0);
    EXPECT_LT(x[0], 1000.0);
    EXPECT_LT(x[2], 200.0);
    mean_z += x[2];
  }
  EXPECT_NEAR(mean_z / 900, 100.0, 4 * 200 / std::sqrt(12.0 * 900));
  EXPECT_EQ(a.populations[0].positions, b.populations[0].positions);
  EXPECT_NE(a.populations[0].positions, c.populations[0].positions);
}

// Empirical connection probability against p · exp(-d²/2σ²) in distance bins, on a periodic
// grid (no edge effects): each bin within 4 binomial standard errors.
TEST(Space, GaussianProfileGivesItsConnectionProbability) {
  auto spec = test::spec_from(sheet(
      R"({ layout = "grid", shape = [30, 30], extent = ["1 mm", "1 mm"], periodic = true })",
      R"({ rule = "fixed_probability", p = 0.8, profile = { gaussian = { sigma = "120 um" } } })",
      R"({ weight = "1 pA" })"));
  const auto& pos = spec.populations[0].positions;
  Projection pr = build_projection(spec, 0);
  auto dist = [&](uint32_t i, uint32_t j) {
    double s = 0;
    for (int k = 0; k < 2; ++k) {
      double d = std::fabs(pos[i][k] - pos[j][k]);
      d = std::min(d, 1000.0 - d);
      s += d * d;
    }
    return std::sqrt(s);
  };
  std::vector<double> tried(10, 0), made(10, 0), expected(10, 0);
  std::vector<std::vector<char>> connected(900, std::vector<char>(900, 0));
  for (uint32_t i = 0; i < 900; ++i)
    for (uint32_t k = pr.row_offset[i]; k < pr.row_offset[i + 1]; ++k)
      connected[i][pr.target[k]] = 1;
  for (uint32_t i = 0; i < 900; ++i)
    for (uint32_t j = 0; j < 900; ++j) {
      const double d = dist(i, j);
      const auto b = static_cast<size_t>(d / 50.0);
      if (b >= 10) continue;
      tried[b] += 1;
      made[b] += connected[i][j];
      expected[b] += 0.8 * std::exp(-0.5 * d * d / (120.0 * 120.0));
    }
  for (size_t b = 0; b < 10; ++b) {
    if (tried[b] == 0) continue;
    const double p = expected[b] / tried[b];
    const double se = std::sqrt(std::max(p * (1 - p), 1e-4) / tried[b]);
    EXPECT_NEAR(made[b] / tried[b], p, 4 * se + 1e-3) << "bin " << b;
  }
  // the estimate made before building (exact sums over sampled targets)
  EXPECT_NEAR(expected_synapses(spec, 0), static_cast<double>(pr.size()),
              4 * std::sqrt(static_cast<double>(pr.size())));
  // periodic: a corner neuron receives as many synapses as a central one (no edge)
  std::vector<int> indeg(900, 0);
  for (uint32_t t : pr.target) ++indeg[t];
  EXPECT_NEAR(indeg[0], indeg[465], 4 * std::sqrt(static_cast<double>(indeg[465])));
}

TEST(Space, OpenBoundariesLoseConnectionsAtTheEdge) {
  auto spec = test::spec_from(sheet(
      R"({ layout = "grid", shape = [30, 30], extent = ["1 mm", "1 mm"] })",
      R"({ rule = "fixed_probability", p = 1.0, profile = { exponential = { lambda = "100 um" } } })",
      R"({ weight = "1 pA" })"));
  Projection pr = build_projection(spec, 0);
  const auto& pos = spec.populations[0].positions;
  std::vector<int> indeg(900, 0);
  for (uint32_t t : pr.target) ++indeg[t];
  auto expected_indegree = [&](uint32_t j) {
    double e = 0;
    for (uint32_t i = 0; i < 900; ++i)
      e += std::exp(-std::hypot(pos[i][0] - pos[j][0], pos[i][1] - pos[j][1]) / 100.0);
    return e;
  };
  const double corner = expected_indegree(0), centre = expected_indegree(465);
  EXPECT_LT(corner, 0.5 * centre);  // the corner misses most of its neighbourhood
  EXPECT_NEAR(indeg[0], corner, 4 * std::sqrt(corner));
  EXPECT_NEAR(indeg[465], centre, 4 * std::sqrt(centre));
}

TEST(Space, ConductionDelaysGrowWithDistance) {
  auto spec = test::spec_from(sheet(
      R"({ layout = "grid", shape = [30, 30], extent = ["3 mm", "3 mm"] })",
      R"({ rule = "fixed_probability", p = 0.05 })",
      R"({ weight = "1 pA", delay = { distance = { velocity = "0.5 m/s", offset = "0.3 ms" } } })"));
  const auto& pos = spec.populations[0].positions;
  Projection pr = build_projection(spec, 0);
  ASSERT_EQ(pr.delay.size(), pr.size());
  for (uint32_t i = 0; i < 900; ++i)
    for (uint32_t k = pr.row_offset[i]; k < pr.row_offset[i + 1]; ++k) {
      const uint32_t j = pr.target[k];
      const double d = std::hypot(pos[i][0] - pos[j][0], pos[i][1] - pos[j][1]);
      // 0.5 m/s = 500 um/ms
      EXPECT_EQ(pr.delay[k], std::max(1.0, std::round((0.3 + d / 500.0) / 0.1))) << i << "->" << j;
    }
}

TEST(Space, ThreadShardsOfASpatialProjectionEqualTheWhole) {
  auto spec = test::spec_from(sheet(
      R"({ layout = "random", extent = ["1 mm", "1 mm"], periodic = true })",
      R"({ rule = "fixed_probability", p = 0.5, profile = { gaussian = { sigma = "150 um" } } })",
      R"({ weight = { normal = { mean = "5 pA", sd = "1 pA" } }, delay = { distance = { velocity = "1 m/s" } } })"));
  Projection whole = build_projection(spec, 0);
  size_t total = 0;
  for (auto [lo, hi] : {std::pair{0u, 300u}, std::pair{300u, 900u}}) {
    Projection s = build_projection(spec, 0, lo, hi);
    total += s.size();
    for (uint32_t i = 0; i < 900; ++i) {
      std::vector<std::tuple<uint32_t, float, uint16_t>> a, b;
      for (uint32_t k = whole.row_offset[i]; k < whole.row_offset[i + 1]; ++k)
        if (whole.target[k] >= lo && whole.target[k] < hi)
          a.emplace_back(whole.target[k], whole.weight[k], whole.delay[k]);
      for (uint32_t k = s.row_offset[i]; k < s.row_offset[i + 1]; ++k)
        b.emplace_back(s.target[k], s.weight[k], s.delay[k]);
      ASSERT_EQ(a, b) << "row " << i;
    }
  }
  EXPECT_EQ(total, whole.size());
}

// A profile with a cutoff (or a custom profile, 0 beyond its last distance) tries only the
// sources in cells near each target. With the cutoff beyond the box it is every source in
// the same order: the same network, bit for bit. With a short cutoff nothing is made beyond
// it, and within it the probability is the profile's, for open and periodic boxes alike; the
// thread shards still make up the whole.
Projection built(const std::string& space, const std::string& profile, uint32_t lo = 0,
                 uint32_t hi = UINT32_MAX) {
  auto spec = test::spec_from(
      sheet(space, "{ rule = \"fixed_probability\", p = 0.9, profile = " + profile + " }",
            R"({ weight = "1 pA" })"));
  return hi == UINT32_MAX ? build_projection(spec, 0) : build_projection(spec, 0, lo, hi);
}

TEST(Space, CutoffBeyondTheBoxChangesNothing) {
  for (const char* space :
       {R"({ layout = "grid", shape = [30, 30], extent = ["1 mm", "1 mm"], periodic = true })",
        R"({ layout = "random", extent = ["1 mm", "1 mm"] })"}) {
    const Projection a = built(space, R"({ gaussian = { sigma = "150 um" } })");
    const Projection b = built(space, R"({ gaussian = { sigma = "150 um" }, cutoff = "2 mm" })");
    EXPECT_EQ(a.row_offset, b.row_offset) << space;
    EXPECT_EQ(a.target, b.target) << space;
  }
}

TEST(Space, CutoffMakesNothingBeyondItAndKeepsTheProfileWithin) {
  for (const bool periodic : {true, false}) {
    const std::string space = fmt::format(
        R"({{ layout = "random", extent = ["1 mm", "1 mm"], periodic = {} }})", periodic);
    auto spec = test::spec_from(sheet(
        space,
        R"({ rule = "fixed_probability", p = 0.9, profile = { gaussian = { sigma = "150 um" }, cutoff = "200 um" } })",
        R"({ weight = "1 pA" })"));
    const auto& pos = spec.populations[0].positions;
    auto dist = [&](uint32_t i, uint32_t j) {
      double s2 = 0;
      for (int k = 0; k < 2; ++k) {
        double d = std::fabs(pos[i][k] - pos[j][k]);
        if (periodic) d = std::min(d, 1000.0 - d);
        s2 += d * d;
      }
      return std::sqrt(s2);
    };
    const Projection pr = build_projection(spec, 0);
    double expected = 0;
    for (uint32_t i = 0; i < 900; ++i)
      for (uint32_t j = 0; j < 900; ++j) {
        const double d = dist(i, j);
        if (d <= 200.0) expected += 0.9 * std::exp(-0.5 * d * d / (150.0 * 150.0));
      }
    double farthest = 0;
    for (uint32_t i = 0; i < 900; ++i)
      for (uint32_t k = pr.row_offset[i]; k < pr.row_offset[i + 1]; ++k)
        farthest = std::max(farthest, dist(i, pr.target[k]));
    EXPECT_LE(farthest, 200.0) << "periodic " << periodic;
    EXPECT_GT(farthest, 180.0) << "periodic " << periodic;
    EXPECT_NEAR(static_cast<double>(pr.size()), expected, 4 * std::sqrt(expected))
        << "periodic " << periodic;
    // the thread shards make up the whole
    const std::string profile = R"({ gaussian = { sigma = "150 um" }, cutoff = "200 um" })";
    const Projection lo = built(space, profile, 0, 450), hi = built(space, profile, 450, 900);
    EXPECT_EQ(lo.size() + hi.size(), pr.size());
  }
}

TEST(Space, InputErrors) {
  auto error = [](const std::string& model) -> std::string {
    try {
      test::spec_from(model);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(error(sheet(R"({ layout = "grid", shape = [30, 31], extent = ["1 mm", "1 mm"] })",
                        R"({ rule = "one_to_one" })", R"({ weight = "1 pA" })"))
                .find("the grid holds 930 points but the population has 900 neurons"),
            std::string::npos);
  EXPECT_NE(error(sheet(R"({ layout = "hexagonal", extent = ["1 mm"] })",
                        R"({ rule = "one_to_one" })", R"({ weight = "1 pA" })"))
                .find("expected \"grid\" or \"random\""),
            std::string::npos);
  EXPECT_NE(error(sheet(R"({ layout = "random", extent = ["1 mV"] })", R"({ rule = "one_to_one" })",
                        R"({ weight = "1 pA" })"))
                .find("expected a length"),
            std::string::npos);
  // a profile between populations that are not placed
  const std::string unplaced = R"(
[protocol]
duration = "1 ms"
[[population]]
name = "a"
size = 10
model = "lif_psc_exp"
[[projection]]
from = "a"
to = "a"
connect = { rule = "fixed_probability", p = 0.5, profile = { gaussian = { sigma = "1 um" } } }
synapse = { weight = "1 pA" }
)";
  const std::string msg = error(unplaced);
  EXPECT_NE(msg.find("test.toml:11:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("connect.profile: needs both populations placed in space"), std::string::npos)
      << msg;
  EXPECT_NE(error(sheet(R"({ layout = "random", extent = ["1 mm"] })",
                        R"({ rule = "fixed_probability", p = 0.5, profile = { gaussian = {} } })",
                        R"({ weight = "1 pA" })"))
                .find("sigma: is required"),
            std::string::npos);
  EXPECT_NE(error(sheet(R"({ layout = "random", extent = ["1 mm"] })", R"({ rule = "one_to_one" })",
                        R"({ weight = "1 pA", delay = { distance = { velocity = "-1 m/s" } } })"))
                .find("velocity: must be > 0"),
            std::string::npos);
  EXPECT_NE(
      error(
          sheet(
              R"({ layout = "random", extent = ["1 mm"] })",
              R"({ rule = "fixed_probability", p = 0.5, profile = { gaussian = { sigma = "1 um" }, cutoff = "0 um" } })",
              R"({ weight = "1 pA" })"))
          .find("profile.cutoff: must be > 0 um"),
      std::string::npos);
}

}  // namespace
}  // namespace engram
