// Leaky integrate-and-fire neuron with alpha-shaped post-synaptic currents, integrated
// exactly, as NEST's iaf_psc_alpha. A spike of weight w (pA) produces the current
// I(t) = w (t/tau_syn) e^{1 - t/tau_syn}, which peaks at w after tau_syn.
//
//   C_m dV/dt = -(C_m/tau_m)(V - E_L) + I_ex + I_in + I_e + I_stim
//   each current is the second state of  dI'/dt = -I'/tau_s,  dI/dt = I' - I/tau_s,
//   and a spike adds (e/tau_s) w to I'.
#include <cmath>
#include <numbers>

#include "engram/models/lif_common.hpp"
#include "engram/models/model.hpp"
#include "engram/models/propagators.hpp"

namespace engram {
namespace {

enum P { c_m, tau_m, e_l, v_thresh, v_reset, t_ref, tau_syn_ex, tau_syn_in, i_e };
constexpr ParamSpec kParams[] = {
    lif::kCm,
    lif::kTauM,
    lif::kEL,
    lif::kVThresh,
    lif::kVReset,
    lif::kTRef,
    {"tau_syn_ex", Dim::time, 2.0, 0, kInf, true, false, "rise time (to peak) of excitatory PSCs"},
    {"tau_syn_in", Dim::time, 2.0, 0, kInf, true, false, "rise time (to peak) of inhibitory PSCs"},
    lif::kIE,
};
enum S { v, i_syn_ex, i_syn_in };
constexpr StateSpec kState[] = {
    lif::kV,
    {"i_syn_ex", Dim::current, "excitatory synaptic current"},
    {"i_syn_in", Dim::current, "inhibitory synaptic current"},
};
constexpr ReceptorSpec kReceptors[] = {
    {"exc", Dim::current, "excitatory alpha current, peak = weight", ReceptorSign::excitatory},
    {"inh", Dim::current, "inhibitory alpha current (negative weights), peak = weight",
     ReceptorSign::inhibitory},
};
constexpr std::string_view kIntegrators[] = {"exact"};

ParamProblem check(std::span<const double> p, double dt) {
  return lif::check_reset_and_refractory(p, dt, v_thresh, v_reset, t_ref);
}

struct AlphaPort {
  double p11 = 0, p21 = 0, p31 = 0, p32 = 0, jump = 0;
  void derive(double tau_s, double tau_m, double c_m, double h) {
    p11 = std::exp(-h / tau_s);
    p21 = h * p11;
    p31 = propagators::alpha_slope_to_v(tau_s, tau_m, c_m, h);
    p32 = propagators::exp_current_to_v(tau_s, tau_m, c_m, h);
    jump = std::numbers::e / tau_s;
  }
};

class LifPscAlpha final : public NeuronGroup {
 public:
  explicit LifPscAlpha(const GroupSetup& s)
      : NeuronGroup(s.size),
        v_(s.size),
        iex_(s.size),
        iin_(s.size),
        diex_(s.size),
        diin_(s.size),
        ref_(s.size, 0) {
    const auto& p = s.params;
    e_l_ = p[e_l];
    v_th_ = p[v_thresh];
    v_reset_ = p[v_reset];
    i_e_ = p[i_e];
    ref_steps_ = static_cast<int32_t>(std::lround(p[t_ref] / s.dt));
    p33_ = std::exp(-s.dt / p[tau_m]);
    p30_ = propagators::dc_to_v(p[tau_m], p[c_m], s.dt);
    ex_.derive(p[tau_syn_ex], p[tau_m], p[c_m], s.dt);
    inh_.derive(p[tau_syn_in], p[tau_m], p[c_m], s.dt);
  }

  void update(const StepInput& in, uint32_t begin, uint32_t end,
              std::vector<uint32_t>& spiked) override {
    in.i_stim ? integrate<true>(in, begin, end) : integrate<false>(in, begin, end);
    lif::detect_spikes(v_.data(), ref_.data(), begin, end, v_th_, v_reset_,
                       in.step + ref_steps_ + 1, spiked);
  }

  template <bool kStim>
  void integrate(const StepInput& in, uint32_t begin, uint32_t end) {
    double* __restrict v = v_.data();
    double* __restrict iex = iex_.data();
    double* __restrict iin = iin_.data();
    double* __restrict diex = diex_.data();
    double* __restrict diin = diin_.data();
    const int64_t* __restrict ref = ref_.data();
    const int64_t step = in.step;
    SynInput* __restrict in_ex = in.syn[0];
    SynInput* __restrict in_in = in.syn[1];
    const double* __restrict stim = in.i_stim;
    const AlphaPort ex = ex_, ih = inh_;
    const double e_l = e_l_, i_e = i_e_, p33 = p33_, p30 = p30_;
    // the arrays never overlap; without this GCC gives up on the many alias checks
#pragma GCC ivdep
    for (uint32_t i = begin; i < end; ++i) {
      const double i_ext = kStim ? i_e + stim[i] : i_e;
      const double v_new = (p33 * (v[i] - e_l) + p30 * i_ext + ex.p31 * diex[i] + ex.p32 * iex[i] +
                            ih.p31 * diin[i] + ih.p32 * iin[i]) +
                           e_l;
      v[i] = lif::select(step >= ref[i], v_new, v[i]);
      iex[i] = ex.p21 * diex[i] + ex.p11 * iex[i];
      diex[i] = ex.p11 * diex[i] + ex.jump * in_ex[i];
      iin[i] = ih.p21 * diin[i] + ih.p11 * iin[i];
      diin[i] = ih.p11 * diin[i] + ih.jump * in_in[i];
      in_ex[i] = 0.0;
      in_in[i] = 0.0;
    }
  }

  std::span<double> state(size_t index) override {
    switch (index) {
      case v:
        return v_;
      case i_syn_ex:
        return iex_;
      default:
        return iin_;
    }
  }

 private:
  std::vector<double> v_, iex_, iin_, diex_, diin_;
  std::vector<int64_t> ref_;  // first step at which the neuron integrates again
  double e_l_, v_th_, v_reset_, i_e_;
  int32_t ref_steps_;
  double p33_, p30_;
  AlphaPort ex_, inh_;
};

}  // namespace

extern const ModelInfo kLifPscAlpha{
    .name = "lif_psc_alpha",
    .kind = ModelKind::neuron,
    .summary = "leaky integrate-and-fire, alpha current synapses, exact integration",
    .doc =
        "C_m dV/dt = -(C_m/tau_m)(V-E_L) + I_ex + I_in + I_e; alpha PSCs peaking at the "
        "weight after tau_syn; exact propagators; as NEST iaf_psc_alpha.",
    .params = kParams,
    .state = kState,
    .receptors = kReceptors,
    .accepts_current = true,
    .integrators = kIntegrators,
    .check = check,
    .create = create_group<LifPscAlpha>,
};

}  // namespace engram
