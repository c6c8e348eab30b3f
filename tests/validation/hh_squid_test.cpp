// hh_squid against NEURON 8.2's built-in hh mechanism (shared/VALIDATION.md §2): the same
// single-compartment cell (area 10000 um^2, cm 1 uF/cm^2, hh defaults, 6.3 degC) under the
// same current clamps. Reference data: tests/data/neuron/, made by
// tools/neuron_reference/hh_reference.py (the protocols below are the ones defined there).
//
// Which NEURON run is the reference: NEURON's default fixed step (dt 0.025 ms, backward Euler
// for V) is itself 0.8 ms off the converged spike times after 13 spikes of the step protocol
// (hh_summary.csv, step_neuron_dt0.025_error). engram's integrators are more accurate than
// that at the same dt, so every comparison is against NEURON's converged run (dt 0.025/64 ms,
// Crank-Nicolson; it moves < 1e-5 ms when its dt is halved again).
#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engram/core/error.hpp"
#include "test_support.hpp"

namespace engram {
namespace {

// --- reference data ----------------------------------------------------------------------

std::vector<std::vector<std::string>> read_csv(const std::string& name) {
  std::istringstream in(test::read_file(test::source_path("tests/data/neuron/" + name)));
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {  // the column names
      header = false;
      continue;
    }
    std::vector<std::string> row;
    std::istringstream fields(line);
    std::string f;
    while (std::getline(fields, f, ',')) row.push_back(f);
    rows.push_back(row);
  }
  return rows;
}

// hh_summary.csv: (quantity, method) -> value
double summary(const std::string& quantity, const std::string& method) {
  static const auto rows = read_csv("hh_summary.csv");
  for (const auto& r : rows)
    if (r[0] == quantity && r[1] == method) return std::stod(r[2]);
  ADD_FAILURE() << "no " << quantity << " / " << method << " in hh_summary.csv";
  return NAN;
}

// hh_spikes.csv: spike times of a protocol by method ("dt0.025" or "fine")
std::vector<double> neuron_spikes(const std::string& protocol, const std::string& method) {
  static const auto rows = read_csv("hh_spikes.csv");
  std::vector<double> t;
  for (const auto& r : rows)
    if (r[0] == protocol && r[1] == method) t.push_back(std::stod(r[3]));
  return t;
}

// --- engram runs ---------------------------------------------------------------------------

// The protocols of hh_reference.py as engram stimuli (amplitudes in pA).
std::string stimulus(const std::string& protocol) {
  if (protocol == "step")
    return R"(kind = "step_current"
times = ["0 ms", "10 ms"]
amplitudes = ["0 pA", "1000 pA"])";
  if (protocol == "steps")
    return R"(kind = "step_current"
times = ["0 ms", "20 ms", "50 ms", "80 ms", "130 ms"]
amplitudes = ["0 pA", "-500 pA", "0 pA", "400 pA", "1500 pA"])";
  return R"(kind = "waveform"
times = ["0 ms", "200 ms"]
amplitudes = ["0 pA", "3000 pA"]
interpolation = "linear")";
}

// V of one hh_squid neuron sampled at every step.
std::vector<double> run_trace(const std::string& stim, double dt, const std::string& integrator,
                              double duration = 200.0) {
  auto sim = test::run_model(fmt::format(R"(
[protocol]
dt = "{} ms"
duration = "{} ms"
[[population]]
name = "n"
size = 1
model = "hh_squid"
integrator = "{}"
[[stimulus]]
to = "n"
{}
[[record]]
what = "v"
of = "n"
)",
                                         dt, duration, integrator, stim));
  return test::trace(*sim, "n", "v");
}

// Upward crossings of `thresh`, linearly interpolated between samples (as the reference).
std::vector<double> crossings(const std::vector<double>& v, double dt, double thresh = 0.0) {
  std::vector<double> t;
  for (size_t k = 0; k + 1 < v.size(); ++k)
    if (v[k] < thresh && v[k + 1] >= thresh)
      t.push_back(dt * (static_cast<double>(k) + (thresh - v[k]) / (v[k + 1] - v[k])));
  return t;
}

// Largest spike-time difference; infinity when the counts differ.
double max_difference(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return INFINITY;
  double d = 0;
  for (size_t k = 0; k < a.size(); ++k) d = std::max(d, std::fabs(a[k] - b[k]));
  return d;
}

double spike_time_error(const std::string& protocol, double dt, const std::string& integrator) {
  return max_difference(crossings(run_trace(stimulus(protocol), dt, integrator), dt),
                        neuron_spikes(protocol, "fine"));
}

// --- tests ---------------------------------------------------------------------------------

TEST(HhSquid, RestingPotentialIsNeurons) {
  // -64.974052 mV: NEURON after 1 s, and the root of the steady-state I-V curve. The
  // discrete maps of the exponential scheme have the continuous steady state as their fixed
  // point, so this holds at any dt.
  const double rest = summary("rest_v", "iv_root");
  EXPECT_NEAR(rest, summary("rest_v", "fine"), 1e-5);
  for (double dt : {0.025, 0.1}) {
    const auto v = run_trace(R"(kind = "dc"
amplitude = "0 pA")",
                             dt, "exponential", 300.0);
    EXPECT_NEAR(v.back(), rest, 1e-5) << "dt " << dt;
  }
}

TEST(HhSquid, SpikeTimesMatchNeuronOver200ms) {
  for (const std::string p : {"step", "steps", "ramp"}) {
    const auto fine = neuron_spikes(p, "fine");
    ASSERT_GE(fine.size(), 8u) << p;
    // rk4 at NEURON's default dt: measured <= 1e-4 ms; bound 2e-3 ms
    const double e_rk4 = spike_time_error(p, 0.025, "rk4");
    EXPECT_LT(e_rk4, 2e-3) << p;
    // the default (staggered exponential) at dt 0.025 ms: measured 0.057 ms on 'step' (the
    // phase error of a second-order method, growing by ~0.004 ms per spike), below the
    // 0.05-0.08 ms of NEURON's Crank-Nicolson at this dt and a tenth of NEURON's default
    const double e_exp = spike_time_error(p, 0.025, "exponential");
    EXPECT_LT(e_exp, 0.08) << p;
    EXPECT_LT(e_exp, 0.2 * summary(p + "_neuron_dt0.025_error", "dt0.025")) << p;
    RecordProperty(p + "_error_ms_rk4_exponential", fmt::format("{:.2e} {:.3f}", e_rk4, e_exp));
  }
}

TEST(HhSquid, IntegratorsConvergeAtTheirOrder) {
  // error(dt) / error(dt/2) on the step protocol: 4 for the second-order exponential scheme,
  // 2 for first-order exponential Euler. A first-order slip (gates not staggered, synaptic
  // or stimulus input at the wrong time) turns 4 into 2.
  const double e1 = spike_time_error("step", 0.05, "exponential");
  const double e2 = spike_time_error("step", 0.025, "exponential");
  EXPECT_GT(e1 / e2, 3.5) << e1 << " " << e2;
  EXPECT_LT(e1 / e2, 4.5) << e1 << " " << e2;
  const double f1 = spike_time_error("step", 0.05, "exponential_euler");
  const double f2 = spike_time_error("step", 0.025, "exponential_euler");
  EXPECT_GT(f1 / f2, 1.8) << f1 << " " << f2;
  EXPECT_LT(f1 / f2, 2.2) << f1 << " " << f2;
  // rk4 is at the interpolation floor of the reference comparison already
  EXPECT_LT(spike_time_error("step", 0.05, "rk4"), 2e-3);
}

TEST(HhSquid, RheobaseOfALongStepIsNeurons) {
  // Smallest step (10 ms to 200 ms) that gives a spike, by bisection to 1e-5 nA.
  // NEURON: 0.22394 nA converged, 0.22525 nA at its default dt 0.025 (+0.6 %).
  auto fires = [](double amp_pa, const std::string& integrator) {
    const auto v = run_trace(fmt::format(R"(kind = "step_current"
times = ["0 ms", "10 ms"]
amplitudes = ["0 pA", "{} pA"])",
                                         amp_pa),
                             0.025, integrator);
    return !crossings(v, 0.025).empty();
  };
  const double ref = 1000.0 * summary("rheobase_step_10_200ms", "fine");
  for (const std::string integrator : {"rk4", "exponential"}) {
    double lo = 200, hi = 250;  // pA
    ASSERT_FALSE(fires(lo, integrator));
    ASSERT_TRUE(fires(hi, integrator));
    while (hi - lo > 0.01) {
      const double mid = 0.5 * (lo + hi);
      (fires(mid, integrator) ? hi : lo) = mid;
    }
    // rk4 measured within 0.01 pA; the exponential scheme within 0.2 pA (0.1 %)
    EXPECT_NEAR(0.5 * (lo + hi), ref, integrator == "rk4" ? 0.05 : 0.5) << integrator;
  }
}

TEST(HhSquid, SpikePeakAndWidthAreNeurons) {
  // First spike of the step protocol: peak (parabola through the three samples around the
  // largest) and width at 0 mV (between the interpolated up and down crossings).
  const double dt = 0.025;
  const auto v = run_trace(stimulus("step"), dt, "rk4", 20.0);
  const auto up = crossings(v, dt);
  ASSERT_FALSE(up.empty());
  size_t k = static_cast<size_t>(up[0] / dt);
  while (v[k + 1] > v[k]) ++k;
  const double a = v[k - 1], b = v[k], c = v[k + 1];
  const double x = 0.5 * (a - c) / (a - 2 * b + c);
  const double peak = b - 0.25 * (a - c) * x;
  std::vector<double> neg(v.size());
  std::transform(v.begin(), v.end(), neg.begin(), [](double y) { return -y; });
  const auto down = crossings(neg, dt);
  ASSERT_FALSE(down.empty());
  EXPECT_NEAR(peak, summary("first_spike_peak_v", "fine"), 0.02);  // 40.23 mV
  EXPECT_NEAR(dt * (static_cast<double>(k) + x), summary("first_spike_peak_t", "fine"), 2e-3);
  EXPECT_NEAR(down[0] - up[0], summary("first_spike_width_at_0mV", "fine"), 2e-3);  // 1.167 ms
}

// Rates of a 1 s DC step (1000 / mean ISI after 200 ms), one neuron per amplitude.
std::vector<double> fi_rates(const std::vector<double>& amps_na, const std::string& integrator) {
  std::string list;
  for (double a : amps_na) list += fmt::format("{}\"{} pA\"", list.empty() ? "" : ", ", 1e3 * a);
  auto sim = test::run_model(fmt::format(R"(
[protocol]
dt = "0.025 ms"
duration = "1000 ms"
[[population]]
name = "n"
size = {}
model = "hh_squid"
integrator = "{}"
[[stimulus]]
kind = "dc"
to = "n"
amplitude = [{}]
[[record]]
what = "spikes"
of = "n"
)",
                                         amps_na.size(), integrator, list));
  std::vector<double> rates;
  for (const auto& train : test::spike_trains(*sim, "n")) {
    std::vector<double> late;
    for (double t : train)
      if (t >= 200.0) late.push_back(t);
    rates.push_back(late.size() < 2 ? 0.0
                                    : 1000.0 * static_cast<double>(late.size() - 1) /
                                          (late.back() - late.front()));
  }
  return rates;
}

TEST(HhSquid, FiCurveIsTypeTwoAsNeurons) {
  std::vector<double> amps, ref;
  for (const auto& r : read_csv("hh_fi.csv")) {
    amps.push_back(std::stod(r[0]));
    ref.push_back(std::stod(r[2]));
  }
  ASSERT_EQ(amps.size(), 41u);
  const auto rates = fi_rates(amps, "exponential");
  double min_rate = INFINITY;
  for (size_t k = 0; k < amps.size(); ++k) {
    if (ref[k] == 0.0) {
      EXPECT_EQ(rates[k], 0.0) << amps[k] << " nA";
      continue;
    }
    // spike stamps on the 0.025 ms grid over ~50 ISIs: < 0.01 % of the rate; the measured
    // difference is the integrator's (~0.1 %)
    EXPECT_NEAR(rates[k], ref[k], 3e-3 * ref[k]) << amps[k] << " nA";
    min_rate = std::min(min_rate, rates[k]);
  }
  // type II (Hodgkin's class 2): repetitive firing starts at a non-zero rate, ~46 Hz
  EXPECT_GT(min_rate, 40.0);
  // the onset current of repetitive firing, to 1 pA: one neuron per pA from 600 to 640 pA
  std::vector<double> sweep;
  for (int k = 0; k <= 40; ++k) sweep.push_back(0.600 + 0.001 * k);
  const auto onset_rates = fi_rates(sweep, "exponential");
  size_t first = 0;
  while (first < sweep.size() && onset_rates[first] == 0.0) ++first;
  ASSERT_LT(first, sweep.size());
  ASSERT_GT(first, 0u);
  for (size_t k = first; k < sweep.size(); ++k) EXPECT_GT(onset_rates[k], 40.0);
  EXPECT_NEAR(sweep[first], summary("repetitive_onset_current", "fine16"), 0.002);
  // NEURON's rate at its onset (46 Hz) was taken within 0.1 pA of it; the rate climbs steeply
  // there (55 Hz at 650 pA), so 1 pA above it only bounds it
  EXPECT_GT(onset_rates[first], summary("repetitive_onset_rate", "fine16") - 1.0);
  EXPECT_LT(onset_rates[first], 55.0);
}

TEST(HhSquid, TooLargeAStepIsAnErrorNotNaN) {
  // rk4 is unstable at dt 0.1 ms for the sodium spike: the engine stops the run naming the
  // population, neuron and time; the exponential scheme is stable there.
  try {
    run_trace(stimulus("step"), 0.1, "rk4");
    FAIL() << "expected a RuntimeFailure";
  } catch (const RuntimeFailure& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("numerical blow-up"), std::string::npos) << what;
    EXPECT_NE(what.find("population 'n' neuron 0"), std::string::npos) << what;
    EXPECT_NE(what.find("smaller dt"), std::string::npos) << what;
  }
  const auto v = run_trace(stimulus("step"), 0.1, "exponential");
  for (double x : v) ASSERT_TRUE(std::isfinite(x) && x > -100 && x < 60);
  EXPECT_EQ(crossings(v, 0.1).size(), neuron_spikes("step", "fine").size());
}

}  // namespace
}  // namespace engram
