// lif_psc_exp_adapt and lif_cond_exp_adapt (lif_adapt_common.hpp): parameter errors, the
// reduction to lif_psc_exp / lif_cond_exp without adaptation, the threshold and rate traces
// against their closed forms, the refractory clamp of w, and intrinsic plasticity off.
// tests/validation/lif_adapt_validation_test.cpp checks the dynamics against references.
#include <cmath>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engram/core/error.hpp"
#include "test_support.hpp"

namespace engram {
namespace {

constexpr const char* kModels[] = {"lif_psc_exp_adapt", "lif_cond_exp_adapt"};

std::optional<InputError> error_of(std::string_view toml) {
  try {
    test::spec_from(toml);
  } catch (const InputError& e) {
    return e;
  }
  return std::nullopt;
}

std::string one_cell(std::string_view model, std::string_view params) {
  return fmt::format(R"([protocol]
duration = "10 ms"
[[population]]
name = "n"
size = 1
model = "{}"
params = {{ {} }}
)",
                     model, params);
}

TEST(LifAdapt, BadParametersAreRangeErrors) {
  struct Case {
    const char* params;
    const char* key;
    const char* message;
  };
  const Case cases[] = {
      {"tau_w = \"0 ms\"", "tau_w", "must be > 0 ms, got 0 ms"},
      {"tau_w = \"-5 ms\"", "tau_w", "must be > 0 ms, got -5 ms"},
      {"tau_theta = \"0 ms\"", "tau_theta", "must be > 0 ms, got 0 ms"},
      {"ip_tau_rate = \"-1 s\"", "ip_tau_rate", "must be > 0 ms, got -1000 ms"},
      {"theta_jump = \"-1 mV\"", "theta_jump", "must be >= 0 mV, got -1 mV"},
      {"ip_eta = -0.5", "ip_eta", "must be >= 0, got -0.5"},
      {"ip_target_rate = \"-2 Hz\"", "ip_target_rate", "must be >= 0 Hz, got -2 Hz"},
      {"a = \"-40 nS\"", "a", "must be above"},  // g_l is 25 nS (psc) and 16.7 nS (cond)
      {"v_reset = \"-50 mV\"", "v_reset", "must be below v_thresh"},
  };
  for (const char* model : kModels)
    for (const Case& c : cases) {
      auto e = error_of(one_cell(model, c.params));
      ASSERT_TRUE(e.has_value()) << model << ": " << c.params << " was accepted";
      EXPECT_EQ(e->key_path(), std::string("population 'n'.params.") + c.key) << e->what();
      EXPECT_NE(e->message().find(c.message), std::string::npos) << model << ": " << e->what();
      EXPECT_EQ(e->where().line, 7u) << e->what();
    }
  // a just above -g_l is a valid (if weakly stable) cell
  EXPECT_FALSE(error_of(one_cell("lif_psc_exp_adapt", "a = \"-24.9 nS\"")).has_value());
  EXPECT_FALSE(error_of(one_cell("lif_cond_exp_adapt", "a = \"-16 nS\"")).has_value());
}

// With a = b = theta_jump = ip_eta = 0 the models are lif_psc_exp and lif_cond_exp: the same
// network run with either model (the Poisson input is drawn per neuron, the same in both runs)
// gives the same V to rounding (the propagators are computed differently) and the same spikes.
std::string driven_cells(std::string_view model, std::string_view extra, bool cond) {
  return fmt::format(R"([protocol]
duration = "1 s"
seed = 3
[[population]]
name = "n"
size = 4
model = "{}"
params = {{ v_thresh = "-52 mV", t_ref = "2 ms" {} }}
[[stimulus]]
kind = "dc"
to = "n"
amplitude = ["100 pA", "200 pA", "300 pA", "400 pA"]
[[stimulus]]
kind = "poisson"
to = "n"
rate = "1000 Hz"
receptor = "exc"
weight = "{}"
[[stimulus]]
kind = "poisson"
to = "n"
rate = "300 Hz"
receptor = "inh"
weight = "{}"
[[record]]
what = "spikes"
of = "n"
[[record]]
what = "v"
of = "n"
)",
                     model, extra, cond ? "3 nS" : "150 pA", cond ? "6 nS" : "-150 pA");
}

TEST(LifAdapt, WithoutAdaptationItIsThePlainModel) {
  for (const char* model : kModels) {
    const bool cond = std::string_view(model) == "lif_cond_exp_adapt";
    auto plain = test::run_model(driven_cells(cond ? "lif_cond_exp" : "lif_psc_exp", "", cond));
    auto adapt =
        test::run_model(driven_cells(model, ", a = 0, b = 0, theta_jump = \"0 mV\"", cond));
    const auto sp = test::spike_trains(*plain, "n"), sa = test::spike_trains(*adapt, "n");
    size_t n_spikes = 0;
    for (size_t i = 0; i < 4; ++i) {
      n_spikes += sp[i].size();
      EXPECT_EQ(sp[i], sa[i]) << model << " neuron " << i;
      const auto vp = test::trace(*plain, "n", "v", i), va = test::trace(*adapt, "n", "v", i);
      ASSERT_EQ(vp.size(), va.size());
      double max_dv = 0;
      for (size_t k = 0; k < vp.size(); ++k) max_dv = std::max(max_dv, std::fabs(vp[k] - va[k]));
      EXPECT_LT(max_dv, 1e-9) << model << " neuron " << i;
    }
    EXPECT_GT(n_spikes, 20u) << model;
  }
}

// theta and rate are sums of exponentials over the recorded spikes, on the step grid:
// theta(t) = sum_k theta_jump e^{-(t - t_k)/tau_theta}, rate(t) = sum_k (1000/tau_r)
// e^{-(t - t_k)/tau_r} Hz. A DC pulse makes a train of spikes, then both decay back to 0.
TEST(LifAdapt, ThresholdAndRateTracesAreSumsOverTheSpikes) {
  for (const char* model : kModels) {
    auto sim = test::run_model(fmt::format(R"([protocol]
duration = "600 ms"
[[population]]
name = "n"
size = 1
model = "{}"
params = {{ c_m = "250 pF", e_l = "-70 mV", v_thresh = "-55 mV", v_reset = "-70 mV", t_ref = "2 ms", a = "1 nS", b = "10 pA", theta_jump = "3 mV", tau_theta = "50 ms", ip_tau_rate = "300 ms" }}
[[stimulus]]
kind = "dc"
to = "n"
amplitude = "800 pA"
start = "20 ms"
stop = "220 ms"
[[record]]
what = "spikes"
of = "n"
[[record]]
what = "theta"
of = "n"
[[record]]
what = "rate"
of = "n"
[[record]]
what = "theta_ip"
of = "n"
)",
                                           model));
    const auto spikes = test::spike_trains(*sim, "n")[0];
    ASSERT_GE(spikes.size(), 5u) << model;
    EXPECT_GT(spikes.front(), 20.0);
    EXPECT_LE(spikes.back(), 220.1);
    const auto theta = test::trace(*sim, "n", "theta"), rate = test::trace(*sim, "n", "rate");
    const auto theta_ip = test::trace(*sim, "n", "theta_ip");
    double max_theta = 0, max_rate = 0;
    for (size_t k = 0; k < theta.size(); ++k) {
      const double t = 0.1 * static_cast<double>(k);
      double th = 0, r = 0;
      for (double s : spikes)
        if (s <= t + 1e-9) {
          th += 3.0 * std::exp(-(t - s) / 50.0);
          r += 1000.0 / 300.0 * std::exp(-(t - s) / 300.0);
        }
      max_theta = std::max(max_theta, std::fabs(theta[k] - th));
      max_rate = std::max(max_rate, std::fabs(rate[k] - r));
      ASSERT_EQ(theta_ip[k], 0.0) << "intrinsic plasticity is off by default";
    }
    EXPECT_LT(max_theta, 1e-9) << model;
    EXPECT_LT(max_rate, 1e-9) << model;
    // 100 ms after the last spike: 2 tau_theta, theta is back to e^{-2} of what it was
    const auto k_last = static_cast<size_t>(std::llround(spikes.back() / 0.1));
    double at_last = 0;
    for (double s : spikes) at_last += 3.0 * std::exp(-(spikes.back() - s) / 50.0);
    EXPECT_NEAR(theta[k_last + 1000], at_last * std::exp(-2.0), 1e-9) << model;
  }
}

// During the refractory period V stays at v_reset and w relaxes to a (v_reset - e_l) with
// tau_w: w(t) = w* + (w(t_s) - w*) e^{-(t - t_s)/tau_w}.
TEST(LifAdapt, WRelaxesExactlyWhileVIsClamped) {
  for (const char* model : kModels) {
    auto sim = test::run_model(fmt::format(R"([protocol]
duration = "100 ms"
[[population]]
name = "n"
size = 1
model = "{}"
params = {{ e_l = "-70 mV", v_thresh = "-55 mV", v_reset = "-65 mV", t_ref = "5 ms", a = "6 nS", b = "40 pA", tau_w = "20 ms", theta_jump = "0 mV" }}
[[stimulus]]
kind = "dc"
to = "n"
amplitude = "1000 pA"
[[record]]
what = "spikes"
of = "n"
[[record]]
what = "v"
of = "n"
[[record]]
what = "w"
of = "n"
)",
                                           model));
    const auto spikes = test::spike_trains(*sim, "n")[0];
    const auto v = test::trace(*sim, "n", "v"), w = test::trace(*sim, "n", "w");
    ASSERT_GE(spikes.size(), 3u) << model;
    const double w_inf = 6.0 * (-65.0 + 70.0);
    for (double s : spikes) {
      const auto k = static_cast<size_t>(std::llround(s / 0.1));
      if (k + 50 >= v.size()) break;
      for (size_t j = 0; j <= 50; ++j) {
        EXPECT_EQ(v[k + j], -65.0) << model << " spike at " << s << " +" << j;
        const double exact = w_inf + (w[k] - w_inf) * std::exp(-0.1 * j / 20.0);
        EXPECT_NEAR(w[k + j], exact, 1e-10) << model << " spike at " << s << " +" << j;
      }
      EXPECT_GT(v[k + 51], -65.0) << model;
    }
  }
}

// ip_eta = 0: theta_ip keeps its initial value exactly and shifts the threshold by it. An
// initial theta_ip of +20 mV silences a cell that fires without it.
TEST(LifAdapt, ThetaIpWithoutPlasticityIsAFixedThresholdShift) {
  for (const char* model : kModels) {
    auto run = [&](const char* init) {
      return test::run_model(fmt::format(R"([protocol]
duration = "200 ms"
[[population]]
name = "n"
size = 1
model = "{}"
init = {{ theta_ip = "{}" }}
[[stimulus]]
kind = "dc"
to = "n"
amplitude = "600 pA"
[[record]]
what = "spikes"
of = "n"
[[record]]
what = "theta_ip"
of = "n"
)",
                                         model, init));
    };
    auto free = run("0 mV"), shifted = run("20 mV");
    EXPECT_GE(test::spike_trains(*free, "n")[0].size(), 3u) << model;
    EXPECT_TRUE(test::spike_trains(*shifted, "n")[0].empty()) << model;
    for (double x : test::trace(*shifted, "n", "theta_ip")) ASSERT_EQ(x, 20.0) << model;
  }
}

// Units of intrinsic plasticity: ip_eta in mV/(Hz s). A silent cell (threshold far above
// reach) whose rate estimate starts at 30 Hz: r(t) = 30 e^{-t/tau_r} Hz and
// theta_ip(t) = ip_eta (30 tau_r (1 - e^{-t/tau_r}) - r_0 t) / 1000 mV (t in ms), i.e. it
// first rises while r > r_0, then falls by ip_eta r_0 = 5 mV per second.
TEST(LifAdapt, IntrinsicPlasticityIntegratesTheRateErrorInMvPerHzSecond) {
  for (const char* model : kModels) {
    auto sim = test::run_model(fmt::format(R"([protocol]
duration = "3 s"
[[population]]
name = "n"
size = 1
model = "{}"
params = {{ v_thresh = "500 mV", ip_eta = 0.5, ip_target_rate = "10 Hz", ip_tau_rate = "400 ms" }}
init = {{ rate = "30 Hz" }}
[[record]]
what = "theta_ip"
of = "n"
[[record]]
what = "rate"
of = "n"
[[record]]
what = "spikes"
of = "n"
)",
                                           model));
    EXPECT_TRUE(test::spike_trains(*sim, "n")[0].empty());
    const auto ip = test::trace(*sim, "n", "theta_ip"), r = test::trace(*sim, "n", "rate");
    double max_err = 0;
    for (size_t k = 0; k < ip.size(); ++k) {
      const double t = 0.1 * static_cast<double>(k);
      const double exact = 0.5 * (30.0 * 400.0 * -std::expm1(-t / 400.0) - 10.0 * t) / 1000.0;
      max_err = std::max(max_err, std::fabs(ip[k] - exact));
      ASSERT_NEAR(r[k], 30.0 * std::exp(-t / 400.0), 1e-9);
    }
    EXPECT_LT(max_err, 1e-9) << model;
    EXPECT_NEAR(ip.back(), 0.5 * (12000.0 * -std::expm1(-7.5) - 30000.0) / 1000.0, 1e-9);
    // from 2 to 3 s: -ip_eta r_0 = -5 mV, plus 0.04 mV from the rate left (30 Hz e^{-5})
    EXPECT_NEAR(ip[30000] - ip[20000], -5.0, 0.05);
  }
}

}  // namespace
}  // namespace engram
