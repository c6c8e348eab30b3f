#pragma once
// Counter-based random numbers (Philox4x32-10, Random123). A stream is keyed by
// (seed, purpose, id) and walks its own counter, so the numbers a neuron, synapse row or
// stimulus sees never depend on how the network is split over threads or ranks.
//
// Key:     k0 = low 32 bits of the seed, k1 = purpose.
// Counter: c0 = id (usually a global neuron id), c1 = high 32 bits of the seed,
//          c2,c3 = a 64-bit position that the stream advances (or a caller sets, e.g. a step).
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include <Random123/philox.h>

namespace engram {

// What a stream is for; combined with an index (projection, stimulus, population) into
// the 32-bit purpose word so that independent uses never share numbers.
enum class Purpose : uint32_t {
  connectivity = 1,
  weight = 2,
  delay = 3,
  init_state = 4,
  poisson_stimulus = 5,
  noise_stimulus = 6,
  poisson_source = 7,
  position = 8,
  reward_delay = 9,
};

constexpr uint32_t purpose_word(Purpose p, uint32_t index) {
  return (static_cast<uint32_t>(p) << 24) ^ (index & 0x00ffffffu);
}

class RandomStream {
 public:
  RandomStream(uint64_t seed, uint32_t purpose, uint32_t id, uint64_t position = 0) {
    key_ = {{static_cast<uint32_t>(seed), purpose}};
    ctr_ = {{id, static_cast<uint32_t>(seed >> 32), static_cast<uint32_t>(position),
             static_cast<uint32_t>(position >> 32)}};
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() {
    uint64_t hi = next_u32() >> 5;  // 27 bits
    uint64_t lo = next_u32() >> 6;  // 26 bits
    return static_cast<double>((hi << 26) | lo) * 0x1.0p-53;
  }
  // Uniform in (0, 1) on a grid of 2^-32: one 32-bit word instead of two, for inversion of
  // discrete distributions whose probabilities need no finer resolution.
  double uniform32() { return (static_cast<double>(next_u32()) + 0.5) * 0x1.0p-32; }
  // Uniform in (0, 1], safe for log().
  double uniform_open0() { return 1.0 - uniform(); }

  uint32_t next_u32() {
    if (avail_ == 0) refill();
    return out_.v[4 - avail_--];
  }

  // Uniform integer in [0, n) without modulo bias (Lemire's method).
  uint32_t below(uint32_t n) {
    uint64_t m = uint64_t{next_u32()} * n;
    auto l = static_cast<uint32_t>(m);
    if (l < n) {
      uint32_t t = (0u - n) % n;
      while (l < t) {
        m = uint64_t{next_u32()} * n;
        l = static_cast<uint32_t>(m);
      }
    }
    return static_cast<uint32_t>(m >> 32);
  }

  // Standard normal, Box-Muller (both values used).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1 = uniform_open0(), u2 = uniform();
    double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = r * std::sin(2.0 * std::numbers::pi * u2);
    has_spare_ = true;
    return r * std::cos(2.0 * std::numbers::pi * u2);
  }

  // Poisson-distributed count with mean lambda.
  uint32_t poisson(double lambda);

 private:
  void refill() {
    out_ = r123::Philox4x32{}(ctr_, key_);
    // advance the 64-bit position (c2, c3)
    if (++ctr_.v[2] == 0) ++ctr_.v[3];
    avail_ = 4;
  }

  r123::Philox4x32::ctr_type ctr_;
  r123::Philox4x32::key_type key_;
  r123::Philox4x32::ctr_type out_{};
  int avail_ = 0;
  bool has_spare_ = false;
  double spare_ = 0;
};

// Poisson counts with a fixed mean, drawn many times (e.g. per neuron and step): for small
// means the cumulative distribution is tabulated once and a draw is one 32-bit uniform
// number and a short count. Probabilities are thereby resolved to 2^-32 (2.3e-10); the
// table stops where the remaining tail is below that. Large means fall back to
// RandomStream::poisson.
class PoissonSampler {
 public:
  explicit PoissonSampler(double lambda);
  uint32_t operator()(RandomStream& r) const {
    if (cdf_.empty()) return r.poisson(lambda_);
    // branch-free count of table entries below u: cheaper than a search whose branch
    // the CPU cannot predict
    const double u = r.uniform32();
    const double* c = cdf_.data();
    const size_t n = cdf_.size() - 1;
    uint32_t k = 0;
    for (size_t j = 0; j < n; ++j) k += u >= c[j];
    return k;
  }

 private:
  double lambda_;
  std::vector<double> cdf_;  // cdf_[k] = P(X <= k)
};

}  // namespace engram
