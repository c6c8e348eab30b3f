#include "engram/dendrites/hines.hpp"

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
  // leaves to root: fold row i into its parent's row. d[i] is final once its children are
  // folded; keep its reciprocal there, so that the back substitution multiplies (one division
  // per node on the dependency chain instead of two)
  for (size_t i = n - 1; i > 0; --i) {
    const size_t q = static_cast<size_t>(p[i]);
    const double inv = 1.0 / dd[i];
    dd[i] = inv;
    const double f = up[i] * inv;
    dd[q] -= f * lo[i];
    b[q] -= f * b[i];
  }
  // root to leaves
  b[0] /= dd[0];
  for (size_t i = 1; i < n; ++i) b[i] = (b[i] - lo[i] * b[static_cast<size_t>(p[i])]) * dd[i];
}

}  // namespace engram::dendrites
