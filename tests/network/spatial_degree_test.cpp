// Fixed-degree rules with a distance profile (fixed_outdegree / fixed_indegree with
// `profile`): exact degrees, the distance distribution of the drawn partners against the
// exact probabilities profile(d_j) / sum_i profile(d_i), periodic wrap-around, open boxes,
// random layouts, the sampler's fallback, sampling without replacement, thread shards and
// errors.
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engram/network/connectivity.hpp"
#include "engram/network/spatial_sampler.hpp"
#include "test_support.hpp"

namespace engram {
namespace {

// Two placed populations "a" (sources) and "b" (targets).
std::string layers(std::string_view space_a, int n_a, std::string_view space_b, int n_b,
                   std::string_view connect, bool self = false) {
  return fmt::format(R"(
[protocol]
duration = "1 ms"
seed = 5
[[population]]
name = "a"
size = {}
model = "lif_psc_exp"
space = {}
[[population]]
name = "b"
size = {}
model = "lif_psc_exp"
space = {}
[[projection]]
from = "a"
to = "{}"
connect = {}
synapse = {{ weight = {{ normal = {{ mean = "10 pA", sd = "2 pA" }} }}, delay = {{ uniform = ["0.5 ms", "3 ms"] }} }}
)",
                     n_a, space_a, n_b, space_b, self ? "a" : "b", connect);
}

const char* kGrid40 =
    R"({ layout = "grid", shape = [40, 40], extent = ["1 mm", "1 mm"], periodic = true })";
const char* kGrid30 =
    R"({ layout = "grid", shape = [30, 30], extent = ["1 mm", "1 mm"], periodic = true })";

// Counts of the drawn synapses in distance bins against the exact expectation: each owner
// draws k partners independently (with multapses) from p_j = profile(d_j) / sum profile,
// so a bin's count has mean sum_owners k P(bin) and variance sum_owners k P(1 - P). Every
// bin within 4 standard deviations, and a chi-square over the bins below a generous bound.
void expect_distances_follow_profile(const ModelSpec& spec, const Projection& pr, double bin_um,
                                     int bins) {
  const auto& ps = spec.projections[0];
  const bool in = ps.connect.rule == ConnectRule::fixed_indegree;
  const auto& pre = spec.populations[ps.from];
  const auto& post = spec.populations[ps.to];
  const BoxMetric metric{post.extent, post.periodic};
  const auto& owners = in ? post.positions : pre.positions;
  const auto& pool = in ? pre.positions : post.positions;
  const double k = ps.connect.k;
  std::vector<double> observed(bins, 0), mean(bins, 0), var(bins, 0);
  std::vector<double> p(bins);
  for (const auto& x : owners) {
    std::fill(p.begin(), p.end(), 0.0);
    double total = 0;
    for (const auto& y : pool) {
      const double d = metric(x, y), w = ps.connect.profile(d);
      total += w;
      p[std::min(bins - 1, static_cast<int>(d / bin_um))] += w;
    }
    for (int b = 0; b < bins; ++b) {
      mean[b] += k * p[b] / total;
      var[b] += k * (p[b] / total) * (1 - p[b] / total);
    }
  }
  for (uint32_t i = 0; i + 1 < pr.row_offset.size(); ++i)
    for (uint32_t s = pr.row_offset[i]; s < pr.row_offset[i + 1]; ++s) {
      const double d = metric(pre.positions[i], post.positions[pr.target[s]]);
      observed[std::min(bins - 1, static_cast<int>(d / bin_um))] += 1;
    }
  double chi2 = 0;
  int dof = 0;
  for (int b = 0; b < bins; ++b) {
    EXPECT_NEAR(observed[b], mean[b], 4 * std::sqrt(var[b]) + 1e-9)
        << "bin " << b << " [" << b * bin_um << ", " << (b + 1) * bin_um << ") um";
    if (var[b] > 5) {
      chi2 += (observed[b] - mean[b]) * (observed[b] - mean[b]) / var[b];
      ++dof;
    }
  }
  // chi-square with dof degrees of freedom: mean dof, sd sqrt(2 dof)
  EXPECT_LT(chi2, dof + 5 * std::sqrt(2.0 * dof)) << dof << " bins";
}

std::vector<uint32_t> out_degrees(const Projection& pr) {
  std::vector<uint32_t> d;
  for (uint32_t i = 0; i + 1 < pr.row_offset.size(); ++i)
    d.push_back(pr.row_offset[i + 1] - pr.row_offset[i]);
  return d;
}

TEST(SpatialDegree, OutdegreeGaussianBetweenDifferentGrids) {
  // 40x40 sources onto a 30x30 grid on the same periodic square (the grids do not align)
  const auto spec = test::spec_from(layers(
      kGrid40, 1600, kGrid30, 900,
      R"({ rule = "fixed_outdegree", k = 60, profile = { gaussian = { sigma = "120 um" } } })"));
  const Projection pr = build_projection(spec, 0);
  for (uint32_t d : out_degrees(pr)) ASSERT_EQ(d, 60u);
  expect_distances_follow_profile(spec, pr, 25.0, 24);
  // every target is reached about equally often on a periodic sheet (no edge)
  std::vector<double> indeg(900, 0);
  for (uint32_t t : pr.target) ++indeg[t];
  double m = 0, v = 0;
  for (double x : indeg) m += x;
  m /= 900;
  for (double x : indeg) v += (x - m) * (x - m);
  v /= 899;
  EXPECT_NEAR(m, 1600.0 * 60 / 900, 1e-9);
  EXPECT_LT(v, 2.0 * m);  // about Poisson; an edge effect would add a large spread
}

TEST(SpatialDegree, WrapsAroundPeriodicBoundariesSymmetrically) {
  const auto spec = test::spec_from(layers(
      kGrid40, 1600, kGrid30, 900,
      R"({ rule = "fixed_outdegree", k = 200, profile = { gaussian = { sigma = "80 um" } } })"));
  const Projection pr = build_projection(spec, 0);
  const auto& pre = spec.populations[0].positions;
  const auto& post = spec.populations[1].positions;
  // signed periodic displacement target - source, per axis
  auto wrap = [](double d) { return d - 1000.0 * std::round(d / 1000.0); };
  for (uint32_t src : {0u, 39u, 1599u, 820u}) {  // three corners and the centre
    double sx = 0, sy = 0, sxx = 0, syy = 0, far_x = 0;
    const uint32_t n = pr.row_offset[src + 1] - pr.row_offset[src];
    for (uint32_t s = pr.row_offset[src]; s < pr.row_offset[src + 1]; ++s) {
      const auto& y = post[pr.target[s]];
      const double dx = wrap(y[0] - pre[src][0]), dy = wrap(y[1] - pre[src][1]);
      sx += dx;
      sy += dy;
      sxx += dx * dx;
      syy += dy * dy;
      far_x += std::fabs(y[0] - pre[src][0]) > 500.0;  // reached the other way round
      EXPECT_LT(std::hypot(dx, dy), 6 * 80.0);
    }
    const double se = 80.0 / std::sqrt(n);
    EXPECT_NEAR(sx / n, 0.0, 4 * se) << src;  // centred on the source, corners included
    EXPECT_NEAR(sy / n, 0.0, 4 * se) << src;
    EXPECT_NEAR(std::sqrt(sxx / n), 80.0, 12.0) << src;  // isotropic, sigma per axis
    EXPECT_NEAR(std::sqrt(syy / n), 80.0, 12.0) << src;
    if (src == 0) {
      EXPECT_GT(far_x, 0.3 * n);  // a corner's neighbours lie across the edge
    }
    if (src == 820) {
      EXPECT_EQ(far_x, 0);
    }
  }
}

TEST(SpatialDegree, IndegreeExponentialOnRandomLayoutInAnOpenBox) {
  // random positions (cell list with several neurons per cell), open boundaries, 3-D
  const char* space = R"({ layout = "random", extent = ["600 um", "600 um", "200 um"] })";
  const auto spec = test::spec_from(layers(
      space, 1500, space, 500,
      R"({ rule = "fixed_indegree", k = 40, profile = { exponential = { lambda = "90 um" } } })"));
  const Projection pr = build_projection(spec, 0);
  std::vector<int> indeg(500, 0);
  for (uint32_t t : pr.target) ++indeg[t];
  for (int d : indeg) ASSERT_EQ(d, 40);
  expect_distances_follow_profile(spec, pr, 30.0, 20);
}

TEST(SpatialDegree, CustomRingProfileWithoutMultapses) {
  // a ring: no partner closer than 50 um or farther than 250 um; 30 distinct partners
  const auto spec = test::spec_from(layers(
      kGrid40, 1600, kGrid30, 900,
      R"({ rule = "fixed_outdegree", k = 30, multapses = false, profile = { custom = { distances = ["50 um", "100 um", "200 um", "250 um"], values = [0.0, 1.0, 1.0, 0.0] } } })"));
  const Projection pr = build_projection(spec, 0);
  const BoxMetric metric{{1000, 1000, 0}, true};
  const auto& pre = spec.populations[0].positions;
  const auto& post = spec.populations[1].positions;
  for (uint32_t i = 0; i < 1600; ++i) {
    std::set<uint32_t> uniq;
    for (uint32_t s = pr.row_offset[i]; s < pr.row_offset[i + 1]; ++s) {
      uniq.insert(pr.target[s]);
      const double d = metric(pre[i], post[pr.target[s]]);
      ASSERT_GT(d, 50.0);
      ASSERT_LT(d, 250.0);
    }
    ASSERT_EQ(uniq.size(), 30u) << i;
  }
}

TEST(SpatialDegree, WithoutMultapsesTakesEveryPartnerWithinReach) {
  // k equal to the number of partners with a positive weight: the sampler has to switch to
  // exact sampling without replacement and ends with exactly those partners
  const auto spec = test::spec_from(layers(
      kGrid30, 900, kGrid30, 900,
      R"({ rule = "fixed_indegree", k = 8, multapses = false, autapses = false, profile = { custom = { distances = ["0 um", "48 um"], values = [1.0, 1.0] } } })",
      true));
  // grid spacing 33.3 um: within 48 um lie the 8 neighbours (4 at 33.3, 4 at 47.1 um)
  const Projection pr = build_projection(spec, 0);
  std::map<uint32_t, std::set<uint32_t>> sources;
  for (uint32_t i = 0; i < 900; ++i)
    for (uint32_t s = pr.row_offset[i]; s < pr.row_offset[i + 1]; ++s)
      sources[pr.target[s]].insert(i);
  const BoxMetric metric{{1000, 1000, 0}, true};
  const auto& pos = spec.populations[0].positions;
  for (uint32_t j = 0; j < 900; ++j) {
    ASSERT_EQ(sources[j].size(), 8u);
    for (uint32_t i : sources[j]) {
      EXPECT_NE(i, j);
      EXPECT_LT(metric(pos[i], pos[j]), 48.0);
    }
  }
  // one more than there are: a clear error naming the projection
  try {
    build_projection(
        test::spec_from(layers(
            kGrid30, 900, kGrid30, 900,
            R"({ rule = "fixed_indegree", k = 9, multapses = false, autapses = false, profile = { custom = { distances = ["0 um", "48 um"], values = [1.0, 1.0] } } })",
            true)),
        0);
    ADD_FAILURE() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("has only 8 distinct partners within reach"),
              std::string::npos)
        << e.what();
    EXPECT_NE(e.key_path().find("connect"), std::string::npos);
  }
}

TEST(SpatialDegree, FallsBackToExactInversionForOwnersFarOutsideAnOpenBox) {
  // sources spread over 20 mm, targets on a 100 um grid: the bound table would have
  // millions of entries, so the sampler inverts the exact weights per owner instead
  const auto spec = test::spec_from(layers(
      R"({ layout = "random", extent = ["20 mm", "20 mm"] })", 300,
      R"({ layout = "grid", shape = [10, 10], extent = ["100 um", "100 um"] })", 100,
      R"({ rule = "fixed_outdegree", k = 50, profile = { gaussian = { sigma = "8 mm" } } })"));
  const auto& ps = spec.projections[0];
  SpatialSampler probe(spec.populations[1].positions, spec.populations[1].extent,
                       spec.populations[0].positions, BoxMetric{spec.populations[1].extent, false},
                       ps.connect.profile);
  EXPECT_FALSE(probe.tabulated());
  const Projection pr = build_projection(spec, 0);
  for (uint32_t d : out_degrees(pr)) ASSERT_EQ(d, 50u);
  expect_distances_follow_profile(spec, pr, 2000.0, 12);
}

TEST(SpatialDegree, ThreadShardsAreTheWholeProjection) {
  const char* rules[] = {
      R"({ rule = "fixed_outdegree", k = 25, profile = { gaussian = { sigma = "100 um" } } })",
      R"({ rule = "fixed_outdegree", k = 25, multapses = false, autapses = false, profile = { exponential = { lambda = "60 um" } } })",
      R"({ rule = "fixed_indegree", k = 25, profile = { gaussian = { sigma = "100 um" } } })",
      R"({ rule = "fixed_indegree", k = 25, multapses = false, profile = { custom = { distances = ["0 um", "300 um"], values = [1.0, 0.2] } } })",
  };
  for (const char* space :
       {kGrid30, R"({ layout = "random", extent = ["1 mm", "1 mm"], periodic = true })"})
    for (const char* rule : rules) {
      const auto spec = test::spec_from(layers(space, 900, space, 900, rule, true));
      const Projection whole = build_projection(spec, 0);
      size_t total = 0;
      for (auto [lo, hi] : {std::pair{0u, 250u}, std::pair{250u, 611u}, std::pair{611u, 900u}}) {
        const Projection s = build_projection(spec, 0, lo, hi);
        total += s.size();
        for (uint32_t i = 0; i < 900; ++i) {
          std::vector<std::tuple<uint32_t, float, uint16_t>> a, b;
          for (uint32_t k = whole.row_offset[i]; k < whole.row_offset[i + 1]; ++k)
            if (whole.target[k] >= lo && whole.target[k] < hi)
              a.emplace_back(whole.target[k], whole.weight[k], whole.delay[k]);
          for (uint32_t k = s.row_offset[i]; k < s.row_offset[i + 1]; ++k)
            b.emplace_back(s.target[k], s.weight[k], s.delay[k]);
          ASSERT_EQ(a, b) << rule << " row " << i;
        }
      }
      EXPECT_EQ(total, whole.size()) << rule;
      EXPECT_EQ(whole.size(), 900u * 25u) << rule;
    }
}

TEST(SpatialDegree, SameSeedSameSynapsesOtherSeedOthers) {
  const auto model = layers(
      kGrid40, 1600, kGrid30, 900,
      R"({ rule = "fixed_outdegree", k = 10, profile = { gaussian = { sigma = "100 um" } } })");
  const Projection a = build_projection(test::spec_from(model), 0);
  const Projection b = build_projection(test::spec_from(model), 0);
  const Projection c = build_projection(test::spec_from(model, {{"protocol.seed", "6"}}), 0);
  EXPECT_EQ(a.target, b.target);
  EXPECT_NE(a.target, c.target);
}

TEST(SpatialDegree, InputErrors) {
  auto error = [](const std::string& model) -> std::string {
    try {
      build_projection(test::spec_from(model), 0);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  // not placed
  EXPECT_NE(error(R"(
[protocol]
duration = "1 ms"
[[population]]
name = "a"
size = 10
model = "lif_psc_exp"
[[projection]]
from = "a"
to = "a"
connect = { rule = "fixed_outdegree", k = 2, profile = { gaussian = { sigma = "1 um" } } }
synapse = { weight = "1 pA" }
)")
                .find("connect.profile: needs both populations placed in space"),
            std::string::npos);
  // a profile that reaches nobody: every neuron is 33 um from its nearest neighbour
  EXPECT_NE(
      error(
          layers(
              kGrid30, 900, kGrid30, 900,
              R"({ rule = "fixed_outdegree", k = 2, autapses = false, profile = { custom = { distances = ["0 um", "10 um"], values = [1.0, 1.0] } } })",
              true))
          .find("has no partner within reach of the distance profile"),
      std::string::npos);
}

}  // namespace
}  // namespace engram
