#pragma once
// exp() that the compiler can vectorise inside per-neuron loops (glibc's exp is a function
// call, which blocks SIMD). Cody-Waite range reduction x = n ln2 + r, |r| <= ln2/2, and a
// degree-13 Taylor polynomial for e^r (truncation error < 1e-17 relative); 2^n is built in
// the exponent bits. Accurate to a few ulp over [-708, 709]; tested against std::exp in
// tests/core/fast_math_test.cpp. No -ffast-math needed.
#include <bit>
#include <cstdint>

namespace engram {

inline double exp_simd(double x) {
  x = x < -708.0 ? -708.0 : (x > 709.0 ? 709.0 : x);
  constexpr double log2e = 1.4426950408889634074;
  constexpr double ln2_hi = 6.93147180369123816490e-01;
  constexpr double ln2_lo = 1.90821492927058770002e-10;
  constexpr double shifter = 0x1.8p52;  // adding it rounds to an integer held in the low bits
  const double t = x * log2e + shifter;
  const double n = t - shifter;
  const double r = (x - n * ln2_hi) - n * ln2_lo;
  double p = 1.0 / 6227020800.0;  // 1/13!
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  // low 12 bits of t's mantissa hold n (mod 4096); move n + 1023 into the exponent field
  const uint64_t bits = (std::bit_cast<uint64_t>(t) + 1023u) << 52;
  return p * std::bit_cast<double>(bits);
}

}  // namespace engram
