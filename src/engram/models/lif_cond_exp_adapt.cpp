// Conductance-based leaky integrate-and-fire neuron with exponential synaptic conductances
// (as lif_cond_exp), an adaptation current w (sub-threshold a, spike-triggered b), an
// adaptive threshold and intrinsic plasticity of the threshold (lif_adapt_common.hpp):
//
//   C_m dV/dt = -g_L (V - E_L) - g_ex (V - E_ex) - g_in (V - E_in) - w + I_e + I_stim
//   tau_w dw/dt = a (V - E_L) - w
//   dg_ex/dt = -g_ex/tau_syn_ex,  dg_in/dt = -g_in/tau_syn_in;  a spike adds its weight (nS)
//   spike at V >= v_thresh + theta + theta_ip (see lif_adapt_common.hpp for the rest).
//
// Integration ("exponential"), lif_cond_exp's method extended by w: the conductances are
// exact; over a step each is replaced by its exact mean over the step, which leaves a linear
// system for (V, w) with constant coefficients,
//   d/dt (u, w) = A (u, w) + (J/C_m, 0),  u = V - E_L,  A = [-g/C_m  -1/C_m; a/tau_w  -1/tau_w],
//   g = g_L + g_ex + g_in,  J = g_ex (E_ex - E_L) + g_in (E_in - E_L) + I_e + I_stim,
// solved exactly: (u, w)(h) = x* + exp(A h)((u, w)(0) - x*), x* = (J/(g + a), a J/(g + a)),
// exp(A h) = e^{m h} (C I + S (A - m I)) per neuron and step (lif_adapt_common.hpp: C and
// S by a branch-free power series that vectorises, the closed form exp_2x2 for the rare
// neuron whose conductance puts the series out of its range). Without synaptic input this is
// the exact solution; with it the only error is the step-mean conductance, O(h^3) per step,
// second order and stable for any conductance, as lif_cond_exp. g + a > 0 holds for every
// non-negative conductance since the check asks a > -g_L. With a = b = theta_jump = 0 and
// ip_eta = 0 the model is lif_cond_exp (tests/models/lif_adapt_test.cpp).
#include <cmath>

#include "engram/core/fast_math.hpp"
#include "engram/models/lif_adapt_common.hpp"
#include "engram/models/lif_common.hpp"
#include "engram/models/model.hpp"

namespace engram {
namespace {

using lif_adapt::kRows;

enum P { c_m, g_l, e_l, v_thresh, v_reset, t_ref, e_ex, e_in, tau_syn_ex, tau_syn_in, i_e, kAdapt };
constexpr ParamSpec kOwn[] = {
    lif::kCm,
    {"g_l", Dim::conductance, 16.6667, 0, kInf, true, false, "leak conductance"},
    {"e_l", Dim::voltage, -70.0, -kInf, kInf, false, false, "leak reversal potential"},
    lif::kVThresh,
    {"v_reset", Dim::voltage, -60.0, -kInf, kInf, false, false, "reset potential after a spike"},
    lif::kTRef,
    {"e_ex", Dim::voltage, 0.0, -kInf, kInf, false, false, "excitatory reversal potential"},
    {"e_in", Dim::voltage, -85.0, -kInf, kInf, false, false, "inhibitory reversal potential"},
    {"tau_syn_ex", Dim::time, 0.2, 0, kInf, true, false, "decay time of excitatory conductance"},
    {"tau_syn_in", Dim::time, 2.0, 0, kInf, true, false, "decay time of inhibitory conductance"},
    lif::kIE,
};
constexpr size_t kFirst = kAdapt;  // index of the first row of lif_adapt::kRows
constexpr auto kParams = lif_adapt::join(kOwn, kRows);
constexpr StateSpec kState[] = {
    lif::kV,
    lif_adapt::kState[0],
    lif_adapt::kState[1],
    lif_adapt::kState[2],
    lif_adapt::kState[3],
    {"g_ex", Dim::conductance, "excitatory synaptic conductance"},
    {"g_in", Dim::conductance, "inhibitory synaptic conductance"},
};
constexpr ReceptorSpec kReceptors[] = {
    {"exc", Dim::conductance, "excitatory conductance (reversal e_ex), decays with tau_syn_ex",
     ReceptorSign::excitatory},
    {"inh", Dim::conductance, "inhibitory conductance (reversal e_in), decays with tau_syn_in",
     ReceptorSign::inhibitory},
};
constexpr std::string_view kIntegrators[] = {"exponential"};

ParamProblem check(std::span<const double> p, double dt) {
  if (auto r = lif::check_reset_and_refractory(p, dt, v_thresh, v_reset, t_ref); !r.key.empty())
    return r;
  return lif_adapt::check_adaptation(p, kAdapt, p[g_l], "must be above -g_l");
}

class LifCondExpAdapt final : public NeuronGroup {
 public:
  explicit LifCondExpAdapt(const GroupSetup& s)
      : NeuronGroup(s.size),
        cells_(s.size),
        gex_(s.size),
        gin_(s.size),
        k_(s.params, kAdapt, s.params[v_thresh], s.params[v_reset], s.dt) {
    const auto& p = s.params;
    const double h = s.dt;
    h_ = h;
    inv_c_ = 1.0 / p[c_m];
    g_l_ = p[g_l];
    e_l_ = p[e_l];
    de_ex_ = p[e_ex] - p[e_l];
    de_in_ = p[e_in] - p[e_l];
    i_e_ = p[i_e];
    a_ = p[kFirst + lif_adapt::a];
    inv_tau_w_ = 1.0 / p[kFirst + lif_adapt::tau_w];
    ref_steps_ = std::llround(p[t_ref] / h);
    decay_ex_ = std::exp(-h / p[tau_syn_ex]);
    decay_in_ = std::exp(-h / p[tau_syn_in]);
    mean_ex_ = -p[tau_syn_ex] / h * std::expm1(-h / p[tau_syn_ex]);
    mean_in_ = -p[tau_syn_in] / h * std::expm1(-h / p[tau_syn_in]);
    decay_w_ = std::exp(-h * inv_tau_w_);
    w_clamped_ = -std::expm1(-h * inv_tau_w_) * a_ * (p[v_reset] - p[e_l]);
  }

  void update(const StepInput& in, uint32_t begin, uint32_t end,
              std::vector<uint32_t>& spiked) override {
    in.i_stim ? integrate<true>(in, begin, end) : integrate<false>(in, begin, end);
    cells_.relax(k_, begin, end);
    cells_.detect(k_, in.step, in.step + ref_steps_ + 1, begin, end, spiked);
  }

  // Three passes: (V, w) of every neuron by the branch-free series form of exp(A h)
  // (vectorised); the rare neuron whose conductance puts |q| h^2 beyond the series' range by
  // the closed form (exp_2x2); then the conductances.
  template <bool kStim>
  void integrate(const StepInput& in, uint32_t begin, uint32_t end) {
    double* __restrict v = cells_.v.data();
    double* __restrict w = cells_.w.data();
    double* __restrict gex = gex_.data();
    double* __restrict gin = gin_.data();
    const int64_t* __restrict ref = cells_.ref.data();
    const int64_t step = in.step;
    SynInput* __restrict in_ex = in.syn[0];
    SynInput* __restrict in_in = in.syn[1];
    const double* __restrict stim = in.i_stim;
    const double h = h_, inv_c = inv_c_, g_l = g_l_, e_l = e_l_, de_ex = de_ex_, de_in = de_in_,
                 i_e = i_e_, a = a_, inv_tau_w = inv_tau_w_, mean_ex = mean_ex_, mean_in = mean_in_,
                 decay_w = decay_w_, w_clamped = w_clamped_;
    const double a01 = -inv_c, a10 = a * inv_tau_w, a11 = -inv_tau_w;
    int rare = 0;
#pragma GCC ivdep
    for (uint32_t i = begin; i < end; ++i) {
      const double ge = gex[i] * mean_ex, gi = gin[i] * mean_in;
      const double i_ext = kStim ? i_e + stim[i] : i_e;
      const double g = g_l + ge + gi;
      const double u_inf = (ge * de_ex + gi * de_in + i_ext) / (g + a), w_inf = a * u_inf;
      const double a00 = -g * inv_c, m = 0.5 * (a00 + a11), d = 0.5 * (a00 - a11);
      const double z = (d * d + a01 * a10) * h * h;
      const auto cs = lif_adapt::cosh_sinhc(z);
      const double e = exp_simd(m * h), s = h * cs.s;
      const double du = v[i] - e_l - u_inf, dw = w[i] - w_inf;
      const double v_new = e_l + u_inf + e * ((cs.c + d * s) * du + s * a01 * dw);
      const double w_new = w_inf + e * (s * a10 * du + (cs.c - d * s) * dw);
      const bool free = step >= ref[i], in_range = std::fabs(z) <= lif_adapt::kSeriesLimit;
      rare |= free & !in_range;
      v[i] = lif::select(free & in_range, v_new, v[i]);
      w[i] = lif::select(free, lif::select(in_range, w_new, w[i]), decay_w * w[i] + w_clamped);
    }
    if (rare) {
      for (uint32_t i = begin; i < end; ++i) {
        const double ge = gex[i] * mean_ex, gi = gin[i] * mean_in;
        const double g = g_l + ge + gi;
        const double a00 = -g * inv_c, d = 0.5 * (a00 - a11);
        if (step < ref[i] || std::fabs((d * d + a01 * a10) * h * h) <= lif_adapt::kSeriesLimit)
          continue;
        const double i_ext = kStim ? i_e + stim[i] : i_e;
        const double u_inf = (ge * de_ex + gi * de_in + i_ext) / (g + a), w_inf = a * u_inf;
        const auto e = lif_adapt::exp_2x2(a00, a01, a10, a11, h);
        const double du = v[i] - e_l - u_inf, dw = w[i] - w_inf;
        v[i] = e_l + u_inf + e.e00 * du + e.e01 * dw;
        w[i] = w_inf + e.e10 * du + e.e11 * dw;
      }
    }
    const double decay_ex = decay_ex_, decay_in = decay_in_;
#pragma GCC ivdep
    for (uint32_t i = begin; i < end; ++i) {
      gex[i] = decay_ex * gex[i] + in_ex[i];
      gin[i] = decay_in * gin[i] + in_in[i];
      in_ex[i] = 0.0;
      in_in[i] = 0.0;
    }
  }

  std::span<double> state(size_t index) override {
    if (index < lif_adapt::kFirstSynapse) return cells_.state(index);
    return index == lif_adapt::kFirstSynapse ? std::span<double>(gex_) : std::span<double>(gin_);
  }

 private:
  lif_adapt::Cells cells_;
  std::vector<double> gex_, gin_;
  lif_adapt::Intrinsic k_;
  double h_, inv_c_, g_l_, e_l_, de_ex_, de_in_, i_e_, a_, inv_tau_w_;
  int64_t ref_steps_;
  double decay_ex_, decay_in_, mean_ex_, mean_in_, decay_w_, w_clamped_;
};

}  // namespace

extern const ModelInfo kLifCondExpAdapt{
    .name = "lif_cond_exp_adapt",
    .kind = ModelKind::neuron,
    .summary =
        "leaky integrate-and-fire, exponential conductance synapses, adaptation current, "
        "adaptive threshold and intrinsic plasticity",
    .doc =
        "C_m dV/dt = -g_L(V-E_L) - g_ex(V-E_ex) - g_in(V-E_in) - w + I_e, tau_w dw/dt = "
        "a(V-E_L) - w; spike at V >= v_thresh + theta + theta_ip: V <- v_reset, w += b, theta "
        "+= theta_jump, rate += 1000/ip_tau_rate Hz; theta decays with tau_theta, rate with "
        "ip_tau_rate; intrinsic plasticity dtheta_ip/dt = ip_eta (rate - ip_target_rate) per "
        "second. Conductances exact, (V, w) by the exact 2x2 propagator with step-mean "
        "conductances (2nd order, unconditionally stable); a = b = theta_jump = ip_eta = 0 is "
        "lif_cond_exp.",
    .params = kParams,
    .state = kState,
    .receptors = kReceptors,
    .accepts_current = true,
    .integrators = kIntegrators,
    .check = check,
    .create = create_group<LifCondExpAdapt>,
};

}  // namespace engram
