#pragma once
// The kernel shared by the Hodgkin-Huxley-type point neurons (hh_squid, hh_cond_exp_traub):
// one compartment with a transient sodium, a delayed-rectifier potassium and a leak current,
// exponentially decaying synaptic conductances and injected current:
//
//   C_m dV/dt = -g_Na m^3 h (V - E_Na) - g_K n^4 (V - E_K) - g_L (V - E_L)
//               - g_ex (V - E_ex) - g_in (V - E_in) + I_e + I_stim
//   dx/dt = alpha_x(V) (1 - x) - beta_x(V) x        for x = m, h, n
//   dg_ex/dt = -g_ex / tau_syn_ex,  dg_in/dt = -g_in / tau_syn_in;  a spike adds w (nS).
//
// The models differ only in their rate functions alpha_x, beta_x (a functor) and parameters.
// Everything inside is in whole-cell canonical units: pF, nS, mV, pA, ms.
//
// Integrators (GroupSetup::integrator):
//  "exponential" (default) — the staggered scheme of NEURON (Hines 1984) with an exponential
//     V update. The gates live half a step ahead of V. Step n: with the gates at t+h/2 and
//     the synaptic conductances replaced by their exact mean over the step, V obeys a linear
//     ODE with constant coefficients, solved exactly (as lif_cond_exp); then each gate moves
//     a full step with its rates at the new V (the midpoint of the gate's step), again
//     exactly: x <- x_inf + (x - x_inf) exp(-(alpha + beta) h) (Rush & Larsen 1978). Each
//     half is a midpoint rule, so the scheme is second order, and both updates are
//     exponential: unconditionally stable, V stays within the reversal potentials (plus
//     I/g), the gates within [0, 1]. One evaluation of the six rates per step. The first
//     step first moves the gates half a step with the rates at the initial V. Recorded m, h,
//     n are therefore the values at t + dt/2, as in NEURON.
//  "exponential_euler" — Brian2's exponential Euler (the method of its COBAHH example): every
//     variable takes a step that is exact for its own linear equation with all others frozen
//     at the start of the step (gates with rates at V(t), V with the gates and synaptic
//     conductances of t). First order; kept to run the Brette et al. (2007) benchmark with
//     the peer's integrator.
//  "rk4" — classical Runge-Kutta on (V, m, h, n), the conductances exact exponentials inside
//     the step. Fourth order, four rate evaluations per step, and only conditionally stable:
//     a step too large for the fast sodium dynamics blows up, which the engine reports as a
//     numerical blow-up naming the population, neuron and time, before any output is
//     written.
//  "rk45" — Dormand-Prince 5(4) on (V, m, h, n, g_ex, g_in) with error control and per-neuron
//     sub-steps (ode_integrators.hpp, advance_adaptive_level): no step-size limit, and the
//     threshold crossing is located inside the step by Hermite interpolation, so recorded
//     spike times are not on the dt grid. There is no reset: the controller integrates through
//     the spike and only reports the crossing.
//
// Spikes: an upward crossing of v_thresh by V within a step (V(t) < v_thresh <= V(t+h)), at
// least t_ref after the previous spike; there is no reset, the action potential is the
// model's own.
//
// Layout: SoA arrays; neurons are updated in blocks of 64 by one branch-free loop (all rate
// functions through exp_simd) that GCC vectorises, which also writes a crossing flag per
// neuron; a second, scalar pass over a block with a crossing records the spikes.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include "engram/core/fast_math.hpp"
#include "engram/models/lif_common.hpp"
#include "engram/models/model.hpp"
#include "engram/models/ode_integrators.hpp"

namespace engram::hh {

// Opening and closing rates of the three gates at one V, 1/ms.
struct Rates {
  double am, bm, ah, bh, an, bn;
};

// u / (e^u - 1), smooth through u = 0. NEURON's vtrap(x, y) = y * x_over_expm1(x / y). Near 0
// the series 1 - u/2 + u^2/12 (next term u^4/720 < 2e-19 for |u| < 1e-4); elsewhere the
// quotient, whose relative error there is below 1e-12.
inline double x_over_expm1(double u) {
  const bool small = std::fabs(u) < 1e-4;
  const double d = lif::select(small, 1.0, exp_simd(u) - 1.0);
  return lif::select(small, 1.0 - u * (0.5 - u * (1.0 / 12.0)), u / d);
}

// Traub & Miles (1991) as in NEST's hh_cond_exp_traub and Brette et al. (2007) benchmark 3:
// the rates at u = v - V_T (mV), 1/ms. Shared by the point model and the cable mechanism.
inline Rates traub_rates(double u) {
  return {0.32 * 4.0 * x_over_expm1((13.0 - u) * 0.25), 0.28 * 5.0 * x_over_expm1((u - 40.0) * 0.2),
          0.128 * exp_simd((17.0 - u) * (1.0 / 18.0)),  4.0 / (1.0 + exp_simd((40.0 - u) * 0.2)),
          0.032 * 5.0 * x_over_expm1((15.0 - u) * 0.2), 0.5 * exp_simd((10.0 - u) * (1.0 / 40.0))};
}

// x after a step h with constant rates a, b: exact solution of dx/dt = a (1 - x) - b x.
inline double gate_step(double x, double a, double b, double h) {
  const double s = a + b;
  const double x_inf = a / s;
  return x_inf + (x - x_inf) * exp_simd(-s * h);
}

// Whole-cell constants of one population.
struct Cell {
  double c_m;                     // pF
  double g_na, g_k, g_l;          // nS
  double e_na, e_k, e_l;          // mV
  double e_ex, e_in;              // mV
  double tau_syn_ex, tau_syn_in;  // ms
  double i_e;                     // pA
  double v_thresh;                // mV
  double t_ref;                   // ms
};

// State table order of both models.
enum StateIndex { kV, kM, kH, kN, kGEx, kGIn };

// The receptor ports of both models.
inline constexpr ReceptorSpec kReceptors[] = {
    {"exc", Dim::conductance, "excitatory conductance (reversal e_ex), decays with tau_syn_ex",
     ReceptorSign::excitatory},
    {"inh", Dim::conductance, "inhibitory conductance (reversal e_in), decays with tau_syn_in",
     ReceptorSign::inhibitory},
};
inline constexpr std::string_view kIntegrators[] = {"exponential", "exponential_euler", "rk4",
                                                    "rk45"};

enum class Method { exponential, exponential_euler, rk4, rk45 };

inline Method method_of(std::string_view name) {
  if (name == "exponential_euler") return Method::exponential_euler;
  if (name == "rk4") return Method::rk4;
  if (name == "rk45") return Method::rk45;
  return Method::exponential;
}

// ModelInfo::stable_dt for "rk4" (the other methods are unconditionally stable or adaptive):
// an estimate, not certain, so it is only suggested after a blow-up. RK4 is stable while
// h |lambda| <= 2.785 for the fastest rate lambda of the linearisation; the fastest is V's
// relaxation during the spike, bounded by (g_Na + g_K + g_L) / C_m with every channel open,
// and the gates' alpha + beta (largest over e_k - 10 .. e_na + 10 mV). Measured blow-up under steps
// of 0.3 to 50 nA over 200 ms: from dt 0.08 ms for both hh_squid and hh_cond_exp_traub, none at
// 0.07 ms, 3.9 and 3.3 times the all-open bound (the channels never all open at once); the
// suggestion is 3 times that bound (0.053 and 0.064 ms) or the gates' bound if smaller.
template <class RateFn>
StepBound rk4_step_bound(const Cell& c, const RateFn& rates, std::string_view integrator) {
  if (integrator != "rk4") return {};
  double fastest_gate = 0;
  for (double v = c.e_k - 10; v <= c.e_na + 10; v += 0.5) {  // where V can be
    const Rates r = rates(v);
    fastest_gate = std::max({fastest_gate, r.am + r.bm, r.ah + r.bh, r.an + r.bn});
  }
  const double open = (c.g_na + c.g_k + c.g_l) / c.c_m;  // 1/ms
  double bound = 3 * 2.785 / open;
  if (fastest_gate > 0) bound = std::min(bound, 2.785 / fastest_gate);
  const double scale = std::pow(10.0, std::floor(std::log10(bound)) - 1);  // two digits, down
  return {std::floor(bound / scale) * scale, false};
}

template <class RateFn>
class Group final : public NeuronGroup {
 public:
  Group(const GroupSetup& s, const Cell& c, RateFn rates)
      : NeuronGroup(s.size),
        v_(s.size),
        m_(s.size),
        h_(s.size),
        n_(s.size),
        gex_(s.size),
        gin_(s.size),
        free_from_(s.size, 0),
        h_try_(method_of(s.integrator) == Method::rk45 ? s.size : 0, s.dt),
        offsets_(method_of(s.integrator) == Method::rk45 ? s.size : 0, 0.0),
        c_(c),
        rates_(rates),
        method_(method_of(s.integrator)),
        dt_(s.dt) {
    ref_steps_ = std::max<int64_t>(1, std::llround(c.t_ref / s.dt));
    decay_ex_ = std::exp(-s.dt / c.tau_syn_ex);
    decay_in_ = std::exp(-s.dt / c.tau_syn_in);
    half_ex_ = std::exp(-0.5 * s.dt / c.tau_syn_ex);
    half_in_ = std::exp(-0.5 * s.dt / c.tau_syn_in);
    mean_ex_ = -c.tau_syn_ex / s.dt * std::expm1(-s.dt / c.tau_syn_ex);
    mean_in_ = -c.tau_syn_in / s.dt * std::expm1(-s.dt / c.tau_syn_in);
  }

  void update(const StepInput& in, uint32_t begin, uint32_t end,
              std::vector<uint32_t>& spiked) override {
    if (method_ == Method::exponential && in.step == 0) stagger(begin, end);
    constexpr uint32_t kBlock = 64;
    int64_t crossed[kBlock];
    for (uint32_t b = begin; b < end; b += kBlock) {
      const uint32_t e = std::min(end, b + kBlock);
      int64_t any = 0;
      switch (method_) {
        case Method::exponential:
          any = in.i_stim ? exponential<true, false>(in, b, e, crossed)
                          : exponential<false, false>(in, b, e, crossed);
          break;
        case Method::exponential_euler:
          any = in.i_stim ? exponential<true, true>(in, b, e, crossed)
                          : exponential<false, true>(in, b, e, crossed);
          break;
        case Method::rk4:
          any = in.i_stim ? rk4<true>(in, b, e, crossed) : rk4<false>(in, b, e, crossed);
          break;
        case Method::rk45:
          any = rk45(in, b, e, crossed);
          break;
      }
      if (!any) continue;
      for (uint32_t i = b; i < e; ++i) {
        if (crossed[i - b] && in.step >= free_from_[i]) {
          free_from_[i] = in.step + ref_steps_;
          spiked.push_back(i);
        }
      }
    }
  }

  // rk45 locates each crossing inside the step (the recorded spike times use it)
  const double* spike_offsets() const override {
    return method_ == Method::rk45 ? offsets_.data() : nullptr;
  }

  std::span<double> state(size_t index) override {
    switch (index) {
      case kV:
        return v_;
      case kM:
        return m_;
      case kH:
        return h_;
      case kN:
        return n_;
      case kGEx:
        return gex_;
      default:
        return gin_;
    }
  }

 private:
  // Moves the gates from t = 0 to t = h/2 with the rates at the initial V (first step of the
  // staggered scheme).
  void stagger(uint32_t begin, uint32_t end) {
    for (uint32_t i = begin; i < end; ++i) {
      const Rates r = rates_(v_[i]);
      m_[i] = gate_step(m_[i], r.am, r.bm, 0.5 * dt_);
      h_[i] = gate_step(h_[i], r.ah, r.bh, 0.5 * dt_);
      n_[i] = gate_step(n_[i], r.an, r.bn, 0.5 * dt_);
    }
  }

  // "exponential" (kEuler false) and "exponential_euler" (kEuler true) over [b, e).
  // flatten: the ten exp_simd calls per neuron exceed GCC's inlining budget, and a loop with
  // a call in it is not vectorised.
  template <bool kStim, bool kEuler>
  [[gnu::flatten]] int64_t exponential(const StepInput& in, uint32_t b, uint32_t e,
                                       int64_t* __restrict crossed) {
    double* __restrict v = v_.data();
    double* __restrict m = m_.data();
    double* __restrict hg = h_.data();
    double* __restrict n = n_.data();
    double* __restrict gex = gex_.data();
    double* __restrict gin = gin_.data();
    SynInput* __restrict in_ex = in.syn[0];
    SynInput* __restrict in_in = in.syn[1];
    const double* __restrict stim = in.i_stim;
    const Cell c = c_;
    const RateFn rates = rates_;
    const double h = dt_, k = -dt_ / c.c_m;
    const double mean_ex = kEuler ? 1.0 : mean_ex_, mean_in = kEuler ? 1.0 : mean_in_;
    const double decay_ex = decay_ex_, decay_in = decay_in_;
    int64_t any = 0;
#pragma GCC ivdep
    for (uint32_t i = b; i < e; ++i) {
      const double v0 = v[i], m0 = m[i], h0 = hg[i], n0 = n[i];
      const double g_na = c.g_na * (m0 * m0 * m0) * h0;
      const double g_k = c.g_k * ((n0 * n0) * (n0 * n0));
      const double ge = gex[i] * mean_ex, gi = gin[i] * mean_in;
      const double i_ext = kStim ? c.i_e + stim[i] : c.i_e;
      const double g_tot = c.g_l + g_na + g_k + ge + gi;
      const double v_inf =
          (c.g_l * c.e_l + g_na * c.e_na + g_k * c.e_k + ge * c.e_ex + gi * c.e_in + i_ext) / g_tot;
      const double v1 = v_inf + (v0 - v_inf) * exp_simd(k * g_tot);
      // staggered: the gates' step is centred on the new V; Euler: on the old one
      const Rates r = rates(kEuler ? v0 : v1);
      m[i] = gate_step(m0, r.am, r.bm, h);
      hg[i] = gate_step(h0, r.ah, r.bh, h);
      n[i] = gate_step(n0, r.an, r.bn, h);
      v[i] = v1;
      gex[i] = decay_ex * gex[i] + in_ex[i];
      gin[i] = decay_in * gin[i] + in_in[i];
      in_ex[i] = 0.0;
      in_in[i] = 0.0;
      const int64_t up = (v0 < c.v_thresh) & (v1 >= c.v_thresh);
      crossed[i - b] = up;
      any |= up;
    }
    return any;
  }

  // Right-hand side of (V, m, h, n) at conductances ge, gi.
  struct Slope {
    double v, m, h, n;
  };
  static Slope slope(const Cell& c, const RateFn& rates, double v, double m, double h, double n,
                     double ge, double gi, double i_ext) {
    const Rates r = rates(v);
    const double i_ion = c.g_na * (m * m * m) * h * (v - c.e_na) +
                         c.g_k * ((n * n) * (n * n)) * (v - c.e_k) + c.g_l * (v - c.e_l) +
                         ge * (v - c.e_ex) + gi * (v - c.e_in);
    return {(i_ext - i_ion) / c.c_m, r.am * (1.0 - m) - r.bm * m, r.ah * (1.0 - h) - r.bh * h,
            r.an * (1.0 - n) - r.bn * n};
  }

  template <bool kStim>
  [[gnu::flatten]] int64_t rk4(const StepInput& in, uint32_t b, uint32_t e,
                               int64_t* __restrict crossed) {
    double* __restrict v = v_.data();
    double* __restrict m = m_.data();
    double* __restrict hg = h_.data();
    double* __restrict n = n_.data();
    double* __restrict gex = gex_.data();
    double* __restrict gin = gin_.data();
    SynInput* __restrict in_ex = in.syn[0];
    SynInput* __restrict in_in = in.syn[1];
    const double* __restrict stim = in.i_stim;
    const Cell c = c_;
    const RateFn rates = rates_;
    const double h = dt_, h2 = 0.5 * dt_, h6 = dt_ / 6.0;
    const double decay_ex = decay_ex_, decay_in = decay_in_, half_ex = half_ex_, half_in = half_in_;
    int64_t any = 0;
#pragma GCC ivdep
    for (uint32_t i = b; i < e; ++i) {
      const double v0 = v[i], m0 = m[i], h0 = hg[i], n0 = n[i];
      const double ge0 = gex[i], gi0 = gin[i];
      const double geh = ge0 * half_ex, gih = gi0 * half_in;
      const double ge1 = ge0 * decay_ex, gi1 = gi0 * decay_in;
      const double i_ext = kStim ? c.i_e + stim[i] : c.i_e;
      const Slope k1 = slope(c, rates, v0, m0, h0, n0, ge0, gi0, i_ext);
      const Slope k2 = slope(c, rates, v0 + h2 * k1.v, m0 + h2 * k1.m, h0 + h2 * k1.h,
                             n0 + h2 * k1.n, geh, gih, i_ext);
      const Slope k3 = slope(c, rates, v0 + h2 * k2.v, m0 + h2 * k2.m, h0 + h2 * k2.h,
                             n0 + h2 * k2.n, geh, gih, i_ext);
      const Slope k4 = slope(c, rates, v0 + h * k3.v, m0 + h * k3.m, h0 + h * k3.h, n0 + h * k3.n,
                             ge1, gi1, i_ext);
      const double v1 = v0 + h6 * (k1.v + 2.0 * (k2.v + k3.v) + k4.v);
      m[i] = m0 + h6 * (k1.m + 2.0 * (k2.m + k3.m) + k4.m);
      hg[i] = h0 + h6 * (k1.h + 2.0 * (k2.h + k3.h) + k4.h);
      n[i] = n0 + h6 * (k1.n + 2.0 * (k2.n + k3.n) + k4.n);
      v[i] = v1;
      gex[i] = ge1 + in_ex[i];
      gin[i] = gi1 + in_in[i];
      in_ex[i] = 0.0;
      in_in[i] = 0.0;
      const int64_t up = (v0 < c.v_thresh) & (v1 >= c.v_thresh);
      crossed[i - b] = up;
      any |= up;
    }
    return any;
  }

  // One neuron for the adaptive driver: (V, m, h, n, g_ex, g_in), the conductances decaying
  // inside the ODE (the step's synaptic input is added at its end, as with the other methods).
  struct Ode {
    static constexpr size_t n = 6;
    const Cell* c;
    RateFn rates;
    double i_ext;
    void rhs(const ode::State<6>& y, ode::State<6>& dy) const {
      const Slope s = slope(*c, rates, y[0], y[1], y[2], y[3], y[4], y[5], i_ext);
      dy = {s.v, s.m, s.h, s.n, -y[4] / c->tau_syn_ex, -y[5] / c->tau_syn_in};
    }
  };

  // "rk45": Dormand-Prince 5(4) with per-neuron sub-steps (ode::advance_adaptive_level,
  // rtol = atol = 1e-6, ttol = 1e-6 ms), the crossing of v_thresh located inside the step.
  int64_t rk45(const StepInput& in, uint32_t b, uint32_t e, int64_t* crossed) {
    int64_t any = 0;
    for (uint32_t i = b; i < e; ++i) {
      const Ode sys{&c_, rates_, c_.i_e + (in.i_stim ? in.i_stim[i] : 0.0)};
      ode::State<6> y{v_[i], m_[i], h_[i], n_[i], gex_[i], gin_[i]};
      const auto r = ode::advance_adaptive_level(sys, y, dt_, h_try_[i], c_.v_thresh);
      // a failed step leaves V infinite: the engine reports the blow-up
      v_[i] = r.failed ? HUGE_VAL : y[0];
      m_[i] = y[1];
      h_[i] = y[2];
      n_[i] = y[3];
      gex_[i] = y[4] + in.syn[0][i];
      gin_[i] = y[5] + in.syn[1][i];
      in.syn[0][i] = 0;
      in.syn[1][i] = 0;
      crossed[i - b] = r.spikes > 0;
      offsets_[i] = r.first_spike;
      any |= crossed[i - b];
    }
    return any;
  }

  std::vector<double> v_, m_, h_, n_, gex_, gin_;
  std::vector<int64_t> free_from_;  // first step at which a crossing counts as a spike again
  std::vector<double> h_try_;       // rk45: each neuron's sub-step size
  std::vector<double> offsets_;     // rk45: first crossing of the step, after its start (ms)
  Cell c_;
  RateFn rates_;
  Method method_;
  double dt_;
  int64_t ref_steps_;
  double decay_ex_, decay_in_, half_ex_, half_in_, mean_ex_, mean_in_;
};

}  // namespace engram::hh
