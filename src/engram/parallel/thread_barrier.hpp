#pragma once
// The barrier at which a rank's threads meet once per min-delay interval.
//
// Why not `#pragma omp barrier`: libgomp's last arriving thread always makes a futex_wake
// system call, whether or not any thread sleeps. On this project's virtual machines a system
// call costs about 1 us, and with a 0.1 ms delay the threads meet every step: in COBA x10
// (about 40 us a step on 2 threads) the thread that arrived last left the barrier a median of
// 1.9 us after arriving (bench/README.md, "The barrier"). Here a waiting thread polls for a
// while and only then sleeps, and the last thread wakes sleepers only when there are some.
//
// Ordering: everything a thread wrote before arrive_and_wait() is visible to every thread
// after it returns (release on arrival, acquire on leaving).
#include <atomic>
#include <chrono>
#include <cstdint>

namespace engram {

class ThreadBarrier {
 public:
  // spin: how long a waiting thread polls before it sleeps (0: sleep at once).
  ThreadBarrier(uint32_t threads, std::chrono::nanoseconds spin);

  void arrive_and_wait();

  // The polling time for `threads_on_node` threads on this machine: none when
  // OMP_WAIT_POLICY is passive or when the threads outnumber the cores (a poller would hold
  // a core that another thread needs), else 200 us.
  static std::chrono::nanoseconds default_spin(uint32_t threads_on_node);
  // As above, and none either when this process's `threads` outnumber the processors it may
  // use.
  static std::chrono::nanoseconds default_spin(uint32_t threads, uint32_t threads_on_node);

 private:
  const uint32_t threads_;
  const std::chrono::nanoseconds spin_;
  // each on a line of its own: the arrival count is written by every thread, the generation
  // read by the pollers
  alignas(64) std::atomic<uint32_t> arrived_{0};
  alignas(64) std::atomic<uint32_t> generation_{0};
  alignas(64) std::atomic<uint32_t> sleepers_{0};
};

}  // namespace engram
