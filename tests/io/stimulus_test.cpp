// Current stimuli: the current of step s is constant over [s dt, (s+1) dt); start and stop
// bound it; waveforms play piecewise constant or linear; OU noise has the requested mean,
// standard deviation and correlation time.
#include "engram/io/stimulus.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engram/core/error.hpp"
#include "engram/engine/network.hpp"
#include "test_support.hpp"

namespace engram {
namespace {

// The injected current of each step, read off the target population's i_stim.
std::vector<double> currents(std::string_view stimulus, int64_t steps, double dt = 0.1) {
  auto spec = test::spec_from(fmt::format(R"(
[protocol]
dt = {}
duration = "1 ms"
[[population]]
name = "n"
size = 3
model = "lif_psc_exp"
[[stimulus]]
to = "n"
{}
)",
                                          dt, stimulus));
  Network net = build_network(spec);
  auto stimuli = make_stimuli(spec, net);
  std::vector<double> out;
  for (int64_t s = 0; s < steps; ++s) {
    auto& i = net.populations[0].i_stim;
    std::fill(i.begin(), i.end(), 0.0);
    for (auto& st : stimuli) st.apply(s, net);
    out.push_back(i[0]);
  }
  return out;
}

TEST(Stimulus, DcIsOnBetweenStartAndStop) {
  auto i = currents("kind = \"dc\"\namplitude = \"2 nA\"\nstart = \"1 ms\"\nstop = \"2.5 ms\"", 40);
  for (int s = 0; s < 40; ++s) EXPECT_EQ(i[s], (s >= 10 && s < 25) ? 2000.0 : 0.0) << s;
}

TEST(Stimulus, StepCurrentHoldsEachAmplitudeUntilTheNextTime) {
  auto i = currents(
      "kind = \"step_current\"\ntimes = [\"0.5 ms\", \"1 ms\", \"2 ms\"]\n"
      "amplitudes = [\"100 pA\", \"-50 pA\", \"0 pA\"]",
      30);
  for (int s = 0; s < 30; ++s) {
    const double expected = s < 5 ? 0 : s < 10 ? 100 : s < 20 ? -50 : 0;
    EXPECT_EQ(i[s], expected) << s;
  }
}

TEST(Stimulus, WaveformFromFilePlaysLinearlyAtStepMidpoints) {
  // tests/data/ramp.csv: 0 ms 0 pA, 1 ms 100 pA, 2 ms 100 pA
  auto i = currents("kind = \"waveform\"\nfile = \"ramp.csv\"\ninterpolation = \"linear\"", 25);
  for (int s = 0; s < 10; ++s) EXPECT_NEAR(i[s], 100.0 * (s + 0.5) / 10, 1e-9) << s;
  for (int s = 10; s < 25; ++s) EXPECT_NEAR(i[s], 100.0, 1e-9) << s;
  auto step = currents("kind = \"waveform\"\nfile = \"ramp.csv\"", 12);
  EXPECT_EQ(step[9], 0.0);
  EXPECT_EQ(step[10], 100.0);
}

TEST(Stimulus, PerNeuronDcAmplitudes) {
  auto spec = test::spec_from(R"(
[protocol]
duration = "1 ms"
[[population]]
name = "n"
size = 3
model = "lif_psc_exp"
[[stimulus]]
kind = "dc"
to = "n"
neurons = [0, 2]
amplitude = ["1 pA", "3 pA"]
)");
  Network net = build_network(spec);
  auto stimuli = make_stimuli(spec, net);
  stimuli[0].apply(0, net);
  EXPECT_EQ(net.populations[0].i_stim, (std::vector<double>{1.0, 0.0, 3.0}));
}

TEST(Stimulus, OrnsteinUhlenbeckNoiseHasItsMeanSdAndCorrelationTime) {
  const double mean = 50, sd = 20, tau = 5, dt = 0.1;
  auto i =
      currents(fmt::format("kind = \"noise\"\nmean = \"{} pA\"\nstd = \"{} pA\"\ntau = \"{} ms\"",
                           mean, sd, tau),
               400000, dt);
  double m = 0;
  for (double x : i) m += x;
  m /= i.size();
  double v = 0;
  for (double x : i) v += (x - m) * (x - m);
  v /= i.size();
  const auto lag = static_cast<size_t>(tau / dt);
  double c = 0;
  for (size_t k = 0; k + lag < i.size(); ++k) c += (i[k] - m) * (i[k + lag] - m);
  c /= (i.size() - lag) * v;
  // 40 s of a process with a 5 ms correlation time: ~4000 independent samples, so the
  // mean is known to sd/63 and the variance to ~2 %
  EXPECT_NEAR(m, mean, 4 * sd / 63);
  EXPECT_NEAR(std::sqrt(v), sd, 0.05 * sd);
  EXPECT_NEAR(c, std::exp(-1.0), 0.05);  // autocorrelation at lag tau is 1/e
}

TEST(Stimulus, WhiteNoiseIsIndependentEachStepGaussianOrUniform) {
  // tau = 0: a new value every step (NEST's noise_generator; Izhikevich's random thalamic
  // input is the uniform case). 100 000 independent samples: mean to sd/316, sd to ~0.5 %.
  const double mean = 10, sd = 4;
  for (const char* dist : {"gaussian", "uniform"}) {
    auto i = currents(fmt::format("kind = \"noise\"\nmean = \"{} pA\"\nstd = \"{} pA\"\n"
                                  "tau = \"0 ms\"\ndistribution = \"{}\"",
                                  mean, sd, dist),
                      100000);
    double m = 0, lo = 1e300, hi = -1e300;
    for (double x : i) {
      m += x;
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
    m /= i.size();
    double v = 0, c = 0;
    for (double x : i) v += (x - m) * (x - m);
    v /= i.size();
    for (size_t k = 0; k + 1 < i.size(); ++k) c += (i[k] - m) * (i[k + 1] - m);
    c /= (i.size() - 1) * v;
    EXPECT_NEAR(m, mean, 4 * sd / 316) << dist;
    EXPECT_NEAR(std::sqrt(v), sd, 0.02 * sd) << dist;
    EXPECT_NEAR(c, 0.0, 0.015) << dist;  // 4.7 standard errors
    if (std::string(dist) == "uniform") {
      // uniform on mean -+ sd sqrt 3, reaching close to both ends
      EXPECT_GE(lo, mean - sd * std::sqrt(3.0));
      EXPECT_LE(hi, mean + sd * std::sqrt(3.0));
      EXPECT_LT(lo, mean - 0.99 * sd * std::sqrt(3.0));
      EXPECT_GT(hi, mean + 0.99 * sd * std::sqrt(3.0));
    } else {
      EXPECT_LT(lo, mean - 3.5 * sd);  // a Gaussian's tails reach past the uniform's ends
    }
  }
  EXPECT_THROW(currents("kind = \"noise\"\nstd = \"1 pA\"\ntau = \"1 ms\"\n"
                        "distribution = \"uniform\"",
                        1),
               InputError);
  EXPECT_THROW(currents("kind = \"noise\"\nstd = \"1 pA\"\ntau = \"0 ms\"\n"
                        "distribution = \"poisson\"",
                        1),
               InputError);
}

}  // namespace
}  // namespace engram
