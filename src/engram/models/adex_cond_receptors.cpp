// Adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005) with the four
// receptor ports of lif_cond_receptors: AMPA, NMDA with the voltage-dependent Mg2+ block
// (Jahr & Stevens 1990), GABA_A and slow GABA_B, each with its own kinetics and reversal
// potential (receptor_bank.hpp: time courses, defaults and sources).
//
//   C_m dV/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_T)/Delta_T) - w
//               - g_AMPA (V - E_AMPA) - g_NMDA B(V) (V - E_NMDA)
//               - g_GABA_A (V - E_GABA_A) - g_GABA_B (V - E_GABA_B) + I_e + I_stim
//   tau_w dw/dt = a (V - E_L) - w
//   B(V) = 1 / (1 + [Mg2+]/3.57 mM e^{-0.062 V/mV});  each g a difference of exponentials
//   g(t) = w N (e^{-t/tau_decay} - e^{-t/tau_rise}) peaking at the weight w (nS);
//   at V >= V_peak: V <- V_reset, w <- w + b, V clamped for t_ref;  V >= v_lb.
//
// The AdEx parameters, presets, integrators (rk45 default, rk4, euler) and spike handling are
// those of adex_cond_exp (adex_common.hpp); the receptor rows, ports, block and peak
// normalisation those of lif_cond_receptors (receptor_bank.hpp). As in adex_cond_exp the
// conductances are part of the ODE: per port g and the tau_decay exponential x (g = x - y,
// y the tau_rise exponential), dx/dt = -x/tau_decay, dg/dt = -x/tau_decay + (x - g)/tau_rise;
// a spike of weight w adds N w to x (g is continuous). A port with tau_rise = 0 is the
// single exponential dg/dt = -g/tau_decay, a spike adding w to g: an AMPA port with
// tau_rise_ampa = 0 is adex_cond_exp's excitatory synapse, and the model then reproduces
// adex_cond_exp's trajectory bit for bit (tests/models/adex_cond_receptors_test.cpp). An
// initial g (init) without x decays with tau_rise, as in lif_cond_receptors. The recordable
// i_nmda is the NMDA current at the end of each step (pA; as it enters the membrane equation:
// positive depolarises).
//
// References: Brette R. & Gerstner W. (2005) J Neurophysiol 94:3637-3642; Jahr C.E. &
// Stevens C.F. (1990) J Neurosci 10:3178-3182; Brunel N. & Wang X.-J. (2001) J Comput
// Neurosci 11:63-85; Hill S. & Tononi G. (2005) J Neurophysiol 93:1671-1698.
#include <array>

#include "engram/models/adex_common.hpp"
#include "engram/models/lif_cond_bank.hpp"
#include "engram/models/receptor_bank.hpp"

namespace engram {
namespace {

using namespace adex;
namespace rc = receptors;

constexpr int kOffset = kCommon;  // the receptor rows follow the AdEx rows
constexpr ParamSpec kAdexRows[] = {kCm,   kGL, kEL, kVT,   kDeltaT, kVPeak, kVReset,
                                   kTRef, kA,  kB,  kTauW, kIE,     kVLb};
static_assert(std::size(kAdexRows) == kCommon);
constexpr auto kParams = lif_cond::join(kAdexRows, rc::kParamRows);

constexpr StateSpec kState[] = {
    {"v", Dim::voltage, "membrane potential", "e_l"},
    {"w", Dim::current, "adaptation current"},
    {"g_ampa", Dim::conductance, "AMPA conductance"},
    {"g_nmda", Dim::conductance, "NMDA conductance, unblocked"},
    {"g_gaba_a", Dim::conductance, "GABA_A conductance"},
    {"g_gaba_b", Dim::conductance, "GABA_B conductance"},
    {"i_nmda", Dim::current, "NMDA current -g_nmda B(V) (V - e_nmda); > 0 depolarises"},
};

// The synapse type of adex::Cell: variables g per port (in the state table), then x per
// port (hidden); i_nmda derived.
struct ReceptorSynapses {
  static constexpr size_t ports = rc::kPorts, n = 2 * ports, visible = ports, recorded = 1;
  std::array<double, ports> e_rev{}, inv_decay{}, inv_rise{}, jump{};
  std::array<bool, ports> rises{};
  double mg = 1.0;

  double current(const double* s, double v) const {
    return -s[rc::ampa] * (v - e_rev[rc::ampa]) -
           s[rc::nmda] * rc::mg_block(v, mg) * (v - e_rev[rc::nmda]) -
           s[rc::gaba_a] * (v - e_rev[rc::gaba_a]) - s[rc::gaba_b] * (v - e_rev[rc::gaba_b]);
  }
  void decay(const double* s, double* ds) const {
    for (size_t q = 0; q < ports; ++q) {
      if (rises[q]) {
        const double x = s[ports + q], dx = -x * inv_decay[q];
        ds[ports + q] = dx;
        ds[q] = dx + (x - s[q]) * inv_rise[q];
      } else {
        ds[ports + q] = 0.0;
        ds[q] = -s[q] * inv_decay[q];
      }
    }
  }
  void receive(double* s, const double* w) const {
    for (size_t q = 0; q < ports; ++q) s[rises[q] ? ports + q : q] += jump[q] * w[q];
  }
  void record(const double* y, double* out) const {
    const double v = y[0];
    out[0] = -y[2 + rc::nmda] * rc::mg_block(v, mg) * (v - e_rev[rc::nmda]);
  }
};

ParamProblem check_all(std::span<const double> p, double dt) {
  if (auto pr = rc::check_rise_below_decay(p, kOffset); !pr.key.empty()) return pr;
  return adex::check(p, dt);
}

StepBound stable_step(std::span<const double> p, std::string_view integrator) {
  auto tau = [&](int row) { return p[kOffset + row]; };
  return stable_dt_with(
      p, integrator,
      {tau(rc::rise_of(rc::ampa)), tau(rc::decay_of(rc::ampa)), tau(rc::rise_of(rc::nmda)),
       tau(rc::decay_of(rc::nmda)), tau(rc::rise_of(rc::gaba_a)), tau(rc::decay_of(rc::gaba_a)),
       tau(rc::rise_of(rc::gaba_b)), tau(rc::decay_of(rc::gaba_b))});
}

std::unique_ptr<NeuronGroup> create_receptors(const GroupSetup& s) {
  const auto& p = s.params;
  ReceptorSynapses syn;
  for (int q = 0; q < rc::kPorts; ++q) {
    const double rise = p[kOffset + rc::rise_of(q)], decay = p[kOffset + rc::decay_of(q)];
    syn.e_rev[q] = p[kOffset + rc::rev_of(q)];
    syn.inv_decay[q] = 1.0 / decay;
    syn.rises[q] = rise > 0;
    syn.inv_rise[q] = rise > 0 ? 1.0 / rise : 0.0;
    syn.jump[q] = rc::Kinetics::peak_factor(rise, decay);  // 1 without a rise
  }
  syn.mg = p[kOffset + rc::kMg];
  return std::make_unique<Group<ReceptorSynapses>>(s, syn);
}

}  // namespace

extern const ModelInfo kAdexCondReceptors{
    .name = "adex_cond_receptors",
    .kind = ModelKind::neuron,
    .summary =
        "adaptive exponential integrate-and-fire (AdEx) with AMPA, NMDA (Mg2+ block), "
        "GABA_A and GABA_B ports",
    .doc =
        "C_m dV/dt = -g_L(V-E_L) + g_L Delta_T exp((V-V_T)/Delta_T) - w - sum_r g_r B_r(V) "
        "(V-E_r) + I_e over r = AMPA, NMDA, GABA_A, GABA_B, tau_w dw/dt = a(V-E_L) - w; at V >= "
        "V_peak: V <- V_reset, w <- w + b (Brette & Gerstner 2005). Each g a difference of "
        "exponentials peaking at the weight (nS); NMDA block B(V) = 1/(1 + [Mg]/3.57 mM "
        "exp(-0.062 V/mV)) (Jahr & Stevens 1990); receptor defaults as lif_cond_receptors. "
        "Conductances in the ODE as adex_cond_exp (tau_rise = 0: its single exponential). "
        "Integrators: rk45 (adaptive Dormand-Prince, reset at the located crossing), rk4, euler.",
    .params = kParams,
    .state = kState,
    .receptors = rc::kPortSpecs,
    .accepts_current = true,
    .integrators = kIntegrators,
    .check = check_all,
    .create = create_receptors,
    .presets = kPresets,
    .stable_dt = stable_step,
};

}  // namespace engram
