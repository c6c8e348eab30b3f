// BlockVector: values stay in order and in place across block boundaries.
#include "engram/core/block_vector.hpp"

#include <gtest/gtest.h>

#include <numeric>

namespace engram {
namespace {

template <class T, size_t kBlock>
std::vector<T> values_of(const BlockVector<T, kBlock>& v) {
  std::vector<T> out;
  v.for_each_block([&](std::span<const T> b) { out.insert(out.end(), b.begin(), b.end()); });
  return out;
}

TEST(BlockVector, KeepsOrderAcrossBlocks) {
  BlockVector<int, 4> v;
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.size(), 0u);
  EXPECT_TRUE(values_of(v).empty());
  for (int i = 0; i < 11; ++i) v.push_back(10 * i);
  ASSERT_EQ(v.size(), 11u);
  for (size_t i = 0; i < 11; ++i) EXPECT_EQ(v[i], static_cast<int>(10 * i)) << i;
  std::vector<int> expected(11);
  for (int i = 0; i < 11; ++i) expected[i] = 10 * i;
  EXPECT_EQ(values_of(v), expected);
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

TEST(BlockVector, ExactlyFullBlocks) {
  BlockVector<uint32_t, 4> v;
  for (uint32_t i = 0; i < 8; ++i) v.push_back(i);
  std::vector<size_t> block_sizes;
  v.for_each_block([&](std::span<const uint32_t> b) { block_sizes.push_back(b.size()); });
  EXPECT_EQ(block_sizes, (std::vector<size_t>{4, 4}));
  EXPECT_EQ(values_of(v), (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  v.push_back(8);  // the third block starts
  EXPECT_EQ(v.size(), 9u);
  EXPECT_EQ(v[8], 8u);
}

TEST(BlockVectorReader, ReadsInOrderAcrossBlocks) {
  BlockVector<uint32_t, 4> v;
  for (uint32_t i = 0; i < 11; ++i) v.push_back(100 + i);
  BlockVector<uint32_t, 4>::Reader r(v);
  EXPECT_FALSE(r.done());
  EXPECT_EQ(r.peek(), 100u);
  EXPECT_EQ(r.next(), 100u);
  // 6 values from inside the first block: runs of 3 (to the block's end) and 3
  std::vector<uint32_t> got;
  std::vector<size_t> runs;
  r.take(6, [&](std::span<const uint32_t> run) {
    runs.push_back(run.size());
    got.insert(got.end(), run.begin(), run.end());
  });
  EXPECT_EQ(runs, (std::vector<size_t>{3, 3}));
  EXPECT_EQ(got, (std::vector<uint32_t>{101, 102, 103, 104, 105, 106}));
  EXPECT_EQ(r.next(), 107u);  // the last value of the second block
  EXPECT_EQ(r.peek(), 108u);  // the third block
  got.clear();
  r.take(3, [&](std::span<const uint32_t> run) { got.insert(got.end(), run.begin(), run.end()); });
  EXPECT_EQ(got, (std::vector<uint32_t>{108, 109, 110}));
  EXPECT_TRUE(r.done());
}

TEST(BlockVectorReader, EmptyAndExactlyFull) {
  BlockVector<int, 4> empty;
  using Reader = BlockVector<int, 4>::Reader;
  EXPECT_TRUE(Reader(empty).done());
  BlockVector<int, 4> full;
  for (int i = 0; i < 8; ++i) full.push_back(i);
  Reader r(full);
  int sum = 0;
  r.take(8, [&](std::span<const int> run) { sum += std::accumulate(run.begin(), run.end(), 0); });
  EXPECT_EQ(sum, 28);
  EXPECT_TRUE(r.done());
}

}  // namespace
}  // namespace engram
