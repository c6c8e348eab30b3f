// Connection rules: exact counts where the rule fixes them, statistics where it draws them,
// autapse/multapse options, weight and delay distributions, sign-preserving clipping.
#include "engram/network/connectivity.hpp"

#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engram/core/random.hpp"
#include "test_support.hpp"

namespace engram {
namespace {

std::string two_populations(int n_a, int n_b, std::string_view connect, std::string_view synapse,
                            bool self = false) {
  return fmt::format(R"(
[protocol]
duration = "1 ms"
seed = 3
[[population]]
name = "a"
size = {}
model = "lif_psc_exp"
[[population]]
name = "b"
size = {}
model = "lif_psc_exp"
[[projection]]
from = "a"
to = "{}"
connect = {}
synapse = {}
)",
                     n_a, n_b, self ? "a" : "b", connect, synapse);
}

Projection build(std::string_view toml) {
  return build_projection(test::spec_from(toml), 0);
}

// (pre, post) pairs of a projection, in CSR order
std::vector<std::pair<uint32_t, uint32_t>> pairs(const Projection& p) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  for (uint32_t i = 0; i + 1 < p.row_offset.size(); ++i)
    for (uint32_t k = p.row_offset[i]; k < p.row_offset[i + 1]; ++k)
      out.emplace_back(i, p.target[k]);
  return out;
}

TEST(Connectivity, AllToAll) {
  auto p = build(two_populations(7, 5, R"({ rule = "all_to_all" })", R"({ weight = "1 pA" })"));
  EXPECT_EQ(p.size(), 35u);
  auto self = build(two_populations(7, 5, R"({ rule = "all_to_all", autapses = false })",
                                    R"({ weight = "1 pA" })", true));
  EXPECT_EQ(self.size(), 42u);
  for (auto [i, j] : pairs(self)) EXPECT_NE(i, j);
}

TEST(Connectivity, OneToOne) {
  auto p = build(two_populations(6, 6, R"({ rule = "one_to_one" })", R"({ weight = "1 pA" })"));
  auto pr = pairs(p);
  ASSERT_EQ(pr.size(), 6u);
  for (auto [i, j] : pr) EXPECT_EQ(i, j);
}

TEST(Connectivity, FixedIndegreeGivesEveryTargetExactlyK) {
  for (bool multapses : {true, false}) {
    auto p = build(two_populations(
        50, 80, fmt::format(R"({{ rule = "fixed_indegree", k = 20, multapses = {} }})", multapses),
        R"({ weight = "1 pA" })", true));
    std::map<uint32_t, std::vector<uint32_t>> in;
    for (auto [i, j] : pairs(p)) in[j].push_back(i);
    ASSERT_EQ(in.size(), 50u);
    bool any_multapse = false;
    for (auto& [j, srcs] : in) {
      EXPECT_EQ(srcs.size(), 20u);
      std::set<uint32_t> uniq(srcs.begin(), srcs.end());
      if (!multapses) {
        EXPECT_EQ(uniq.size(), 20u);
      }
      any_multapse |= uniq.size() < 20;
      // autapses are allowed by default
    }
    // with 20 draws from 50, a repeat in some of 50 targets is practically certain
    EXPECT_EQ(any_multapse, multapses);
  }
  auto no_self = build(two_populations(
      30, 1, R"({ rule = "fixed_indegree", k = 29, autapses = false, multapses = false })",
      R"({ weight = "1 pA" })", true));
  for (auto [i, j] : pairs(no_self)) EXPECT_NE(i, j);
  EXPECT_EQ(no_self.size(), 30u * 29u);
}

TEST(Connectivity, FixedOutdegreeGivesEverySourceExactlyK) {
  auto p = build(
      two_populations(40, 100, R"({ rule = "fixed_outdegree", k = 7 })", R"({ weight = "1 pA" })"));
  for (uint32_t i = 0; i < 40; ++i) EXPECT_EQ(p.row_offset[i + 1] - p.row_offset[i], 7u);
}

TEST(Connectivity, FixedProbabilityMatchesBinomialStatistics) {
  const int n = 1000;
  const double prob = 0.05;
  auto p = build(two_populations(n, n, R"({ rule = "fixed_probability", p = 0.05 })",
                                 R"({ weight = "1 pA" })"));
  // total ~ Binomial(n^2, p): mean 50000, sd 218
  EXPECT_NEAR(static_cast<double>(p.size()), n * n * prob,
              4 * std::sqrt(n * n * prob * (1 - prob)));
  // in-degrees are Binomial(n, p): variance n p (1-p) = 47.5
  std::vector<int> indeg(n, 0);
  for (auto [i, j] : pairs(p)) ++indeg[j];
  double m = 0, v = 0;
  for (int d : indeg) m += d;
  m /= n;
  for (int d : indeg) v += (d - m) * (d - m);
  v /= n - 1;
  EXPECT_NEAR(v, n * prob * (1 - prob), 0.15 * n * prob * (1 - prob));
  // no duplicates: each pair is drawn at most once
  auto pr = pairs(p);
  std::set<std::pair<uint32_t, uint32_t>> uniq(pr.begin(), pr.end());
  EXPECT_EQ(uniq.size(), pr.size());
  auto none = build(two_populations(10, 10, R"({ rule = "fixed_probability", p = 0.0 })",
                                    R"({ weight = "1 pA" })"));
  EXPECT_EQ(none.size(), 0u);
  auto all =
      build(two_populations(10, 10, R"({ rule = "fixed_probability", p = 1.0, autapses = false })",
                            R"({ weight = "1 pA" })", true));
  EXPECT_EQ(all.size(), 90u);
}

TEST(Connectivity, FixedTotalNumberDrawsExactlyNPairsUniformly) {
  const int n = 200000, n_post = 500, n_pre = 400;
  auto p = build(two_populations(n_pre, n_post, R"({ rule = "fixed_total_number", n = 200000 })",
                                 R"({ weight = "1 pA" })"));
  EXPECT_EQ(p.size(), static_cast<size_t>(n));
  // in-degrees ~ Binomial(n, 1/n_post): mean 400, variance 399.2
  std::vector<double> indeg(n_post, 0), outdeg(n_pre, 0);
  for (auto [i, j] : pairs(p)) {
    ++indeg[j];
    ++outdeg[i];
  }
  auto variance = [](const std::vector<double>& x) {
    double m = 0, v = 0;
    for (double a : x) m += a;
    m /= x.size();
    for (double a : x) v += (a - m) * (a - m);
    return v / (x.size() - 1);
  };
  const double var_in = static_cast<double>(n) / n_post * (1 - 1.0 / n_post);
  EXPECT_NEAR(variance(indeg), var_in, 0.2 * var_in);  // sd of a variance over 500 samples ~6 %
  const double var_out = static_cast<double>(n) / n_pre * (1 - 1.0 / n_pre);
  EXPECT_NEAR(variance(outdeg), var_out, 0.2 * var_out);
  auto no_self =
      build(two_populations(30, 1, R"({ rule = "fixed_total_number", n = 5000, autapses = false })",
                            R"({ weight = "1 pA" })", true));
  EXPECT_EQ(no_self.size(), 5000u);
  for (auto [i, j] : pairs(no_self)) EXPECT_NE(i, j);
  // bad input
  EXPECT_THROW(build(two_populations(10, 10, R"({ rule = "fixed_total_number", n = -1 })",
                                     R"({ weight = "1 pA" })")),
               InputError);
  EXPECT_THROW(
      build(two_populations(10, 10, R"({ rule = "fixed_total_number", n = 5, multapses = false })",
                            R"({ weight = "1 pA" })")),
      InputError);
}

TEST(Connectivity, FromFileKeepsTheListAndItsWeightsAndDelays) {
  auto p = build(two_populations(3, 3, R"({ rule = "from_file", file = "connections.csv" })",
                                 R"({ weight = "5 pA", delay = "1 ms" })"));
  // tests/data/connections.csv: 0,1,2.5,0.5 / 2,0 / 0,2,-1,2
  auto pr = pairs(p);
  ASSERT_EQ(pr.size(), 3u);
  EXPECT_EQ(pr[0], std::make_pair(0u, 1u));
  EXPECT_EQ(pr[1], std::make_pair(0u, 2u));
  EXPECT_EQ(pr[2], std::make_pair(2u, 0u));
  ASSERT_EQ(p.weight.size(), 3u);
  EXPECT_FLOAT_EQ(p.weight[0], 2.5f);
  EXPECT_FLOAT_EQ(p.weight[1], -1.0f);
  EXPECT_FLOAT_EQ(p.weight[2], 5.0f);  // no weight in the file: the synapse's
  ASSERT_EQ(p.delay.size(), 3u);
  EXPECT_EQ(p.delay[0], 5);   // 0.5 ms
  EXPECT_EQ(p.delay[1], 20);  // 2 ms
  EXPECT_EQ(p.delay[2], 10);  // 1 ms from the synapse
}

TEST(Connectivity, ConstantWeightAndDelayAreStoredOnce) {
  auto p = build(two_populations(100, 100, R"({ rule = "fixed_probability", p = 0.1 })",
                                 R"({ weight = "2 pA", delay = "1.5 ms" })"));
  EXPECT_TRUE(p.weight.empty());
  EXPECT_TRUE(p.delay.empty());
  EXPECT_EQ(p.uniform_delay, 15);
  EXPECT_DOUBLE_EQ(p.uniform_weight, 2.0);
  EXPECT_EQ(p.synapse_bytes(), 4 * p.size());
}

TEST(Connectivity, DrawnWeightsFollowTheirDistributionAndKeepTheirSign) {
  auto p = build(two_populations(400, 400, R"({ rule = "fixed_probability", p = 0.2 })",
                                 R"({ weight = { normal = { mean = "10 pA", sd = "8 pA" } } })"));
  double m = 0, zeros = 0;
  for (float w : p.weight) {
    EXPECT_GE(w, 0.0f);  // clipped at 0, never inhibitory
    m += w;
    zeros += w == 0.0f;
  }
  m /= p.size();
  // clipped normal: P(w < 0) = Phi(-1.25) = 0.1056; mean = mu + sd*phi(1.25)... measured
  // against the closed form of the mean of max(X, 0)
  const double a = 10.0 / 8.0;
  const double phi = std::exp(-0.5 * a * a) / std::sqrt(2 * M_PI);
  const double Phi = 0.5 * std::erfc(-a / std::sqrt(2.0));
  EXPECT_NEAR(zeros / p.size(), 1 - Phi, 0.01);
  EXPECT_NEAR(m, 10.0 * Phi + 8.0 * phi, 0.1);
  auto inh = build(two_populations(200, 200, R"({ rule = "fixed_probability", p = 0.2 })",
                                   R"({ weight = { uniform = ["-10 pA", "2 pA"] } })"));
  for (float w : inh.weight) EXPECT_LE(w, 0.0f);  // mean -4 pA: inhibitory, never excitatory
}

TEST(Connectivity, BytesPerSynapse) {
  // DESIGN.md: a static synapse costs <= 8 bytes with a uniform delay, <= 12 with its own
  auto own_weight =
      build(two_populations(300, 300, R"({ rule = "fixed_probability", p = 0.1 })",
                            R"({ weight = { normal = { mean = "10 pA", sd = "1 pA" } } })"));
  EXPECT_EQ(own_weight.synapse_bytes(), 8 * own_weight.size());
  auto own_both = build(two_populations(
      300, 300, R"({ rule = "fixed_probability", p = 0.1 })",
      R"({ weight = { normal = { mean = "10 pA", sd = "1 pA" } }, delay = { uniform = ["1 ms", "2 ms"] } })"));
  EXPECT_EQ(own_both.synapse_bytes(), 10 * own_both.size());
  // the row index adds 4 bytes per source neuron
  EXPECT_EQ(own_both.index_bytes(), 4 * 301u);
}

TEST(Connectivity, DrawnDelaysAreRoundedToStepsAndAtLeastOne) {
  auto p =
      build(two_populations(100, 100, R"({ rule = "fixed_probability", p = 0.2 })",
                            R"({ weight = "1 pA", delay = { uniform = ["0.1 ms", "3 ms"] } })"));
  ASSERT_EQ(p.delay.size(), p.size());
  std::set<uint16_t> seen(p.delay.begin(), p.delay.end());
  EXPECT_EQ(*seen.begin(), 1);
  EXPECT_EQ(*seen.rbegin(), 30);
  EXPECT_EQ(p.min_delay, 1);
  EXPECT_EQ(p.max_delay, 30);
  auto ln =
      build(two_populations(100, 100, R"({ rule = "fixed_probability", p = 0.2 })",
                            R"({ weight = { lognormal = { median = "2 pA", sigma = 0.5 } } })"));
  std::vector<float> w(ln.weight.begin(), ln.weight.end());
  std::nth_element(w.begin(), w.begin() + w.size() / 2, w.end());
  EXPECT_NEAR(w[w.size() / 2], 2.0, 0.05);
}

TEST(Connectivity, SameSeedSameSynapsesOtherSeedOther) {
  const auto model =
      two_populations(300, 300, R"({ rule = "fixed_probability", p = 0.1 })",
                      R"({ weight = { normal = { mean = "10 pA", sd = "1 pA" } } })");
  auto a = build_projection(test::spec_from(model), 0);
  auto b = build_projection(test::spec_from(model), 0);
  auto c = build_projection(test::spec_from(model, {{"protocol.seed", "4"}}), 0);
  EXPECT_EQ(a.target, b.target);
  EXPECT_EQ(a.weight, b.weight);
  EXPECT_NE(a.target, c.target);
}

TEST(Connectivity, ThreadShardsAreTheWholeProjectionSplitByTarget) {
  // every rule, with drawn weights and delays: a shard built on its own holds exactly the
  // synapses of the whole projection onto its targets, in row order, with the same values
  const char* rules[] = {
      R"({ rule = "all_to_all", autapses = false })",
      R"({ rule = "one_to_one" })",
      R"({ rule = "fixed_probability", p = 0.2 })",
      R"({ rule = "fixed_indegree", k = 9, multapses = false })",
      R"({ rule = "fixed_outdegree", k = 13 })",
      R"({ rule = "fixed_total_number", n = 700, autapses = false })",
      R"({ rule = "from_file", file = "connections.csv" })",
      // distance profiles (the population is placed in space below)
      R"({ rule = "fixed_outdegree", k = 13, profile = { gaussian = { sigma = "200 um" } } })",
      R"({ rule = "fixed_indegree", k = 9, multapses = false, profile = { exponential = { lambda = "150 um" } } })",
  };
  for (const char* rule : rules) {
    const auto model = two_populations(
        50, 50, rule,
        R"({ weight = { normal = { mean = "10 pA", sd = "3 pA" } }, delay = { uniform = ["0.5 ms", "3 ms"] } })",
        true);
    const auto spec = test::spec_from(
        model,
        {{"population.a.space",
          R"({ layout = "grid", shape = [10, 5], extent = ["1 mm", "500 um"], periodic = true })"}});
    const Projection whole = build_projection(spec, 0);
    ASSERT_GT(whole.size(), 0u) << rule;
    size_t total = 0;
    for (uint32_t lo : {0u, 17u, 33u}) {
      const uint32_t hi = lo == 0 ? 17 : lo == 17 ? 33 : 50;
      const Projection shard = build_projection(spec, 0, lo, hi);
      total += shard.size();
      for (uint32_t i = 0; i + 1 < whole.row_offset.size(); ++i) {
        std::vector<std::tuple<uint32_t, float, uint16_t>> expected, got;
        for (uint32_t k = whole.row_offset[i]; k < whole.row_offset[i + 1]; ++k)
          if (whole.target[k] >= lo && whole.target[k] < hi)
            expected.emplace_back(whole.target[k], whole.weight[k], whole.delay[k]);
        for (uint32_t k = shard.row_offset[i]; k < shard.row_offset[i + 1]; ++k)
          got.emplace_back(shard.target[k], shard.weight[k], shard.delay[k]);
        ASSERT_EQ(got, expected) << rule << " row " << i << " shard [" << lo << ", " << hi << ")";
      }
    }
    EXPECT_EQ(total, whole.size()) << rule;
  }
}

TEST(Random, StreamsAreKeyedAndReproducible) {
  RandomStream a(1, 2, 3), b(1, 2, 3), c(1, 2, 4), d(2, 2, 3);
  for (int i = 0; i < 10; ++i) {
    const double x = a.uniform();
    EXPECT_EQ(x, b.uniform());
    EXPECT_NE(x, c.uniform());
    EXPECT_NE(x, d.uniform());
    EXPECT_GE(x, 0.0);
    EXPECT_LT(x, 1.0);
  }
}

TEST(Random, PoissonSamplerHasTheRightMeanAndVariance) {
  for (double lambda : {0.002, 0.5, 2.0, 11.0, 40.0}) {
    PoissonSampler s(lambda);
    RandomStream r(9, 9, 9);
    const int n = 200000;
    double sum = 0, sq = 0;
    for (int i = 0; i < n; ++i) {
      const double k = s(r);
      sum += k;
      sq += k * k;
    }
    const double m = sum / n, v = sq / n - m * m;
    EXPECT_NEAR(m, lambda, 5 * std::sqrt(lambda / n)) << lambda;
    // relative standard error of a sample variance of Poisson counts: sqrt((1/lambda + 2)/n)
    EXPECT_NEAR(v / lambda, 1.0, 5 * std::sqrt((1 / lambda + 2) / n)) << lambda;
  }
}

}  // namespace
}  // namespace engram
