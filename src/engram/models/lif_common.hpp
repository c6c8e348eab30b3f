#pragma once
// Pieces shared by the integrate-and-fire kernels. Each kernel updates a range of neurons in
// two passes: a branch-free pass over the sub-threshold dynamics that the compiler turns
// into SIMD code, then a threshold pass that resets the few neurons that fired.
#include <cstdint>
#include <vector>

namespace engram::lif {

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
