#include "engram/core/random.hpp"

namespace engram {

uint32_t RandomStream::poisson(double lambda) {
  if (lambda <= 0) return 0;
  if (lambda < 12.0) {
    // Inversion by sequential search: exact, and cheap for the small means of per-step
    // Poisson input (rate * dt is usually well below 1).
    double p = std::exp(-lambda), f = p, u = uniform();
    uint32_t k = 0;
    while (u > f && k < 1000) {
      ++k;
      p *= lambda / k;
      f += p;
    }
    return k;
  }
  // PTRS, transformed rejection with squeeze (Hörmann 1993), exact for lambda >= 10.
  const double slam = std::sqrt(lambda), loglam = std::log(lambda);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    double u = uniform() - 0.5;
    double v = uniform();
    double us = 0.5 - std::fabs(u);
    double k = std::floor((2 * a / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<uint32_t>(k);
    if (k < 0 || (us < 0.013 && v > us)) continue;
    double lhs = std::log(v * inv_alpha / (a / (us * us) + b));
    double rhs = -lambda + k * loglam - std::lgamma(k + 1);
    if (lhs <= rhs) return static_cast<uint32_t>(k);
  }
}

PoissonSampler::PoissonSampler(double lambda) : lambda_(lambda) {
  if (lambda <= 0) {
    cdf_ = {1.0};
    return;
  }
  if (lambda >= 12.0) return;
  // P(X <= k) until the remaining tail is below double resolution
  double p = std::exp(-lambda), f = p;
  cdf_.push_back(f);
  for (uint32_t k = 1; k < 200 && 1.0 - f > 0x1.0p-33; ++k) {
    p *= lambda / k;
    f += p;
    cdf_.push_back(f);
  }
  cdf_.back() = 1.0;
}

}  // namespace engram
