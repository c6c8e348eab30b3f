// populate_pages maps a range at once (when the kernel can) and never changes its contents.
#include "engram/core/pages.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace engram {
namespace {

#if defined(__linux__)
// How many of the range's pages are resident (mincore).
size_t resident_pages(void* p, size_t bytes) {
  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> in((bytes + page - 1) / page);
  if (mincore(p, bytes, in.data()) != 0) return 0;
  size_t n = 0;
  for (unsigned char c : in) n += c & 1;
  return n;
}

TEST(PopulatePages, MapsAFreshRangeWithoutTouchingIt) {
  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t bytes = 256 * page;
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(p, MAP_FAILED);
  EXPECT_EQ(resident_pages(p, bytes), 0u);
  if (!populate_pages(p, bytes)) {
    munmap(p, bytes);
    GTEST_SKIP() << "this kernel has no MADV_POPULATE_WRITE";
  }
  EXPECT_EQ(resident_pages(p, bytes), 256u);
  // mapped pages of anonymous memory read as zero
  const auto* b = static_cast<const unsigned char*>(p);
  EXPECT_EQ(std::accumulate(b, b + bytes, 0u), 0u);
  munmap(p, bytes);
}

TEST(PopulatePages, MapsOnlyWholePagesInsideTheRange) {
  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t bytes = 64 * page;
  auto* p = static_cast<char*>(
      mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(p, MAP_FAILED);
  // from the middle of page 1 to the middle of page 40: pages 2-39 are whole
  if (!populate_pages(p + page + page / 2, 39 * page)) {
    munmap(p, bytes);
    GTEST_SKIP() << "this kernel has no MADV_POPULATE_WRITE";
  }
  EXPECT_EQ(resident_pages(p, 2 * page), 0u);
  EXPECT_EQ(resident_pages(p + 2 * page, 38 * page), 38u);
  EXPECT_EQ(resident_pages(p + 40 * page, 24 * page), 0u);
  munmap(p, bytes);
}

// Ranges over 2 MiB are advised into huge pages where the kernel has them: still nothing
// outside the range may be mapped, and the contents read as zero.
TEST(PopulatePages, LargeRangesMapNothingOutsideThem) {
  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t mib = size_t{1} << 20, bytes = 16 * mib;
  auto* p = static_cast<char*>(
      mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(p, MAP_FAILED);
  // from 1 MiB + 100 bytes to 11 MiB: whatever the mapping's alignment, whole 2 MiB blocks
  // lie inside, and the pages before and after stay untouched
  char* first = p + mib + 100;
  if (!populate_pages(first, 10 * mib - 100)) {
    munmap(p, bytes);
    GTEST_SKIP() << "this kernel has no MADV_POPULATE_WRITE";
  }
  EXPECT_EQ(resident_pages(p, mib), 0u);
  EXPECT_EQ(resident_pages(p + mib + page, 10 * mib - page), 10 * mib / page - 1);
  EXPECT_EQ(resident_pages(p + 11 * mib, 5 * mib), 0u);
  EXPECT_EQ(std::accumulate(first, first + 10 * mib - 100, 0u), 0u);
  munmap(p, bytes);
}
#endif

TEST(PopulatePages, LeavesSmallAndEmptyRangesAlone) {
  std::vector<char> small(1000, 'x');
  EXPECT_FALSE(populate_pages(small.data(), small.size()));
  EXPECT_FALSE(populate_pages(nullptr, size_t{1} << 20));
  EXPECT_EQ(small, std::vector<char>(1000, 'x'));
}

TEST(ReservePopulated, KeepsTheContentsAndReserves) {
  std::vector<uint32_t> v(1000);
  std::iota(v.begin(), v.end(), 7u);
  const std::vector<uint32_t> before = v;
  reserve_populated(v, 1u << 20);
  EXPECT_GE(v.capacity(), 1u << 20);
  EXPECT_EQ(v, before);
  v.resize(1u << 20, 3u);
  EXPECT_EQ(v[999], 1006u);
  EXPECT_EQ(v.back(), 3u);
}

}  // namespace
}  // namespace engram
