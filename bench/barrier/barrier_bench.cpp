// The cost of one barrier per step on this machine: `threads` threads each do the same fixed
// amount of arithmetic per step (calibrated to `work_us` microseconds on one thread) and meet
// at an OpenMP barrier after it, as engram's threads do once per min-delay interval. With
// perfectly balanced work, whatever they wait is the machine's (scheduling jitter, interrupts,
// the vCPUs' unequal speed) plus the barrier itself: a floor under any per-step-synchronised
// parallel run, next to the throughput ceiling of run_scaling.py.
//
//   engram_barrier_bench THREADS STEPS WORK_US   ->  one JSON line
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

double seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// a dependent chain the compiler cannot shorten
double spin(long iterations, double a) {
  for (long k = 0; k < iterations; ++k) a = a * 1.0000001 + 1e-9;
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: engram_barrier_bench THREADS STEPS WORK_US\n");
    return 2;
  }
  const int threads = std::atoi(argv[1]);
  const long steps = std::atol(argv[2]);
  const double work_us = std::atof(argv[3]);
  if (threads < 1 || steps < 1 || !(work_us >= 0)) {
    std::fprintf(stderr, "engram_barrier_bench: THREADS >= 1, STEPS >= 1, WORK_US >= 0\n");
    return 2;
  }
  // calibrate: iterations per microsecond on one thread
  const long probe = 20'000'000;
  auto t0 = std::chrono::steady_clock::now();
  volatile double sink = spin(probe, 1.0);
  const double per_us = static_cast<double>(probe) / (seconds(t0) * 1e6);
  const long iterations = static_cast<long>(work_us * per_us);
  std::vector<double> wait(static_cast<size_t>(threads), 0.0);
  t0 = std::chrono::steady_clock::now();
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num();
    double a = 1.0 + t, w = 0;
    for (long s = 0; s < steps; ++s) {
      a = spin(iterations, a);
      const auto b0 = std::chrono::steady_clock::now();
#pragma omp barrier
      w += seconds(b0);
    }
    wait[static_cast<size_t>(t)] = w;
    if (a == 0) sink = a;
  }
  const double wall = seconds(t0);
  double mean_wait = 0;
  for (double w : wait) mean_wait += w / threads;
  std::printf(
      "{\"threads\": %d, \"steps\": %ld, \"work_us\": %.3f, \"wall_s\": %.6f, "
      "\"mean_wait_s\": %.6f, \"wait_fraction\": %.4f}\n",
      threads, steps, work_us, wall, mean_wait, mean_wait / wall);
  (void)sink;
  return 0;
}
