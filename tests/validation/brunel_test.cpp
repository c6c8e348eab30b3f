// Brunel (2000) model A: the asynchronous irregular state of examples/brunel_ai.toml
// (the default network) and the synchronous regular state of examples/brunel_sr.toml.
#include <cmath>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace engram {
namespace {

double rate(const Simulation& sim, uint32_t p) {
  return sim.statistics()[p].total() /
         (sim.network().populations[p].size * sim.spec().protocol.duration * 1e-3);
}

TEST(Brunel, AsynchronousIrregularStateMatchesMeanFieldRate) {
  auto sim = test::run_file("examples/brunel_ai.toml");
  // Stationary rate from the Siegert equation (tools/brunel_siegert.py --g 5 --eta 2):
  // 37.95 Hz. VALIDATION.md §5: the AI state matches it within a few percent.
  const double siegert = 37.9497;
  for (uint32_t p = 0; p < 2; ++p) {
    EXPECT_NEAR(rate(*sim, p), siegert, 0.03 * siegert) << sim->network().populations[p].name;
    // irregular: ISI CV well above that of a regular oscillator, below Poisson's 1
    auto [cv, n] = sim->statistics()[p].mean_cv();
    EXPECT_GT(n, 0.9 * sim->network().populations[p].size);
    EXPECT_GT(cv, 0.3);
    EXPECT_LT(cv, 1.0);
  }
}

TEST(Brunel, SynchronousRegularStateFiresRegularlyInVolleys) {
  auto ai = test::run_file("examples/brunel_ai.toml", {{"protocol.duration", "\"300 ms\""}});
  auto sr = test::run_file("examples/brunel_sr.toml", {{"protocol.duration", "\"300 ms\""}});
  auto [cv_sr, n_sr] = sr->statistics()[0].mean_cv();
  EXPECT_LT(cv_sr, 0.1);         // regular
  EXPECT_GT(rate(*sr, 0), 250);  // near saturation (1/t_ref = 500 Hz)
  // synchronous: the population spike count fluctuates far more than in the AI state
  EXPECT_GT(sr->statistics()[0].population_fano(), 3 * ai->statistics()[0].population_fano());
}

}  // namespace
}  // namespace engram
