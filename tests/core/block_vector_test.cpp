// BlockVector: values stay in order and in place across block boundaries.
#include "engram/core/block_vector.hpp"

#include <gtest/gtest.h>

#include <numeric>

namespace engram {
namespace {

TEST(BlockVector, KeepsOrderAcrossBlocks) {
  BlockVector<int, 4> v;
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.size(), 0u);
  EXPECT_TRUE(v.to_vector().empty());
  for (int i = 0; i < 11; ++i) v.push_back(10 * i);
  ASSERT_EQ(v.size(), 11u);
  for (size_t i = 0; i < 11; ++i) EXPECT_EQ(v[i], static_cast<int>(10 * i)) << i;
  std::vector<int> expected(11);
  for (int i = 0; i < 11; ++i) expected[i] = 10 * i;
  EXPECT_EQ(v.to_vector(), expected);
  std::vector<size_t> block_sizes;
  v.for_each_block([&](std::span<const int> b) { block_sizes.push_back(b.size()); });
  EXPECT_EQ(block_sizes, (std::vector<size_t>{4, 4, 3}));
}

TEST(BlockVector, StoredValuesDoNotMoveWhenItGrows) {
  BlockVector<double, 8> v;
  v.push_back(1.5);
  const double* first = &v[0];
  for (int i = 0; i < 100; ++i) v.push_back(i);
  EXPECT_EQ(first, &v[0]);
  EXPECT_EQ(v[0], 1.5);
  EXPECT_EQ(v[100], 99.0);
}

TEST(BlockVector, ExactlyFullBlocksAndClear) {
  BlockVector<uint32_t, 4> v;
  for (uint32_t i = 0; i < 8; ++i) v.push_back(i);
  std::vector<size_t> block_sizes;
  v.for_each_block([&](std::span<const uint32_t> b) { block_sizes.push_back(b.size()); });
  EXPECT_EQ(block_sizes, (std::vector<size_t>{4, 4}));
  v.clear();
  EXPECT_EQ(v.size(), 0u);
  v.push_back(7);
  EXPECT_EQ(v.to_vector(), std::vector<uint32_t>{7});
}

}  // namespace
}  // namespace engram
