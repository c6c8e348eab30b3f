// Conductance-based leaky integrate-and-fire neuron with four receptor ports of their own
// kinetics and reversal potentials: AMPA, NMDA with the voltage-dependent Mg2+ block
// (Jahr & Stevens 1990), GABA_A and slow GABA_B (receptor_bank.hpp: time courses, defaults
// and sources).
//
//   C_m dV/dt = -g_L (V - E_L) - g_AMPA (V - E_AMPA) - g_NMDA B(V) (V - E_NMDA)
//               - g_GABA_A (V - E_GABA_A) - g_GABA_B (V - E_GABA_B) + I_e + I_stim
//   B(V) = 1 / (1 + [Mg2+]/3.57 mM e^{-0.062 V/mV});  each g a difference of exponentials
//   g(t) = w N (e^{-t/tau_decay} - e^{-t/tau_rise}) peaking at the weight w (nS).
//
// Conductances exact; V by the exponential integrator with step-mean conductances and the
// block taken at the step's predicted midpoint potential (lif_cond_bank.hpp; second order).
// The recordable i_nmda is the NMDA current at the end of each step (pA; as it enters the membrane
// equation: positive depolarises).
#include "engram/models/lif_cond_bank.hpp"

namespace engram {
namespace {

using namespace lif_cond;
namespace rc = receptors;

constexpr int kOffset = kMembraneCount;
constexpr auto kParams = join(kMembraneRows, rc::kParamRows);
constexpr StateSpec kState[] = {
    lif::kV,
    {"g_ampa", Dim::conductance, "AMPA conductance"},
    {"g_nmda", Dim::conductance, "NMDA conductance, unblocked"},
    {"g_gaba_a", Dim::conductance, "GABA_A conductance"},
    {"g_gaba_b", Dim::conductance, "GABA_B conductance"},
    {"i_nmda", Dim::current, "NMDA current -g_nmda B(V) (V - e_nmda); > 0 depolarises"},
};
constexpr std::string_view kIntegrators[] = {"exponential"};

ParamProblem check(std::span<const double> p, double dt) {
  if (auto pr = rc::check_rise_below_decay(p, kOffset); !pr.key.empty()) return pr;
  return check_membrane(p, dt);
}

std::unique_ptr<NeuronGroup> create(const GroupSetup& s) {
  const auto& p = s.params;
  std::array<PortSetup, rc::kPorts> ports;
  for (int q = 0; q < rc::kPorts; ++q)
    ports[q] = {rc::Kinetics::beta(p[kOffset + rc::rise_of(q)], p[kOffset + rc::decay_of(q)], s.dt),
                p[kOffset + rc::rev_of(q)]};
  return std::make_unique<Group<rc::kPorts>>(s, membrane_of(p), ports, rc::nmda,
                                             p[kOffset + rc::kMg]);
}

}  // namespace

extern const ModelInfo kLifCondReceptors{
    .name = "lif_cond_receptors",
    .kind = ModelKind::neuron,
    .summary = "leaky integrate-and-fire with AMPA, NMDA (Mg2+ block), GABA_A and GABA_B ports",
    .doc =
        "C_m dV/dt = -g_L(V-E_L) - sum_r g_r B_r(V) (V-E_r) + I_e over r = AMPA, NMDA, GABA_A, "
        "GABA_B; each g a difference of exponentials peaking at the weight (nS); NMDA block "
        "B(V) = 1/(1 + [Mg]/3.57 mM exp(-0.062 V/mV)) (Jahr & Stevens 1990). Defaults: Brunel "
        "& Wang 2001 (AMPA, NMDA, GABA_A), Hill & Tononi 2005 (GABA_B). Conductances exact; V "
        "by an exponential integrator with step-mean conductances and B at the predicted "
        "midpoint (2nd order).",
    .params = kParams,
    .state = kState,
    .receptors = rc::kPortSpecs,
    .accepts_current = true,
    .integrators = kIntegrators,
    .check = check,
    .create = create,
};

}  // namespace engram
