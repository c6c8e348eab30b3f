// Poisson spike sources and Poisson input: rate, ISI statistics and count statistics with a
// fixed seed. Tolerances are a few standard errors of the estimate, so a wrong unit (Hz vs
// kHz), a lost or doubled spike, or correlated streams fail.
#include <cmath>
#include <numeric>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace engram {
namespace {

TEST(PoissonSource, RateAndIsiCv) {
  auto sim = test::run_model(R"(
[protocol]
dt = "0.1 ms"
duration = "10 s"
seed = 7
[[population]]
name = "p"
size = 1000
model = "poisson_source"
params = { rate = "20 Hz" }
[[record]]
what = "spikes"
of = "p"
)");
  auto trains = test::spike_trains(*sim, "p");
  double total = 0, cv_sum = 0;
  for (const auto& t : trains) {
    total += t.size();
    std::vector<double> isi;
    for (size_t k = 1; k < t.size(); ++k) isi.push_back(t[k] - t[k - 1]);
    const double m = std::accumulate(isi.begin(), isi.end(), 0.0) / isi.size();
    double v = 0;
    for (double x : isi) v += (x - m) * (x - m);
    v /= isi.size() - 1;
    cv_sum += std::sqrt(v) / m;
    // every ISI is a positive multiple of dt
    for (double x : isi) EXPECT_NEAR(x / 0.1, std::round(x / 0.1), 1e-6);
  }
  // expected 200000 spikes, sd 447: 4 sd = 0.9 %
  const double rate = total / (1000 * 10.0);
  EXPECT_NEAR(rate, 20.0, 0.009 * 20.0);
  // On the grid the process is Bernoulli per step, ISI CV = sqrt(1 - p) = 0.999; the
  // estimate over 1000 neurons of ~200 ISIs has a standard error of ~0.002.
  EXPECT_NEAR(cv_sum / 1000, std::sqrt(1 - (1 - std::exp(-20 * 1e-4))), 0.01);
}

TEST(PoissonSource, NeuronsAreIndependent) {
  // spike counts in 10 ms bins of two neurons are uncorrelated (|r| < 4/sqrt(n_bins))
  auto sim = test::run_model(R"(
[protocol]
duration = "20 s"
[[population]]
name = "p"
size = 2
model = "poisson_source"
params = { rate = "50 Hz" }
[[record]]
what = "spikes"
of = "p"
)");
  auto trains = test::spike_trains(*sim, "p");
  std::vector<double> a(2000, 0), b(2000, 0);
  for (double t : trains[0]) a[std::min<size_t>(1999, static_cast<size_t>(t / 10))] += 1;
  for (double t : trains[1]) b[std::min<size_t>(1999, static_cast<size_t>(t / 10))] += 1;
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / 2000,
               mb = std::accumulate(b.begin(), b.end(), 0.0) / 2000;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < 2000; ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  EXPECT_LT(std::fabs(sab / std::sqrt(saa * sbb)), 4 / std::sqrt(2000.0));
}

TEST(PoissonSource, RespectsStartAndStop) {
  auto sim = test::run_model(R"(
[protocol]
duration = "1 s"
[[population]]
name = "p"
size = 100
model = "poisson_source"
params = { rate = "100 Hz", start = "200 ms", stop = "600 ms" }
[[record]]
what = "spikes"
of = "p"
)");
  double n = 0;
  for (const auto& t : test::spike_trains(*sim, "p"))
    for (double x : t) {
      EXPECT_GE(x, 200.0);
      EXPECT_LE(x, 600.0 + 1e-9);
      ++n;
    }
  EXPECT_NEAR(n, 100 * 100 * 0.4, 4 * std::sqrt(4000.0));
}

TEST(PoissonStimulus, CountsArePoissonPerTarget) {
  // Poisson input of rate 1000 inputs x 5 Hz onto a non-leaky, non-firing integrator: V/w
  // after T counts the input spikes. Mean = 5000/s x T, Fano factor 1.
  auto sim = test::run_model(R"(
[protocol]
duration = "1 s"
[[population]]
name = "n"
size = 2000
model = "lif_psc_delta"
params = { tau_m = "1e12 ms", e_l = "0 mV", v_reset = "0 mV", v_thresh = "1e9 mV" }
[[stimulus]]
kind = "poisson"
to = "n"
rate = "5 Hz"
inputs = 1000
weight = "0.5 mV"
[[record]]
what = "v"
of = "n"
interval = "1 s"
)");
  const auto& rec = sim->recorders().states()[0];
  ASSERT_EQ(rec.samples, 2u);
  double sum = 0, sq = 0;
  for (size_t i = 0; i < 2000; ++i) {
    const double k = rec.data[2000 + i] / 0.5;
    EXPECT_NEAR(k, std::round(k), 1e-4);  // the leak over 1 s with tau_m = 1e12 ms is 1e-9
    sum += k;
    sq += k * k;
  }
  const double mean = sum / 2000, var = sq / 2000 - mean * mean;
  EXPECT_NEAR(mean, 5000.0, 4 * std::sqrt(5000.0 / 2000));  // standard error of the mean
  EXPECT_NEAR(var / mean, 1.0, 0.15);                       // Fano factor, se ~0.03
}

}  // namespace
}  // namespace engram
