// Leaky integrate-and-fire neuron with exponential post-synaptic currents (as lif_psc_exp),
// an adaptation current w (sub-threshold a, spike-triggered b), an adaptive threshold and
// intrinsic plasticity of the threshold (lif_adapt_common.hpp):
//
//   C_m dV/dt = -(C_m/tau_m)(V - E_L) - w + I_ex + I_in + I_e + I_stim
//   tau_w dw/dt = a (V - E_L) - w
//   dI_ex/dt = -I_ex/tau_syn_ex,  dI_in/dt = -I_in/tau_syn_in;  a spike adds its weight (pA)
//   spike at V >= v_thresh + theta + theta_ip (see lif_adapt_common.hpp for the rest).
//
// Integration is exact: (V - E_L, w, I_ex, I_in, I) with I = I_e + I_stim constant over the
// step is a linear system y' = M y; its propagator exp(M h) is computed once (expm), as
// Rotter & Diesmann (1999) do for iaf_psc_exp, extended by w. With a = b = theta_jump = 0
// and ip_eta = 0 the model is lif_psc_exp (tests/models/lif_adapt_test.cpp).
#include <cmath>

#include "engram/models/lif_adapt_common.hpp"
#include "engram/models/lif_common.hpp"
#include "engram/models/model.hpp"

namespace engram {
namespace {

using lif_adapt::kRows;

enum P { c_m, tau_m, e_l, v_thresh, v_reset, t_ref, tau_syn_ex, tau_syn_in, i_e, kAdapt };
constexpr ParamSpec kOwn[] = {
    lif::kCm,
    lif::kTauM,
    lif::kEL,
    lif::kVThresh,
    lif::kVReset,
    lif::kTRef,
    {"tau_syn_ex", Dim::time, 2.0, 0, kInf, true, false, "decay time of excitatory currents"},
    {"tau_syn_in", Dim::time, 2.0, 0, kInf, true, false, "decay time of inhibitory currents"},
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
    {"i_syn_ex", Dim::current, "excitatory synaptic current"},
    {"i_syn_in", Dim::current, "inhibitory synaptic current"},
};
constexpr ReceptorSpec kReceptors[] = {
    {"exc", Dim::current, "excitatory current, decays with tau_syn_ex", ReceptorSign::excitatory},
    {"inh", Dim::current, "inhibitory current (negative weights), decays with tau_syn_in",
     ReceptorSign::inhibitory},
};
constexpr std::string_view kIntegrators[] = {"exact"};

ParamProblem check(std::span<const double> p, double dt) {
  if (auto r = lif::check_reset_and_refractory(p, dt, v_thresh, v_reset, t_ref); !r.key.empty())
    return r;
  return lif_adapt::check_adaptation(p, kAdapt, p[c_m] / p[tau_m],
                                     "must be above -c_m/tau_m (minus the leak conductance)");
}

class LifPscExpAdapt final : public NeuronGroup {
 public:
  explicit LifPscExpAdapt(const GroupSetup& s)
      : NeuronGroup(s.size),
        cells_(s.size),
        iex_(s.size),
        iin_(s.size),
        k_(s.params, kAdapt, s.params[v_thresh], s.params[v_reset], s.dt) {
    const auto& p = s.params;
    const double h = s.dt;
    e_l_ = p[e_l];
    i_e_ = p[i_e];
    ref_steps_ = std::llround(p[t_ref] / h);
    // y = (V - E_L, w, I_ex, I_in, I): y' = M y, propagated by exp(M h)
    const double inv_c = 1.0 / p[c_m], inv_tw = 1.0 / p[kFirst + lif_adapt::tau_w];
    const double a = p[kFirst + lif_adapt::a];
    // clang-format off
    const auto e = lif_adapt::expm<5>({
        -1.0 / p[tau_m], -inv_c,  inv_c,                inv_c,                inv_c,
        a * inv_tw,      -inv_tw, 0,                    0,                    0,
        0,               0,       -1.0 / p[tau_syn_ex], 0,                    0,
        0,               0,       0,                    -1.0 / p[tau_syn_in], 0,
        0,               0,       0,                    0,                    0}, h);
    // clang-format on
    for (int j = 0; j < 5; ++j) {
      pv_[j] = e[j];
      pw_[j] = e[5 + j];
    }
    p11ex_ = std::exp(-h / p[tau_syn_ex]);
    p11in_ = std::exp(-h / p[tau_syn_in]);
    // refractory: V held at v_reset, w relaxes to a (v_reset - E_L) exactly
    decay_w_ = std::exp(-h * inv_tw);
    w_clamped_ = -std::expm1(-h * inv_tw) * a * (p[v_reset] - p[e_l]);
  }

  void update(const StepInput& in, uint32_t begin, uint32_t end,
              std::vector<uint32_t>& spiked) override {
    in.i_stim ? integrate<true>(in, begin, end) : integrate<false>(in, begin, end);
    cells_.relax(k_, begin, end);
    cells_.detect(k_, in.step, in.step + ref_steps_ + 1, begin, end, spiked);
  }

  template <bool kStim>
  void integrate(const StepInput& in, uint32_t begin, uint32_t end) {
    double* __restrict v = cells_.v.data();
    double* __restrict w = cells_.w.data();
    double* __restrict iex = iex_.data();
    double* __restrict iin = iin_.data();
    const int64_t* __restrict ref = cells_.ref.data();
    const int64_t step = in.step;
    SynInput* __restrict in_ex = in.syn[0];
    SynInput* __restrict in_in = in.syn[1];
    const double* __restrict stim = in.i_stim;
    const double e_l = e_l_, i_e = i_e_, p11ex = p11ex_, p11in = p11in_, decay_w = decay_w_,
                 w_clamped = w_clamped_;
    const double v0 = pv_[0], v1 = pv_[1], v2 = pv_[2], v3 = pv_[3], v4 = pv_[4];
    const double w0 = pw_[0], w1 = pw_[1], w2 = pw_[2], w3 = pw_[3], w4 = pw_[4];
#pragma GCC ivdep
    for (uint32_t i = begin; i < end; ++i) {
      const double i_ext = kStim ? i_e + stim[i] : i_e;
      const double u = v[i] - e_l;
      const double u_new = v0 * u + v1 * w[i] + v2 * iex[i] + v3 * iin[i] + v4 * i_ext;
      const double w_new = w0 * u + w1 * w[i] + w2 * iex[i] + w3 * iin[i] + w4 * i_ext;
      const bool free = step >= ref[i];
      v[i] = lif::select(free, u_new + e_l, v[i]);
      w[i] = lif::select(free, w_new, decay_w * w[i] + w_clamped);
      iex[i] = p11ex * iex[i] + in_ex[i];
      iin[i] = p11in * iin[i] + in_in[i];
      in_ex[i] = 0.0;
      in_in[i] = 0.0;
    }
  }

  std::span<double> state(size_t index) override {
    if (index < lif_adapt::kFirstSynapse) return cells_.state(index);
    return index == lif_adapt::kFirstSynapse ? std::span<double>(iex_) : std::span<double>(iin_);
  }

 private:
  lif_adapt::Cells cells_;
  std::vector<double> iex_, iin_;
  lif_adapt::Intrinsic k_;
  double e_l_, i_e_;
  int64_t ref_steps_;
  double pv_[5], pw_[5];  // rows of exp(M h) for V - E_L and w
  double p11ex_, p11in_, decay_w_, w_clamped_;
};

}  // namespace

extern const ModelInfo kLifPscExpAdapt{
    .name = "lif_psc_exp_adapt",
    .kind = ModelKind::neuron,
    .summary =
        "leaky integrate-and-fire, exponential current synapses, adaptation current, adaptive "
        "threshold and intrinsic plasticity, exact integration",
    .doc =
        "C_m dV/dt = -(C_m/tau_m)(V-E_L) - w + I_ex + I_in + I_e, tau_w dw/dt = a(V-E_L) - w; "
        "spike at V >= v_thresh + theta + theta_ip: V <- v_reset, w += b, theta += theta_jump, "
        "rate += 1000/ip_tau_rate Hz; theta decays with tau_theta, rate with ip_tau_rate; "
        "intrinsic plasticity dtheta_ip/dt = ip_eta (rate - ip_target_rate) per second. "
        "Exact propagators of (V, w, I_ex, I_in); a = b = theta_jump = ip_eta = 0 is "
        "lif_psc_exp.",
    .params = kParams,
    .state = kState,
    .receptors = kReceptors,
    .accepts_current = true,
    .integrators = kIntegrators,
    .check = check,
    .create = create_group<LifPscExpAdapt>,
};

}  // namespace engram
