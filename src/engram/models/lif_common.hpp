#pragma once
// Pieces shared by the integrate-and-fire kernels. Each kernel updates a range of neurons in
// two passes: a branch-free pass over the sub-threshold dynamics that the compiler turns
// into SIMD code, then a threshold pass that resets the few neurons that fired.
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "engram/core/parameters.hpp"
#include "engram/models/model.hpp"

namespace engram::lif {

// a if c else b, exactly, as bit operations: GCC if-converts `c ? a : b` inside a loop only
// sometimes, and a loop it does not if-convert is not vectorised.
inline double select(bool c, double a, double b) {
  const uint64_t m = uint64_t{0} - static_cast<uint64_t>(c);
  return std::bit_cast<double>((std::bit_cast<uint64_t>(a) & m) |
                               (std::bit_cast<uint64_t>(b) & ~m));
}

// Parameter rows shared by the integrate-and-fire models (defaults as NEST's iaf_psc_*).
inline constexpr ParamSpec kCm{"c_m", Dim::capacitance,      250.0, 0, kInf, true,
                               false, "membrane capacitance"};
inline constexpr ParamSpec kTauM{"tau_m", Dim::time, 10.0,  0,
                                 kInf,    true,      false, "membrane time constant"};
inline constexpr ParamSpec kEL{"e_l", Dim::voltage, -70.0, -kInf,
                               kInf,  false,        false, "resting (leak reversal) potential"};
inline constexpr ParamSpec kVThresh{"v_thresh", Dim::voltage, -55.0, -kInf,
                                    kInf,       false,        false, "spike threshold"};
inline constexpr ParamSpec kVReset{"v_reset", Dim::voltage, -70.0, -kInf,
                                   kInf,      false,        false, "reset potential after a spike"};
inline constexpr ParamSpec kTRef{"t_ref", Dim::time, 2.0,   0,
                                 kInf,    false,     false, "absolute refractory period"};
inline constexpr ParamSpec kIE{"i_e", Dim::current, 0.0,   -kInf,
                               kInf,  false,        false, "constant external current"};
inline constexpr StateSpec kV{"v", Dim::voltage, "membrane potential", "e_l"};

// The reset lies below threshold, and a refractory period is 0 or at least one step.
inline ParamProblem check_reset_and_refractory(std::span<const double> p, double dt, int v_thresh,
                                               int v_reset, int t_ref) {
  if (p[v_reset] >= p[v_thresh]) return {"v_reset", "must be below v_thresh"};
  if (p[t_ref] > 0 && p[t_ref] < dt) return {"t_ref", "must be 0 or at least one time step"};
  return {};
}

// Four lanes of a block test (GCC vector extensions: one AVX register, two SSE2 ones, half an
// AVX-512 one). Plain loops that OR comparisons into a flag are not vectorised by GCC: the
// "test a block at once" below was 16 scalar compares, a quarter of a COBA neuron update.
// (Only local variables have these types: as a parameter or result, a 32-byte vector would
// change the calling convention between builds with and without AVX.)
using Doubles4 = double __attribute__((vector_size(32)));
using Mask4 = int64_t __attribute__((vector_size(32)));

// Neurons are tested for a spike in blocks of kSpikeBlock at once; only a block holding a
// spike is walked neuron by neuron (few neurons fire in a step).
inline constexpr uint32_t kSpikeBlock = 32;

// Neurons at or above threshold spike: reset, and stay clamped until step `free_from`
// (the refractory state is the first step a neuron integrates again, read-only between
// spikes, so the sub-threshold pass writes no refractory counter).
inline void detect_spikes(double* v, int64_t* ref, uint32_t begin, uint32_t end, double v_thresh,
                          double v_reset, int64_t free_from, std::vector<uint32_t>& spiked) {
  const auto fire = [&](uint32_t j) {
    v[j] = v_reset;
    ref[j] = free_from;
    spiked.push_back(j);
  };
  uint32_t i = begin;
  for (; i + kSpikeBlock <= end; i += kSpikeBlock) {
    Mask4 m{};
    for (uint32_t k = 0; k < kSpikeBlock; k += 4) {
      Doubles4 x;
      std::memcpy(&x, v + i + k, sizeof x);
      m |= x >= v_thresh;
    }
    if ((m[0] | m[1] | m[2] | m[3]) == 0) continue;
    for (uint32_t j = i; j < i + kSpikeBlock; ++j)
      if (v[j] >= v_thresh) fire(j);
  }
  for (; i < end; ++i)
    if (v[i] >= v_thresh) fire(i);
}

}  // namespace engram::lif
