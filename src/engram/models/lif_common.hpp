#pragma once
// Pieces shared by the integrate-and-fire kernels. Each kernel updates a range of neurons in
// two passes: a branch-free pass over the sub-threshold dynamics that the compiler turns
// into SIMD code, then a threshold pass that resets the few neurons that fired.
#include <bit>
#include <cstdint>
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

// Neurons at or above threshold spike: reset, and stay clamped until step `free_from`
// (the refractory state is the first step a neuron integrates again, read-only between
// spikes, so the sub-threshold pass writes no refractory counter).
// Few neurons fire in a step, so blocks of 16 are first tested together (one SIMD compare)
// and only a block holding a spike is walked neuron by neuron.
inline void detect_spikes(double* v, int64_t* ref, uint32_t begin, uint32_t end, double v_thresh,
                          double v_reset, int64_t free_from, std::vector<uint32_t>& spiked) {
  constexpr uint32_t kBlock = 16;
  uint32_t i = begin;
  for (; i + kBlock <= end; i += kBlock) {
    int any = 0;
    for (uint32_t j = 0; j < kBlock; ++j) any |= v[i + j] >= v_thresh;
    if (!any) continue;
    for (uint32_t j = i; j < i + kBlock; ++j) {
      if (v[j] >= v_thresh) {
        v[j] = v_reset;
        ref[j] = free_from;
        spiked.push_back(j);
      }
    }
  }
  for (; i < end; ++i) {
    if (v[i] >= v_thresh) {
      v[i] = v_reset;
      ref[i] = free_from;
      spiked.push_back(i);
    }
  }
}

}  // namespace engram::lif
