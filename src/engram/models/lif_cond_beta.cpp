// Conductance-based leaky integrate-and-fire neuron with difference-of-exponentials ("beta")
// synaptic conductances, as NEST's iaf_cond_beta. A spike of weight w (nS) produces
//   g(t) = w N (e^{-t/tau_decay} - e^{-t/tau_rise}),
// with N chosen so that the peak, at t_peak = tau_d tau_r/(tau_d - tau_r) ln(tau_d/tau_r),
// is w (receptor_bank.hpp). tau_rise = 0 gives an exponential (lif_cond_exp).
//
//   C_m dV/dt = -g_L (V - E_L) - g_ex (V - E_ex) - g_in (V - E_in) + I_e + I_stim
//
// Conductances exact, V by the exponential integrator with step-mean conductances
// (lif_cond_bank.hpp; second order, unconditionally stable).
#include "engram/models/lif_cond_bank.hpp"

namespace engram {
namespace {

using namespace lif_cond;

enum P { e_ex = kMembraneCount, e_in, tau_rise_ex, tau_decay_ex, tau_rise_in, tau_decay_in };
// Defaults: the AMPA and GABA_A time courses of lif_cond_receptors (receptor_bank.hpp);
// reversal potentials as lif_cond_exp.
constexpr ParamSpec kOwn[] = {
    {"e_ex", Dim::voltage, 0.0, -kInf, kInf, false, false, "excitatory reversal potential"},
    {"e_in", Dim::voltage, -85.0, -kInf, kInf, false, false, "inhibitory reversal potential"},
    {"tau_rise_ex", Dim::time, 0.2, 0, kInf, false, false,
     "rise time of the excitatory conductance (0: instantaneous)"},
    {"tau_decay_ex", Dim::time, 2.0, 0, kInf, true, false,
     "decay time of the excitatory conductance"},
    {"tau_rise_in", Dim::time, 0.5, 0, kInf, false, false,
     "rise time of the inhibitory conductance (0: instantaneous)"},
    {"tau_decay_in", Dim::time, 5.0, 0, kInf, true, false,
     "decay time of the inhibitory conductance"},
};
constexpr auto kParams = join(kMembraneRows, kOwn);
constexpr StateSpec kState[] = {
    lif::kV,
    {"g_ex", Dim::conductance, "excitatory synaptic conductance"},
    {"g_in", Dim::conductance, "inhibitory synaptic conductance"},
};
constexpr ReceptorSpec kReceptors[] = {
    {"exc", Dim::conductance, "excitatory beta conductance (reversal e_ex), peak = weight",
     ReceptorSign::excitatory},
    {"inh", Dim::conductance, "inhibitory beta conductance (reversal e_in), peak = weight",
     ReceptorSign::inhibitory},
};
constexpr std::string_view kIntegrators[] = {"exponential"};

ParamProblem check(std::span<const double> p, double dt) {
  if (!(p[tau_rise_ex] < p[tau_decay_ex])) return {"tau_rise_ex", "must be below tau_decay_ex"};
  if (!(p[tau_rise_in] < p[tau_decay_in])) return {"tau_rise_in", "must be below tau_decay_in"};
  return check_membrane(p, dt);
}

std::unique_ptr<NeuronGroup> create(const GroupSetup& s) {
  const auto& p = s.params;
  using receptors::Kinetics;
  return std::make_unique<Group<2>>(
      s, membrane_of(p),
      std::array<PortSetup, 2>{
          PortSetup{Kinetics::beta(p[tau_rise_ex], p[tau_decay_ex], s.dt), p[e_ex]},
          PortSetup{Kinetics::beta(p[tau_rise_in], p[tau_decay_in], s.dt), p[e_in]}});
}

}  // namespace

extern const ModelInfo kLifCondBeta{
    .name = "lif_cond_beta",
    .kind = ModelKind::neuron,
    .summary =
        "leaky integrate-and-fire, difference-of-exponentials conductance synapses (rise, decay)",
    .doc =
        "C_m dV/dt = -g_L(V-E_L) - g_ex(V-E_ex) - g_in(V-E_in) + I_e; g = w N (e^{-t/tau_decay} "
        "- e^{-t/tau_rise}) peaking at the weight (nS), exact; V by an exponential integrator "
        "with step-mean conductances (2nd order, unconditionally stable); as NEST iaf_cond_beta.",
    .params = kParams,
    .state = kState,
    .receptors = kReceptors,
    .accepts_current = true,
    .integrators = kIntegrators,
    .check = check,
    .create = create,
};

}  // namespace engram
