// Conductance-based leaky integrate-and-fire neuron with alpha-shaped synaptic
// conductances, as NEST's iaf_cond_alpha. A spike of weight w (nS) produces the conductance
// g(t) = w (t/tau_syn) e^{1 - t/tau_syn}, which peaks at w after tau_syn.
//
//   C_m dV/dt = -g_L (V - E_L) - g_ex (V - E_ex) - g_in (V - E_in) + I_e + I_stim
//
// Conductances exact, V by the exponential integrator with step-mean conductances
// (lif_cond_bank.hpp; second order, unconditionally stable).
#include "engram/models/lif_cond_bank.hpp"

namespace engram {
namespace {

using namespace lif_cond;

enum P { e_ex = kMembraneCount, e_in, tau_syn_ex, tau_syn_in };
constexpr ParamSpec kOwn[] = {
    {"e_ex", Dim::voltage, 0.0, -kInf, kInf, false, false, "excitatory reversal potential"},
    {"e_in", Dim::voltage, -85.0, -kInf, kInf, false, false, "inhibitory reversal potential"},
    {"tau_syn_ex", Dim::time, 0.2, 0, kInf, true, false,
     "rise time (to peak) of the excitatory conductance"},
    {"tau_syn_in", Dim::time, 2.0, 0, kInf, true, false,
     "rise time (to peak) of the inhibitory conductance"},
};
constexpr auto kParams = join(kMembraneRows, kOwn);
constexpr StateSpec kState[] = {
    lif::kV,
    {"g_ex", Dim::conductance, "excitatory synaptic conductance"},
    {"g_in", Dim::conductance, "inhibitory synaptic conductance"},
};
constexpr ReceptorSpec kReceptors[] = {
    {"exc", Dim::conductance, "excitatory alpha conductance (reversal e_ex), peak = weight",
     ReceptorSign::excitatory},
    {"inh", Dim::conductance, "inhibitory alpha conductance (reversal e_in), peak = weight",
     ReceptorSign::inhibitory},
};
constexpr std::string_view kIntegrators[] = {"exponential"};

std::unique_ptr<NeuronGroup> create(const GroupSetup& s) {
  const auto& p = s.params;
  using receptors::Kinetics;
  return std::make_unique<Group<2>>(
      s, membrane_of(p),
      std::array<PortSetup, 2>{PortSetup{Kinetics::alpha(p[tau_syn_ex], s.dt), p[e_ex]},
                               PortSetup{Kinetics::alpha(p[tau_syn_in], s.dt), p[e_in]}});
}

}  // namespace

extern const ModelInfo kLifCondAlpha{
    .name = "lif_cond_alpha",
    .kind = ModelKind::neuron,
    .summary = "leaky integrate-and-fire, alpha conductance synapses with reversal potentials",
    .doc =
        "C_m dV/dt = -g_L(V-E_L) - g_ex(V-E_ex) - g_in(V-E_in) + I_e; alpha conductances "
        "peaking at the weight (nS) after tau_syn, exact; V by an exponential integrator with "
        "step-mean conductances (2nd order, unconditionally stable); as NEST iaf_cond_alpha.",
    .params = kParams,
    .state = kState,
    .receptors = kReceptors,
    .accepts_current = true,
    .integrators = kIntegrators,
    .check = check_membrane,
    .create = create,
};

}  // namespace engram
