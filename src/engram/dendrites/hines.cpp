#include "engram/dendrites/hines.hpp"

#include <stdexcept>

namespace engram::dendrites {

void hines_solve(std::span<const int32_t> parent, std::span<double> d,
                 std::span<const double> lower, std::span<const double> upper,
                 std::span<double> rhs) {
  const size_t n = d.size();
  if (n == 0) return;
  const int32_t* __restrict p = parent.data();
  double* __restrict dd = d.data();
  const double* __restrict lo = lower.data();
  const double* __restrict up = upper.data();
  double* __restrict b = rhs.data();
  // leaves to root: fold row i into its parent's row. Two serial chains run through the
  // rows: the elimination (row q waits for row i, and a division) and back substitution. Two
  // measures shorten them: the reciprocal of the eliminated diagonal is kept in d[i], so that
  // back substitution multiplies instead of dividing; and along unbranched runs (parent i - 1,
  // most rows) the value passed to the next row stays in a register instead of going through
  // a store and a load (the branch is predictable: a run breaks once per section).
  double carry_d = 0, carry_b = 0;  // row i's pending update from row i + 1 when that is its child
  for (size_t i = n - 1; i > 0; --i) {
    const size_t q = static_cast<size_t>(p[i]);
    const double di = dd[i] - carry_d;
    const double bi = b[i] - carry_b;
    const double inv = 1.0 / di;
    dd[i] = inv;
    b[i] = bi;
    const double f = up[i] * inv;
    if (q == i - 1) [[likely]] {
      carry_d = f * lo[i];
      carry_b = f * bi;
    } else {
      dd[q] -= f * lo[i];
      b[q] -= f * bi;
      carry_d = 0;
      carry_b = 0;
    }
  }
  // root to leaves
  double x = (b[0] - carry_b) / (dd[0] - carry_d);
  dd[0] = 1.0 / (dd[0] - carry_d);
  b[0] = x;
  for (size_t i = 1; i < n; ++i) {
    const size_t q = static_cast<size_t>(p[i]);
    const double xp = q == i - 1 ? x : b[q];
    x = (b[i] - lo[i] * xp) * dd[i];
    b[i] = x;
  }
}

void hines_solve_batch(std::span<const int32_t> parent, std::span<double* const> d,
                       std::span<const double* const> lower, std::span<double* const> rhs) {
  const size_t m = d.size();
  if (m == 0) return;
  if (m > kHinesBatch) throw std::invalid_argument("hines_solve_batch: too many cells");
  const size_t n = parent.size();
  const int32_t* p = parent.data();
  double carry_d[kHinesBatch] = {}, carry_b[kHinesBatch] = {}, x[kHinesBatch] = {};
  for (size_t i = n - 1; i > 0; --i) {
    const size_t q = static_cast<size_t>(p[i]);
    const bool run = q == i - 1;
    for (size_t c = 0; c < m; ++c) {
      double* dd = d[c];
      double* b = rhs[c];
      const double* lo = lower[c];
      const double di = dd[i] - carry_d[c];
      const double bi = b[i] - carry_b[c];
      const double inv = 1.0 / di;
      dd[i] = inv;
      b[i] = bi;
      const double f = lo[i] * inv;
      if (run) {
        carry_d[c] = f * lo[i];
        carry_b[c] = f * bi;
      } else {
        dd[q] -= f * lo[i];
        b[q] -= f * bi;
        carry_d[c] = 0;
        carry_b[c] = 0;
      }
    }
  }
  for (size_t c = 0; c < m; ++c) {
    double* dd = d[c];
    double* b = rhs[c];
    x[c] = (b[0] - carry_b[c]) / (dd[0] - carry_d[c]);
    dd[0] = 1.0 / (dd[0] - carry_d[c]);
    b[0] = x[c];
  }
  for (size_t i = 1; i < n; ++i) {
    const size_t q = static_cast<size_t>(p[i]);
    const bool run = q == i - 1;
    for (size_t c = 0; c < m; ++c) {
      double* b = rhs[c];
      const double xp = run ? x[c] : b[q];
      x[c] = (b[i] - lower[c][i] * xp) * d[c][i];
      b[i] = x[c];
    }
  }
}

}  // namespace engram::dendrites
