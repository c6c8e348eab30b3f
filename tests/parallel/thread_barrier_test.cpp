// ThreadBarrier: nobody leaves before everybody arrived, and what was written before the
// barrier is seen after it; polling, sleeping at once, and more threads than cores.
#include "engram/parallel/thread_barrier.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace engram {
namespace {

using std::chrono::microseconds;

// In phase k every thread writes its own slot with k (plain memory), meets the others, checks
// that every slot holds k, and meets them again before the next phase writes.
int mismatches(uint32_t threads, std::chrono::nanoseconds spin, int phases) {
  ThreadBarrier barrier(threads, spin);
  std::vector<int> slot(threads * 16, -1);  // 16 ints apart: no two threads on one line
  std::vector<int> bad(threads, 0);
  std::vector<std::thread> team;
  for (uint32_t t = 0; t < threads; ++t)
    team.emplace_back([&, t] {
      for (int k = 0; k < phases; ++k) {
        slot[t * 16] = k;
        barrier.arrive_and_wait();
        for (uint32_t u = 0; u < threads; ++u) bad[t] += slot[u * 16] != k;
        barrier.arrive_and_wait();
      }
    });
  for (auto& th : team) th.join();
  int n = 0;
  for (int b : bad) n += b;
  return n;
}

TEST(ThreadBarrier, PollingThreadsSeeEveryWrite) {
  EXPECT_EQ(mismatches(2, microseconds(200), 5000), 0);
}

TEST(ThreadBarrier, SleepingThreadsSeeEveryWrite) {
  EXPECT_EQ(mismatches(2, microseconds(0), 2000), 0);
  EXPECT_EQ(mismatches(3, microseconds(1), 2000), 0);
}

TEST(ThreadBarrier, MoreThreadsThanCores) {
  const uint32_t threads = 2 * std::max(1u, std::thread::hardware_concurrency()) + 1;
  EXPECT_EQ(mismatches(threads, ThreadBarrier::default_spin(threads), 300), 0);
}

TEST(ThreadBarrier, OneThreadNeverWaits) {
  ThreadBarrier barrier(1, microseconds(200));
  for (int i = 0; i < 10; ++i) barrier.arrive_and_wait();
  SUCCEED();
}

TEST(ThreadBarrier, NoPollingWhenPassiveOrOversubscribed) {
  const char* old = std::getenv("OMP_WAIT_POLICY");
  const std::string saved = old ? old : "";
  unsetenv("OMP_WAIT_POLICY");
  EXPECT_EQ(ThreadBarrier::default_spin(1), microseconds(200));
  EXPECT_EQ(ThreadBarrier::default_spin(1, 1), microseconds(200));
  const uint32_t cores = std::thread::hardware_concurrency();
  if (cores > 0) {
    EXPECT_EQ(ThreadBarrier::default_spin(cores + 1).count(), 0);
    EXPECT_EQ(ThreadBarrier::default_spin(cores + 1, cores + 1).count(), 0);
  }
  setenv("OMP_WAIT_POLICY", "Passive", 1);
  EXPECT_EQ(ThreadBarrier::default_spin(1).count(), 0);
  setenv("OMP_WAIT_POLICY", "active", 1);
  EXPECT_EQ(ThreadBarrier::default_spin(1), microseconds(200));
  if (old)
    setenv("OMP_WAIT_POLICY", saved.c_str(), 1);
  else
    unsetenv("OMP_WAIT_POLICY");
}

}  // namespace
}  // namespace engram
