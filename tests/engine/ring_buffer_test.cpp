// RingBuffers: slots wrap with the step; each thread's buffers are its own.
#include "engram/engine/ring_buffer.hpp"

#include <gtest/gtest.h>

namespace engram {
namespace {

TEST(RingBuffers, SlotsWrapAndStartAtZero) {
  RingBuffers rb(2, 3, 5);
  for (int64_t s = 0; s < 3; ++s)
    for (uint32_t r = 0; r < 2; ++r)
      for (uint32_t i = 0; i < 5; ++i) EXPECT_EQ(rb.slot(r, s)[i], 0.0f);
  rb.slot(1, 2)[4] = 7;
  EXPECT_EQ(rb.slot(1, 5)[4], 7.0f);  // step 5 is slot 2 again
  EXPECT_EQ(rb.slot(0, 2)[4], 0.0f);  // another receptor
  const InputSlots view = rb.of(0);
  EXPECT_EQ(view.slot(1, 8), rb.slot(1, 2));
  EXPECT_EQ(view.receptor_slots(1) + 2 * view.size(), rb.slot(1, 2));
  EXPECT_EQ(rb.bytes(), 2u * 3u * 5u * sizeof(SynInput));
}

TEST(RingBuffers, EachThreadHasItsOwnBuffers) {
  RingBuffers rb(1, 2, 10, 2);
  rb.clear(0, 0, 5);
  rb.clear(1, 5, 10);
  rb.slot(0, 1, 0)[3] = 1.5f;
  rb.slot(0, 1, 1)[7] = 2.5f;
  EXPECT_NE(rb.slot(0, 1, 0), rb.slot(0, 1, 1));
  EXPECT_EQ(rb.slot(0, 1, 0)[3], 1.5f);
  EXPECT_EQ(rb.slot(0, 1, 1)[7], 2.5f);
  EXPECT_EQ(rb.slot(0, 0, 0)[4], 0.0f);                // cleared on thread 0's range
  EXPECT_EQ(rb.slot(0, 0, 1)[5], 0.0f);                // and on thread 1's
  EXPECT_EQ(rb.bytes(), 2u * 10u * sizeof(SynInput));  // one population-sized set in use
}

}  // namespace
}  // namespace engram
