// Adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005) with
// exponentially decaying synaptic conductances and reversal potentials, as NEST's
// aeif_cond_exp.
//
//   C_m dV/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_T)/Delta_T) - w
//               - g_ex (V - E_ex) - g_in (V - E_in) + I_e + I_stim
//   tau_w dw/dt = a (V - E_L) - w
//   dg_ex/dt = -g_ex/tau_syn_ex,  dg_in/dt = -g_in/tau_syn_in;  a spike adds w (nS).
//   at V >= V_peak: V <- V_reset, w <- w + b, V clamped for t_ref;  V >= v_lb.
//
// Method, presets and the shared kernel: adex_common.hpp (rk45 by default, rk4, euler).
// With euler or rk4 the step must resolve the fastest decay: forward Euler is unstable for
// dt > 2 tau_syn (and inaccurate well before), RK4 for dt > 2.78 tau; the adaptive rk45
// has no such limit. References: Brette R. & Gerstner W. (2005) J Neurophysiol
// 94:3637-3642; Naud R. et al. (2008) Biol Cybern 99:335-347 (presets).
#include "engram/models/adex_common.hpp"

namespace engram {
namespace {

using namespace adex;

enum P { e_ex = kCommon, e_in, tau_syn_ex, tau_syn_in };
constexpr ParamSpec kParams[] = {
    kCm,
    kGL,
    kEL,
    kVT,
    kDeltaT,
    kVPeak,
    kVReset,
    kTRef,
    kA,
    kB,
    kTauW,
    kIE,
    kVLb,
    {"e_ex", Dim::voltage, 0.0, -kInf, kInf, false, false, "excitatory reversal potential"},
    {"e_in", Dim::voltage, -85.0, -kInf, kInf, false, false, "inhibitory reversal potential"},
    {"tau_syn_ex", Dim::time, 0.2, 0, kInf, true, false, "decay time of excitatory conductance"},
    {"tau_syn_in", Dim::time, 2.0, 0, kInf, true, false, "decay time of inhibitory conductance"},
};
constexpr StateSpec kState[] = {
    {"v", Dim::voltage, "membrane potential", "e_l"},
    {"w", Dim::current, "adaptation current"},
    {"g_ex", Dim::conductance, "excitatory synaptic conductance"},
    {"g_in", Dim::conductance, "inhibitory synaptic conductance"},
};
constexpr ReceptorSpec kReceptors[] = {
    {"exc", Dim::conductance, "excitatory conductance (reversal e_ex), decays with tau_syn_ex",
     ReceptorSign::excitatory},
    {"inh", Dim::conductance, "inhibitory conductance (reversal e_in), decays with tau_syn_in",
     ReceptorSign::inhibitory},
};

std::unique_ptr<NeuronGroup> create(const GroupSetup& s) {
  const auto& p = s.params;
  return std::make_unique<Group<ConductanceSynapses>>(
      s, ConductanceSynapses{1.0 / p[tau_syn_ex], 1.0 / p[tau_syn_in], p[e_ex], p[e_in]});
}

}  // namespace

extern const ModelInfo kAdexCondExp{
    .name = "adex_cond_exp",
    .kind = ModelKind::neuron,
    .summary = "adaptive exponential integrate-and-fire (AdEx), exponential conductance synapses",
    .doc =
        "C_m dV/dt = -g_L(V-E_L) + g_L Delta_T exp((V-V_T)/Delta_T) - w - g_ex(V-E_ex) - "
        "g_in(V-E_in) + I_e, tau_w dw/dt = a(V-E_L) - w; at V >= V_peak: V <- V_reset, w <- w + "
        "b (Brette & Gerstner 2005); exponential conductances; as NEST aeif_cond_exp. "
        "Integrators: rk45 (adaptive Dormand-Prince, reset at the located crossing), rk4, euler "
        "(Naud et al. 2008).",
    .params = kParams,
    .state = kState,
    .receptors = kReceptors,
    .accepts_current = true,
    .integrators = kIntegrators,
    .check = check,
    .create = create,
    .presets = kPresets,
    .stable_dt = stable_dt<tau_syn_ex, tau_syn_in>,
};

}  // namespace engram
