#include "engram/core/fast_math.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace engram {

TEST(FastMath, ExpMatchesLibmToAFewUlp) {
  double worst = 0;
  for (double x = -708; x <= 709; x += 0.01237) {
    const double ref = std::exp(x);
    worst = std::max(worst, std::fabs(exp_simd(x) - ref) / ref);
  }
  EXPECT_LT(worst, 1e-15);
  EXPECT_EQ(exp_simd(0.0), 1.0);
  EXPECT_NEAR(exp_simd(-1e-3), std::exp(-1e-3), 1e-18);
  EXPECT_GT(exp_simd(-1e6), 0.0);  // clamped, no garbage for out-of-range inputs
}

}  // namespace engram
