#pragma once
// An append-only sequence stored in fixed-size blocks, for what a run records while it runs.
// Growing never copies or moves what is stored: a std::vector's doubling copies everything
// and touches about twice the memory it ends with, and on a virtual machine each first touch
// of a page is a page fault of some microseconds inside the simulation loop (the spike
// recording of a 2 s, 40 000-neuron COBA run took ~10 000 of them). While one thread is in
// a fault the others wait at the next barrier.
#include <algorithm>
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

  // Reads the values front to back, without a block lookup per value (the merge of a run's
  // recorded spikes reads millions of them).
  class Reader {
   public:
    explicit Reader(const BlockVector& v) : v_(&v) {}
    bool done() const { return read_ == v_->size(); }
    const T& peek() const { return v_->blocks_[block_][at_]; }
    T next() {
      const T x = peek();
      skip(1);
      return x;
    }
    // f(span) for the next n values (n <= what is left), a block's run at a time.
    template <class F>
    void take(size_t n, F&& f) {
      while (n > 0) {
        const size_t run = std::min(n, kBlock - at_);
        f(std::span<const T>(v_->blocks_[block_].get() + at_, run));
        skip(run);
        n -= run;
      }
    }

   private:
    void skip(size_t k) {
      at_ += k;
      read_ += k;
      if (at_ == kBlock) at_ = 0, ++block_;
    }
    const BlockVector* v_;
    size_t block_ = 0, at_ = 0, read_ = 0;
  };

 private:
  std::vector<std::unique_ptr<T[]>> blocks_;
  size_t used_ = 0;  // in the last block
};

}  // namespace engram
