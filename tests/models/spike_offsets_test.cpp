// Sub-step spike times of the models with a reset (izhikevich, adex_psc_exp, adex_cond_exp):
// with rk45 and rk4 the crossing of the spike cutoff is located inside the step
// (ode_integrators.hpp) and reported through NeuronGroup::spike_offsets(); the spike
// recorder stamps step * dt + offset. Checked end to end (Simulation and its spike
// recorder, as `engram run` records them) against a converged reference: the same model
// with rk45 at dt = 0.001 ms, DC drive over 200 ms.
//
// Measured at dt = 0.1 ms, max over the spikes of |t - t_ref|:
//   izhikevich regular_spiking, 14 pA (8 spikes): rk45 4.3e-6 ms, rk4 3.2e-4 ms; step ends
//     (what a model without offsets records) 7.6e-2 ms.
//   adex_psc_exp / adex_cond_exp tonic, 500 pA (20 spikes): rk45 2.2e-5 ms; step ends
//     9.8e-2 ms.
// The reference itself: izhikevich rk45 at 0.001 ms and rk4 at 0.0005 ms agree to 2e-11 ms;
// adex rk45 at 0.001 ms and 0.0002 ms to 3.3e-5 ms (rk45's time tolerance, 1e-6 ms per
// crossing, accumulated over 20 spikes). Bound 1e-3 ms: 3x the worst measured error (rk4 on
// izhikevich), 30x the reference's own spread, and 75x below the error of step-end times,
// which the test checks fail it.
//
// AdEx with rk4 is not held to that bound: its spike times converge at first order only
// (0.30 ms at dt 0.1 ms, 0.064 ms at 0.025 ms, against 0.40 and 0.080 ms for step ends),
// because one RK4 step cannot follow the exponential runaway of V in the step that crosses
// v_peak. Its offsets are checked to lie inside their steps.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace engram {
namespace {

constexpr double kBound = 1e-3;  // ms

// Recorded spike times of one DC-driven neuron over 200 ms (`threads` engine threads; `size`
// identical neurons).
std::vector<std::vector<double>> spikes(const std::string& model, const std::string& preset,
                                        double amplitude, const std::string& integrator, double dt,
                                        uint32_t size = 1, int threads = 1) {
  auto sim = test::run_model(fmt::format(R"([protocol]
dt = "{} ms"
duration = "200 ms"
threads = {}
[[population]]
name = "n"
size = {}
model = "{}"
preset = "{}"
integrator = "{}"
[[stimulus]]
kind = "dc"
to = "n"
amplitude = "{} pA"
[[record]]
what = "spikes"
of = "n"
)",
                                         dt, threads, size, model, preset, integrator, amplitude));
  return test::spike_trains(*sim, "n");
}

double worst_error(const std::vector<double>& t, const std::vector<double>& ref) {
  double worst = 0;
  for (size_t k = 0; k < std::min(t.size(), ref.size()); ++k)
    worst = std::max(worst, std::fabs(t[k] - ref[k]));
  return worst;
}

// The time the step grid gives the spike at `t`: the end of its step (k dt, t] .
double step_end(double t, double dt) {
  return (std::ceil(t / dt - 1e-9)) * dt;
}

// Every time inside a step, and (with `between`) at least one strictly between grid points.
void expect_inside_steps(const std::vector<double>& t, double dt, bool between,
                         const std::string& what) {
  bool off_grid = false;
  for (double x : t) {
    const double end = step_end(x, dt);
    EXPECT_GT(x, end - dt - 1e-12) << what;
    EXPECT_LE(x, end + 1e-12) << what;
    off_grid |= end - x > 1e-9;
  }
  EXPECT_EQ(off_grid, between) << what;
}

struct Case {
  const char* model;
  const char* preset;
  double amplitude;  // pA
  size_t min_spikes;
};

void check_against_reference(const Case& c, const std::string& integrator) {
  const auto ref = spikes(c.model, c.preset, c.amplitude, "rk45", 0.001)[0];
  ASSERT_GE(ref.size(), c.min_spikes) << c.model;
  const double dt = 0.1;
  const auto t = spikes(c.model, c.preset, c.amplitude, integrator, dt)[0];
  ASSERT_EQ(t.size(), ref.size()) << c.model << " " << integrator;
  expect_inside_steps(t, dt, true, std::string(c.model) + " " + integrator);
  std::vector<double> grid;
  for (double x : t) grid.push_back(step_end(x, dt));
  const double err = worst_error(t, ref), err_grid = worst_error(grid, ref);
  EXPECT_LT(err, kBound) << c.model << " " << integrator;
  EXPECT_GT(err_grid, kBound) << c.model << ": step-end times would pass too";
  testing::Test::RecordProperty(fmt::format("{}_{}_max_error_ms", c.model, integrator),
                                fmt::format("{:.2e}", err));
  testing::Test::RecordProperty(fmt::format("{}_step_end_max_error_ms", c.model),
                                fmt::format("{:.2e}", err_grid));
  std::printf("%s %s dt 0.1 ms: max spike time error %.2e ms (step ends %.2e ms)\n", c.model,
              integrator.c_str(), err, err_grid);
}

TEST(SpikeOffsets, IzhikevichRk45AndRk4MatchAConvergedReference) {
  const Case rs{"izhikevich", "regular_spiking", 14, 6};
  check_against_reference(rs, "rk45");
  check_against_reference(rs, "rk4");
}

TEST(SpikeOffsets, AdexRk45MatchesAConvergedReference) {
  for (const char* model : {"adex_psc_exp", "adex_cond_exp"})
    check_against_reference({model, "tonic", 500, 15}, "rk45");
}

TEST(SpikeOffsets, AdexRk4TimesLieInsideTheirSteps) {
  for (const char* model : {"adex_psc_exp", "adex_cond_exp"}) {
    const auto t = spikes(model, "tonic", 500, "rk4", 0.1)[0];
    ASSERT_GE(t.size(), 15u) << model;
    expect_inside_steps(t, 0.1, true, model);
  }
}

TEST(SpikeOffsets, EulerSchemesKeepGridTimes) {
  for (const char* integrator : {"euler", "izhikevich_2004", "izhikevich_2003"}) {
    const auto t = spikes("izhikevich", "regular_spiking", 14, integrator, 0.1)[0];
    ASSERT_GE(t.size(), 6u) << integrator;
    expect_inside_steps(t, 0.1, false, integrator);
  }
  for (const char* model : {"adex_psc_exp", "adex_cond_exp"}) {
    const auto t = spikes(model, "tonic", 500, "euler", 0.1)[0];
    ASSERT_GE(t.size(), 15u) << model;
    expect_inside_steps(t, 0.1, false, model);
  }
}

TEST(SpikeOffsets, TimesDoNotDependOnTheThreads) {
  // offsets are per local neuron index; the recorder merges the threads' parts
  for (const char* model : {"izhikevich", "adex_cond_exp"}) {
    const char* preset = std::string_view(model) == "izhikevich" ? "regular_spiking" : "tonic";
    const double amp = std::string_view(model) == "izhikevich" ? 14 : 500;
    const auto one = spikes(model, preset, amp, "rk45", 0.1, 5, 1);
    const auto two = spikes(model, preset, amp, "rk45", 0.1, 5, 2);
    EXPECT_EQ(one, two) << model;
    for (const auto& train : one) EXPECT_EQ(train, one[0]) << model;  // identical neurons
  }
}

}  // namespace
}  // namespace engram
