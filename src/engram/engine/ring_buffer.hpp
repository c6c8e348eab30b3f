#pragma once
// Per-target, per-receptor input buffers indexed by arrival step.
//
// Sizing: spikes of the interval [T, T+m) (m = min delay in steps) are delivered after the
// interval, into slots t + d for t in [T, T+m) and d <= max_delay. The next slot read is
// T+m, so the live window is [T+m, T+m+max_delay-1]: max_delay slots. One more slot keeps
// the slot being read distinct from every slot being written. A slot is zeroed by the
// model as it reads it.
#include <cstdint>
#include <vector>

#include "engram/models/model.hpp"

namespace engram {

class RingBuffers {
 public:
  RingBuffers() = default;
  RingBuffers(uint32_t receptors, uint32_t slots, uint32_t size)
      : receptors_(receptors),
        slots_(slots),
        size_(size),
        data_(static_cast<size_t>(receptors) * slots * size, SynInput{0}) {}

  SynInput* slot(uint32_t receptor, int64_t step) {
    return data_.data() +
           (static_cast<size_t>(receptor) * slots_ + static_cast<size_t>(step % slots_)) * size_;
  }
  // Receptor r's slots, one after another (slot i at i·size()): for loops that index slots
  // themselves.
  SynInput* receptor_slots(uint32_t receptor) {
    return data_.data() + static_cast<size_t>(receptor) * slots_ * size_;
  }
  uint32_t size() const { return size_; }
  uint32_t slots() const { return slots_; }
  uint32_t receptors() const { return receptors_; }
  size_t bytes() const { return data_.capacity() * sizeof(SynInput); }

 private:
  uint32_t receptors_ = 0, slots_ = 1, size_ = 0;
  std::vector<SynInput> data_;
};

}  // namespace engram
