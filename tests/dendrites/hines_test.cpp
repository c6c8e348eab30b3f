// The Hines tree solver against a dense LU solve (partial pivoting) of the same matrix.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "engram/dendrites/hines.hpp"

namespace engram::dendrites {
namespace {

struct TreeSystem {
  std::vector<int32_t> parent;
  std::vector<double> d, lower, upper, rhs;
};

// A random tree (each node's parent drawn among the earlier nodes, or a chain or star), a
// non-symmetric matrix with a dominant diagonal, a random right-hand side.
TreeSystem random_system(size_t n, uint64_t seed, int shape = 0) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  TreeSystem s;
  s.parent.assign(n, -1);
  s.d.assign(n, 0.0);
  s.lower.assign(n, 0.0);
  s.upper.assign(n, 0.0);
  s.rhs.resize(n);
  for (size_t i = 1; i < n; ++i) {
    if (shape == 1) {
      s.parent[i] = static_cast<int32_t>(i - 1);  // chain
    } else if (shape == 2) {
      s.parent[i] = 0;  // star
    } else {
      s.parent[i] = static_cast<int32_t>(std::uniform_int_distribution<size_t>(0, i - 1)(rng));
    }
    s.lower[i] = u(rng);
    s.upper[i] = u(rng);
  }
  for (size_t i = 0; i < n; ++i) s.d[i] = 0.5 + std::fabs(u(rng));
  for (size_t i = 1; i < n; ++i) {  // diagonal dominance, as the cable matrices
    s.d[i] += std::fabs(s.lower[i]) + std::fabs(s.upper[i]);
    s.d[static_cast<size_t>(s.parent[i])] += std::fabs(s.lower[i]) + std::fabs(s.upper[i]);
  }
  for (auto& b : s.rhs) b = 10.0 * u(rng);
  return s;
}

std::vector<double> dense_solve(const TreeSystem& s) {
  const size_t n = s.d.size();
  std::vector<double> a(n * n, 0.0), b = s.rhs;
  for (size_t i = 0; i < n; ++i) {
    a[i * n + i] = s.d[i];
    if (s.parent[i] >= 0) {
      const auto p = static_cast<size_t>(s.parent[i]);
      a[i * n + p] = s.lower[i];
      a[p * n + i] = s.upper[i];
    }
  }
  for (size_t k = 0; k < n; ++k) {
    size_t piv = k;
    for (size_t i = k + 1; i < n; ++i)
      if (std::fabs(a[i * n + k]) > std::fabs(a[piv * n + k])) piv = i;
    if (piv != k) {
      for (size_t j = 0; j < n; ++j) std::swap(a[k * n + j], a[piv * n + j]);
      std::swap(b[k], b[piv]);
    }
    for (size_t i = k + 1; i < n; ++i) {
      const double f = a[i * n + k] / a[k * n + k];
      if (f == 0) continue;
      for (size_t j = k; j < n; ++j) a[i * n + j] -= f * a[k * n + j];
      b[i] -= f * b[k];
    }
  }
  std::vector<double> x(n);
  for (size_t k = n; k-- > 0;) {
    double sum = b[k];
    for (size_t j = k + 1; j < n; ++j) sum -= a[k * n + j] * x[j];
    x[k] = sum / a[k * n + k];
  }
  return x;
}

double max_relative_difference(TreeSystem s) {
  const auto expected = dense_solve(s);
  hines_solve(s.parent, s.d, s.lower, s.upper, s.rhs);
  double scale = 0, err = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    scale = std::max(scale, std::fabs(expected[i]));
    err = std::max(err, std::fabs(s.rhs[i] - expected[i]));
  }
  return err / scale;
}

TEST(Hines, EqualsDenseLuOnRandomTrees) {
  double worst = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed)
    worst = std::max(worst, max_relative_difference(random_system(300, seed)));
  EXPECT_LT(worst, 1e-12);
  RecordProperty("max_relative_difference", std::to_string(worst));
}

TEST(Hines, EqualsDenseLuOnChainAndStar) {
  EXPECT_LT(max_relative_difference(random_system(500, 7, 1)), 1e-12);
  EXPECT_LT(max_relative_difference(random_system(500, 8, 2)), 1e-12);
}

TEST(Hines, SingleNodeAndResidualOfSymmetricCableMatrix) {
  TreeSystem one{{-1}, {4.0}, {0.0}, {0.0}, {2.0}};
  hines_solve(one.parent, one.d, one.lower, one.upper, one.rhs);
  EXPECT_DOUBLE_EQ(one.rhs[0], 0.5);
  // symmetric (lower = upper), as a cable: the residual A x - b is at rounding level
  TreeSystem s = random_system(1000, 3);
  s.upper = s.lower;
  const TreeSystem a = s;
  hines_solve(s.parent, s.d, s.lower, s.upper, s.rhs);
  // A x - b, the children's columns A[p][i] x_i included
  std::vector<double> res(s.d.size());
  for (size_t i = 0; i < s.d.size(); ++i) res[i] = a.d[i] * s.rhs[i] - a.rhs[i];
  for (size_t i = 1; i < s.d.size(); ++i) {
    const auto p = static_cast<size_t>(a.parent[i]);
    res[i] += a.lower[i] * s.rhs[p];
    res[p] += a.upper[i] * s.rhs[i];
  }
  double worst = 0;
  for (double r : res) worst = std::max(worst, std::fabs(r));
  EXPECT_LT(worst, 1e-11);
}

TEST(Hines, BatchIsBitwiseTheSingleSolve) {
  // cells of one shape, with their own values: the interleaved solve must give each exactly
  // hines_solve's result (a changed operation order would show in the last bits)
  for (int shape : {0, 1, 2})
    for (size_t m = 1; m <= kHinesBatch; ++m) {
      std::vector<TreeSystem> alone, batch;
      for (size_t c = 0; c < m; ++c) {
        TreeSystem s = random_system(37, 100 + c, shape);
        s.parent = random_system(37, 7, shape).parent;  // one shape for all
        s.upper = s.lower;                              // symmetric, as the cable's
        alone.push_back(s);
        batch.push_back(s);
      }
      double* d[kHinesBatch];
      const double* lo[kHinesBatch];
      double* rhs[kHinesBatch];
      for (size_t c = 0; c < m; ++c) {
        hines_solve(alone[c].parent, alone[c].d, alone[c].lower, alone[c].upper, alone[c].rhs);
        d[c] = batch[c].d.data();
        lo[c] = batch[c].lower.data();
        rhs[c] = batch[c].rhs.data();
      }
      hines_solve_batch(batch[0].parent, std::span(d, m), std::span(lo, m), std::span(rhs, m));
      for (size_t c = 0; c < m; ++c) {
        EXPECT_EQ(batch[c].rhs, alone[c].rhs) << "shape " << shape << ", cell " << c << " of " << m;
        EXPECT_EQ(batch[c].d, alone[c].d);
      }
    }
}

}  // namespace
}  // namespace engram::dendrites
