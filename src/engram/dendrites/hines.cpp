#include "engram/dendrites/hines.hpp"

#include <stdexcept>

namespace engram::dendrites {

namespace {

// The solve of M systems of one shape, their rows interleaved (M = 1: a single cell), each
// system getting the same operations in the same order whatever M is.
// Leaves to root: fold row i into its parent's row. Two serial chains run through the rows:
// the elimination (row q waits for row i, and a division) and back substitution. Two
// measures shorten them: the reciprocal of the eliminated diagonal is kept in d[i], so that
// back substitution multiplies instead of dividing; and along unbranched runs (parent i - 1,
// most rows) the value passed to the next row stays in a register instead of going through a
// store and a load (the branch is predictable: a run breaks once per section). With M > 1 the
// CPU also overlaps the systems' chains.
template <size_t M>
void solve(const int32_t* __restrict p, size_t n, double* const* d, const double* const* lower,
           const double* const* upper, double* const* rhs) {
  double carry_d[M] = {}, carry_b[M] = {}, x[M];  // row i's pending update from row i + 1
  for (size_t i = n - 1; i > 0; --i) {
    const size_t q = static_cast<size_t>(p[i]);
    const bool run = q == i - 1;
    for (size_t c = 0; c < M; ++c) {
      double* __restrict dd = d[c];
      double* __restrict b = rhs[c];
      const double di = dd[i] - carry_d[c];
      const double bi = b[i] - carry_b[c];
      const double inv = 1.0 / di;
      dd[i] = inv;
      b[i] = bi;
      const double f = upper[c][i] * inv;
      if (run) [[likely]] {
        carry_d[c] = f * lower[c][i];
        carry_b[c] = f * bi;
      } else {
        dd[q] -= f * lower[c][i];
        b[q] -= f * bi;
        carry_d[c] = 0;
        carry_b[c] = 0;
      }
    }
  }
  // root to leaves
  for (size_t c = 0; c < M; ++c) {
    double* dd = d[c];
    double* b = rhs[c];
    x[c] = (b[0] - carry_b[c]) / (dd[0] - carry_d[c]);
    dd[0] = 1.0 / (dd[0] - carry_d[c]);
    b[0] = x[c];
  }
  for (size_t i = 1; i < n; ++i) {
    const size_t q = static_cast<size_t>(p[i]);
    const bool run = q == i - 1;
    for (size_t c = 0; c < M; ++c) {
      double* b = rhs[c];
      const double xp = run ? x[c] : b[q];
      x[c] = (b[i] - lower[c][i] * xp) * d[c][i];
      b[i] = x[c];
    }
  }
}

}  // namespace

void hines_solve(std::span<const int32_t> parent, std::span<double> d,
                 std::span<const double> lower, std::span<const double> upper,
                 std::span<double> rhs) {
  const size_t n = d.size();
  if (n == 0) return;
  double* dd[1] = {d.data()};
  const double* lo[1] = {lower.data()};
  const double* up[1] = {upper.data()};
  double* b[1] = {rhs.data()};
  solve<1>(parent.data(), n, dd, lo, up, b);
}

void hines_solve_batch(std::span<const int32_t> parent, std::span<double* const> d,
                       std::span<const double* const> lower, std::span<double* const> rhs) {
  const size_t n = parent.size();
  if (n == 0 || d.empty()) return;
  const int32_t* p = parent.data();
  // symmetric: the upper triangle is the lower one
  switch (d.size()) {
    case 1:
      return solve<1>(p, n, d.data(), lower.data(), lower.data(), rhs.data());
    case 2:
      return solve<2>(p, n, d.data(), lower.data(), lower.data(), rhs.data());
    case 3:
      return solve<3>(p, n, d.data(), lower.data(), lower.data(), rhs.data());
    case 4:
      return solve<4>(p, n, d.data(), lower.data(), lower.data(), rhs.data());
    default:
      throw std::invalid_argument("hines_solve_batch: too many cells");
  }
}

}  // namespace engram::dendrites
