#pragma once
// An append-only sequence stored in fixed-size blocks, for what a run records while it runs.
// Growing never copies or moves what is stored: a std::vector's doubling copies everything
// and touches about twice the memory it ends with, and on a virtual machine each first touch
// of a page is a page fault of some microseconds inside the simulation loop (the spike
// recording of a 2 s, 40 000-neuron COBA run took ~10 000 of them). While one thread is in
// a fault the others wait at the next barrier.
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "engram/core/pages.hpp"

namespace engram {

template <class T, size_t kBlock = size_t{1} << 14>
class BlockVector {
 public:
  void push_back(T value) {
    if (used_ == kBlock || blocks_.empty()) {
      // uninitialised, and mapped in one call rather than a fault per page (pages.hpp)
      blocks_.push_back(std::make_unique_for_overwrite<T[]>(kBlock));
      populate_pages(blocks_.back().get(), kBlock * sizeof(T));
      used_ = 0;
    }
    blocks_.back()[used_++] = value;
  }
  size_t size() const { return blocks_.empty() ? 0 : (blocks_.size() - 1) * kBlock + used_; }
  bool empty() const { return size() == 0; }
  const T& operator[](size_t i) const { return blocks_[i / kBlock][i % kBlock]; }

  // The stored values in order, one block at a time.
  template <class F>
  void for_each_block(F&& f) const {
    for (size_t b = 0; b < blocks_.size(); ++b)
      f(std::span<const T>(blocks_[b].get(), b + 1 < blocks_.size() ? kBlock : used_));
  }

 private:
  std::vector<std::unique_ptr<T[]>> blocks_;
  size_t used_ = 0;  // in the last block
};

}  // namespace engram
