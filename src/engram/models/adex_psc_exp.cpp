// Adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005) with
// exponentially decaying post-synaptic currents, as NEST's aeif_psc_exp.
//
//   C_m dV/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_T)/Delta_T) - w
//               + I_ex + I_in + I_e + I_stim
//   tau_w dw/dt = a (V - E_L) - w
//   dI_ex/dt = -I_ex/tau_syn_ex,  dI_in/dt = -I_in/tau_syn_in;  a spike adds w (pA).
//   at V >= V_peak: V <- V_reset, w <- w + b, V clamped for t_ref;  V >= v_lb.
//
// Method, presets and the shared kernel: adex_common.hpp (rk45 by default, rk4, euler).
// References: Brette R. & Gerstner W. (2005) J Neurophysiol 94:3637-3642; Naud R.,
// Marcille N., Clopath C. & Gerstner W. (2008) Biol Cybern 99:335-347 (presets);
// Rosenbaum R. et al. (2017) Nat Neurosci 20:107-114 (EIF with a = b = 0 and v_lb).
#include "engram/models/adex_common.hpp"

namespace engram {
namespace {

using namespace adex;

enum P { tau_syn_ex = kCommon, tau_syn_in };
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
    {"tau_syn_ex", Dim::time, 2.0, 0, kInf, true, false, "decay time of excitatory currents"},
    {"tau_syn_in", Dim::time, 2.0, 0, kInf, true, false, "decay time of inhibitory currents"},
};
constexpr StateSpec kState[] = {
    {"v", Dim::voltage, "membrane potential", "e_l"},
    {"w", Dim::current, "adaptation current"},
    {"i_syn_ex", Dim::current, "excitatory synaptic current"},
    {"i_syn_in", Dim::current, "inhibitory synaptic current"},
};
constexpr ReceptorSpec kReceptors[] = {
    {"exc", Dim::current, "excitatory current, decays with tau_syn_ex", ReceptorSign::excitatory},
    {"inh", Dim::current, "inhibitory current (negative weights), decays with tau_syn_in",
     ReceptorSign::inhibitory},
};

std::unique_ptr<NeuronGroup> create(const GroupSetup& s) {
  return std::make_unique<Group<CurrentSynapses>>(
      s, CurrentSynapses{1.0 / s.params[tau_syn_ex], 1.0 / s.params[tau_syn_in]});
}

}  // namespace

extern const ModelInfo kAdexPscExp{
    .name = "adex_psc_exp",
    .kind = ModelKind::neuron,
    .summary = "adaptive exponential integrate-and-fire (AdEx), exponential current synapses",
    .doc =
        "C_m dV/dt = -g_L(V-E_L) + g_L Delta_T exp((V-V_T)/Delta_T) - w + I_ex + I_in + I_e, "
        "tau_w dw/dt = a(V-E_L) - w; at V >= V_peak: V <- V_reset, w <- w + b (Brette & "
        "Gerstner 2005); exponential PSCs; a = b = 0: EIF, v_lb: lower bound of V; as NEST "
        "aeif_psc_exp. Integrators: rk45 (adaptive Dormand-Prince, reset at the located "
        "crossing), rk4, euler (Naud et al. 2008).",
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
