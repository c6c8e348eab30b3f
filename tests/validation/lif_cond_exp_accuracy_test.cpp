// Accuracy of the conductance-based LIF integrator (src/engram/models/lif_cond_exp.cpp)
// against a reference solution of the same ODE by classical RK4 at a 1000x finer step.
#include <cmath>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace engram {
namespace {

// COBA-benchmark neuron: C 200 pF, g_L 10 nS, E_L -60, E_ex 0, E_in -80 mV,
// tau_ex 5 ms, tau_in 10 ms; threshold out of reach so only sub-threshold dynamics count.
constexpr double kC = 200, kGl = 10, kEl = -60, kEex = 0, kEin = -80, kTauEx = 5, kTauIn = 10;

struct Input {
  double t;  // arrival time (ms)
  double w;  // nS
  bool excitatory;
};

// Input trains: exc spikes every 1.7 ms of 6 nS, inh every 4.3 ms of 20 nS, plus a DC.
std::vector<Input> inputs() {
  std::vector<Input> in;
  for (double t = 2.0; t < 150; t += 1.7) in.push_back({t, 6.0, true});
  for (double t = 2.5; t < 150; t += 4.3) in.push_back({t, 20.0, false});
  return in;
}

double reference_v(double t_end, double i_dc) {
  // piecewise: between arrivals, integrate with RK4 at h = 1e-4 ms; conductances are
  // exact exponentials, jumps applied at the arrival times.
  auto in = inputs();
  std::sort(in.begin(), in.end(), [](const Input& a, const Input& b) { return a.t < b.t; });
  double v = kEl, ge = 0, gi = 0, t = 0;
  size_t next = 0;
  auto dv = [&](double vv, double tt) {
    const double e = ge * std::exp(-(tt - t) / kTauEx), i = gi * std::exp(-(tt - t) / kTauIn);
    return (-kGl * (vv - kEl) - e * (vv - kEex) - i * (vv - kEin) + i_dc) / kC;
  };
  while (t < t_end - 1e-12) {
    double t_stop = next < in.size() ? std::min(in[next].t, t_end) : t_end;
    const int n = std::max(1, static_cast<int>(std::llround((t_stop - t) / 1e-4)));
    const double h = (t_stop - t) / n;
    double tt = t;
    for (int k = 0; k < n; ++k) {
      const double k1 = dv(v, tt), k2 = dv(v + 0.5 * h * k1, tt + 0.5 * h),
                   k3 = dv(v + 0.5 * h * k2, tt + 0.5 * h), k4 = dv(v + h * k3, tt + h);
      v += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
      tt += h;
    }
    ge *= std::exp(-(t_stop - t) / kTauEx);
    gi *= std::exp(-(t_stop - t) / kTauIn);
    t = t_stop;
    while (next < in.size() && in[next].t <= t + 1e-12) {
      (in[next].excitatory ? ge : gi) += in[next].w;
      ++next;
    }
  }
  return v;
}

// Largest |V_engram - V_reference| over the grid points of [0, 150] ms.
double max_error(double dt) {
  // Spike sources emit at the input time minus the 1 ms delay; the arrival times of
  // inputs() are on every grid used here.
  std::string exc, inh;
  for (const auto& x : inputs())
    (x.excitatory ? exc : inh) +=
        fmt::format("{}\"{} ms\"", (x.excitatory ? exc : inh).empty() ? "" : ", ", x.t - 1.0);
  auto sim =
      test::run_model(fmt::format(R"(
[protocol]
dt = "{dt} ms"
duration = "150 ms"
[[population]]
name = "e"
size = 1
model = "spike_source"
spike_times = [{exc}]
[[population]]
name = "i"
size = 1
model = "spike_source"
spike_times = [{inh}]
[[population]]
name = "n"
size = 1
model = "lif_cond_exp"
params = {{ c_m = "200 pF", g_l = "10 nS", e_l = "-60 mV", e_ex = "0 mV", e_in = "-80 mV", tau_syn_ex = "5 ms", tau_syn_in = "10 ms", v_thresh = "100 mV", v_reset = "-60 mV", i_e = "150 pA" }}
[[projection]]
from = "e"
to = "n"
connect = {{ rule = "all_to_all" }}
synapse = {{ receptor = "exc", weight = "6 nS", delay = "1 ms" }}
[[projection]]
from = "i"
to = "n"
connect = {{ rule = "all_to_all" }}
synapse = {{ receptor = "inh", weight = "20 nS", delay = "1 ms" }}
[[record]]
what = "v"
of = "n"
interval = "1 ms"
)",
                                  fmt::arg("dt", dt), fmt::arg("exc", exc), fmt::arg("inh", inh)));
  auto v = test::trace(*sim, "n", "v");
  static const std::vector<double> ref = [] {
    std::vector<double> r;
    for (int t = 0; t <= 150; t += 5) r.push_back(reference_v(t, 150.0));
    return r;
  }();
  double err = 0;
  for (size_t k = 0; k < ref.size(); ++k) err = std::max(err, std::fabs(v[5 * k] - ref[k]));
  return err;
}

TEST(LifCondExpAccuracy, SecondOrderAndWithinTolerance) {
  const double e1 = max_error(0.1), e2 = max_error(0.05), e3 = max_error(0.025);
  RecordProperty("error_dt_0.1", fmt::format("{:.3g}", e1));
  RecordProperty("order", fmt::format("{:.3g} {:.3g}", e1 / e2, e2 / e3));
  // Measured 3.7e-4 mV at dt = 0.1 ms; the bound 1e-3 mV (0.1 % of one ~1 mV EPSP of the COBA
  // network) fails on any first-order slip such as conductances taken at the step start.
  EXPECT_LT(e1, 1e-3) << "max |V - V_ref| at dt 0.1 ms: " << e1;
  // second order: halving dt divides the error by about 4
  EXPECT_GT(e1 / e2, 3.3) << e1 << " " << e2;
  EXPECT_GT(e2 / e3, 3.3) << e2 << " " << e3;
  EXPECT_LT(e1 / e2, 4.7);
}

}  // namespace
}  // namespace engram
