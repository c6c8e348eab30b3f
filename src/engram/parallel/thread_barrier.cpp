#include "engram/parallel/thread_barrier.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>
#include <thread>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace engram {
namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

}  // namespace

ThreadBarrier::ThreadBarrier(uint32_t threads, std::chrono::nanoseconds spin)
    : threads_(std::max<uint32_t>(1, threads)), spin_(spin) {}

void ThreadBarrier::arrive_and_wait() {
  if (threads_ == 1) return;
  const uint32_t gen = generation_.load(std::memory_order_acquire);
  if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == threads_) {
    // the others wait for the generation to change: reset the count before releasing them
    arrived_.store(0, std::memory_order_relaxed);
    generation_.store(gen + 1, std::memory_order_seq_cst);
    // seq_cst with the sleepers' increment below: either this sees it, or the sleeper sees
    // the new generation and does not sleep
    if (sleepers_.load(std::memory_order_seq_cst) > 0) generation_.notify_all();
    return;
  }
  if (spin_.count() > 0) {
    const auto deadline = std::chrono::steady_clock::now() + spin_;
    for (uint32_t i = 1;; ++i) {
      if (generation_.load(std::memory_order_acquire) != gen) return;
      cpu_relax();
      if (i % 64 == 0 && std::chrono::steady_clock::now() > deadline) break;
    }
  }
  sleepers_.fetch_add(1, std::memory_order_seq_cst);
  while (generation_.load(std::memory_order_seq_cst) == gen)
    generation_.wait(gen, std::memory_order_acquire);
  sleepers_.fetch_sub(1, std::memory_order_relaxed);
}

std::chrono::nanoseconds ThreadBarrier::default_spin(uint32_t threads_on_node) {
  if (const char* policy = std::getenv("OMP_WAIT_POLICY")) {
    std::string p(policy);
    std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return std::tolower(c); });
    if (p == "passive") return std::chrono::nanoseconds(0);
  }
  const unsigned cores = std::thread::hardware_concurrency();
  if (cores != 0 && threads_on_node > cores) return std::chrono::nanoseconds(0);
  return std::chrono::microseconds(200);
}

std::chrono::nanoseconds ThreadBarrier::default_spin(uint32_t threads, uint32_t threads_on_node) {
#ifdef _OPENMP
  // the processors OpenMP may use (the process's affinity when it started: taskset, an MPI
  // launcher's binding), not the calling thread's own, which OMP_PROC_BIND narrows to one
  if (threads > static_cast<uint32_t>(std::max(1, omp_get_num_procs())))
    return std::chrono::nanoseconds(0);
#else
  (void)threads;
#endif
  return default_spin(threads_on_node);
}

}  // namespace engram
