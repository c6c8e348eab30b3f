#pragma once
// exp() that the compiler can vectorise inside per-neuron loops (glibc's exp is a function
// call, which blocks SIMD). Cody-Waite range reduction x = n ln2 + r, |r| <= ln2/2, and a
// degree-13 Taylor polynomial for e^r (truncation error < 1e-17 relative); 2^n is built in
// the exponent bits. Accurate to a few ulp over [-708, 709]; tested against std::exp in
// tests/core/fast_math_test.cpp. No -ffast-math needed.
//
// The build turns off the compiler's contraction of a*b+c into fused multiply-adds
// (-ffp-contract=off): GCC contracts a vectorised loop and its scalar remainder differently,
// so a neuron's last bits would depend on whether it fell in a thread's vector body or its
// tail, i.e. on the number of threads. Fused operations are written out here instead
// (madd), where they are the same in every lane and the remainder.
#include <bit>
#include <cmath>
#include <cstdint>

namespace engram {

// a * b + c, fused where the CPU has FMA (one rounding), else two roundings; the same for
// every neuron of a build.
inline double madd(double a, double b, double c) {
#ifdef __FMA__
  return std::fma(a, b, c);
#else
  return a * b + c;
#endif
}

inline double exp_simd(double x) {
  x = x < -708.0 ? -708.0 : (x > 709.0 ? 709.0 : x);
  constexpr double log2e = 1.4426950408889634074;
  constexpr double ln2_hi = 6.93147180369123816490e-01;
  constexpr double ln2_lo = 1.90821492927058770002e-10;
  constexpr double shifter = 0x1.8p52;  // adding it rounds to an integer held in the low bits
  const double t = madd(x, log2e, shifter);
  const double n = t - shifter;
  const double r = madd(-n, ln2_lo, madd(-n, ln2_hi, x));
  double p = 1.0 / 6227020800.0;  // 1/13!
  p = madd(p, r, 1.0 / 479001600.0);
  p = madd(p, r, 1.0 / 39916800.0);
  p = madd(p, r, 1.0 / 3628800.0);
  p = madd(p, r, 1.0 / 362880.0);
  p = madd(p, r, 1.0 / 40320.0);
  p = madd(p, r, 1.0 / 5040.0);
  p = madd(p, r, 1.0 / 720.0);
  p = madd(p, r, 1.0 / 120.0);
  p = madd(p, r, 1.0 / 24.0);
  p = madd(p, r, 1.0 / 6.0);
  p = madd(p, r, 0.5);
  p = madd(p, r, 1.0);
  p = madd(p, r, 1.0);
  // low 12 bits of t's mantissa hold n (mod 4096); move n + 1023 into the exponent field
  const uint64_t bits = (std::bit_cast<uint64_t>(t) + 1023u) << 52;
  return p * std::bit_cast<double>(bits);
}

}  // namespace engram
