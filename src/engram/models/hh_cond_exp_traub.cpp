// Hodgkin-Huxley point neuron with the Traub & Miles (1991) rate functions, as modified by
// Destexhe & Pare (1999) and used in benchmark 3 (COBAHH) of Brette et al. (2007): NEST's
// hh_cond_exp_traub and the neuron of Brian2's COBAHH example.
//
//   C_m dV/dt = -g_na m^3 h (V - e_na) - g_k n^4 (V - e_k) - g_l (V - e_l)
//               - g_ex (V - e_ex) - g_in (V - e_in) + I_e + I_stim
//   with u = V - v_t (mV), rates in 1/ms:
//   alpha_m = 0.32 (13 - u) / (exp((13 - u)/4) - 1)
//   beta_m  = 0.28 (u - 40) / (exp((u - 40)/5) - 1)
//   alpha_h = 0.128 exp((17 - u)/18)
//   beta_h  = 4 / (1 + exp((40 - u)/5))
//   alpha_n = 0.032 (15 - u) / (exp((15 - u)/5) - 1)
//   beta_n  = 0.5 exp((10 - u)/40)
//   dg_ex/dt = -g_ex/tau_syn_ex, dg_in/dt = -g_in/tau_syn_in; a spike adds w (nS).
//
// Defaults are NEST's (= Brette et al. 2007 with a membrane area of 20000 um^2: C 1 uF/cm^2,
// g_L 5e-5 S/cm^2, g_Na 100 mS/cm^2, g_K 30 mS/cm^2). Spike detection as in Brian2's COBAHH
// (Brette et al. 2007): an upward crossing of v_thresh = -20 mV, at most one per t_ref = 3 ms;
// the dynamics go on undisturbed (no reset, no clamp). NEST instead detects a local maximum
// above v_t + 30 mV with a 2 ms refractory period: for ordinary action potentials (peak near
// +40 mV, width < 1 ms) both give the same spikes.
//
// Initial state: V = e_l and the gates at their steady state at -60 mV with v_t = -63 mV (as
// NEST initialises at the default E_L). Brian2's COBAHH starts m = h = n = 0; examples/
// cobahh.toml does the same.
//
// Method: hh_common.hpp ("exponential", second order, the default; "exponential_euler", the
// method of Brian2's example; "rk4"). The rate singularities at u = 13, 40, 15 mV are removed
// by the series of x / (e^x - 1), as Brian2's exprel.
//
// References: Traub R.D. & Miles R. (1991) Neuronal Networks of the Hippocampus, Cambridge UP;
// Destexhe A. & Pare D. (1999) J Neurophysiol 81:1531-1547; Brette R. et al. (2007) J Comput
// Neurosci 23:349-398; NEST models/hh_cond_exp_traub.{h,cpp}.
#include "engram/models/hh_common.hpp"

namespace engram {
namespace {

enum P {
  c_m,
  g_na,
  g_k,
  g_l,
  e_na,
  e_k,
  e_l,
  v_t,
  v_thresh,
  t_ref,
  e_ex,
  e_in,
  tau_syn_ex,
  tau_syn_in,
  i_e
};
constexpr ParamSpec kParams[] = {
    {"c_m", Dim::capacitance, 200.0, 0, kInf, true, false, "membrane capacitance"},
    {"g_na", Dim::conductance, 20000.0, 0, kInf, false, false, "peak sodium conductance"},
    {"g_k", Dim::conductance, 6000.0, 0, kInf, false, false,
     "peak potassium (delayed rectifier) conductance"},
    {"g_l", Dim::conductance, 10.0, 0, kInf, false, false, "leak conductance"},
    {"e_na", Dim::voltage, 50.0, -kInf, kInf, false, false, "sodium reversal potential"},
    {"e_k", Dim::voltage, -90.0, -kInf, kInf, false, false, "potassium reversal potential"},
    {"e_l", Dim::voltage, -60.0, -kInf, kInf, false, false, "leak reversal potential"},
    {"v_t", Dim::voltage, -63.0, -kInf, kInf, false, false,
     "voltage offset of the rate functions (sets the firing threshold)"},
    {"v_thresh", Dim::voltage, -20.0, -kInf, kInf, false, false,
     "spike detection: upward crossing of this potential"},
    {"t_ref", Dim::time, 3.0, 0, kInf, false, false,
     "a crossing within t_ref of the last spike is not a spike (dynamics continue)"},
    {"e_ex", Dim::voltage, 0.0, -kInf, kInf, false, false, "excitatory reversal potential"},
    {"e_in", Dim::voltage, -80.0, -kInf, kInf, false, false, "inhibitory reversal potential"},
    {"tau_syn_ex", Dim::time, 5.0, 0, kInf, true, false, "decay time of excitatory conductance"},
    {"tau_syn_in", Dim::time, 10.0, 0, kInf, true, false, "decay time of inhibitory conductance"},
    {"i_e", Dim::current, 0.0, -kInf, kInf, false, false, "constant external current"},
};
// Steady state of the gates at V = -60 mV with v_t = -63 mV (tests/models/hh_test.cpp checks
// these against the rate functions).
constexpr StateSpec kState[] = {
    {"v", Dim::voltage, "membrane potential", "e_l"},
    {"m",
     Dim::none,
     "sodium activation (exponential integrator: at t + dt/2)",
     {},
     0.026863329798445447},
    {"h",
     Dim::none,
     "sodium inactivation (exponential integrator: at t + dt/2)",
     {},
     0.9913058218943975},
    {"n",
     Dim::none,
     "potassium activation (exponential integrator: at t + dt/2)",
     {},
     0.06043403467863595},
    {"g_ex", Dim::conductance, "excitatory synaptic conductance"},
    {"g_in", Dim::conductance, "inhibitory synaptic conductance"},
};

struct TraubRates {
  double v_t;
  hh::Rates operator()(double v) const { return hh::traub_rates(v - v_t); }
};

ParamProblem check(std::span<const double>, double) {
  return {};
}

hh::Cell cell_of(std::span<const double> p) {
  return hh::Cell{.c_m = p[c_m],
                  .g_na = p[g_na],
                  .g_k = p[g_k],
                  .g_l = p[g_l],
                  .e_na = p[e_na],
                  .e_k = p[e_k],
                  .e_l = p[e_l],
                  .e_ex = p[e_ex],
                  .e_in = p[e_in],
                  .tau_syn_ex = p[tau_syn_ex],
                  .tau_syn_in = p[tau_syn_in],
                  .i_e = p[i_e],
                  .v_thresh = p[v_thresh],
                  .t_ref = p[t_ref]};
}

std::unique_ptr<NeuronGroup> create(const GroupSetup& s) {
  return std::make_unique<hh::Group<TraubRates>>(s, cell_of(s.params), TraubRates{s.params[v_t]});
}

StepBound stable_dt(std::span<const double> p, std::string_view integrator) {
  return hh::rk4_step_bound(cell_of(p), TraubRates{p[v_t]}, integrator);
}

}  // namespace

extern const ModelInfo kHhCondExpTraub{
    .name = "hh_cond_exp_traub",
    .kind = ModelKind::neuron,
    .summary =
        "Hodgkin-Huxley neuron with Traub-Miles rates, exponential conductance synapses "
        "(Brette et al. 2007 COBAHH)",
    .doc =
        "C_m dV/dt = -g_na m^3 h (V-e_na) - g_k n^4 (V-e_k) - g_l (V-e_l) - g_ex(V-e_ex) - "
        "g_in(V-e_in) + I_e; Traub & Miles (1991) rates shifted by v_t; as NEST "
        "hh_cond_exp_traub and Brian2's COBAHH example; spikes are upward crossings of "
        "v_thresh, at most one per t_ref (no reset). Default integrator: staggered "
        "exponential (2nd order, unconditionally stable); exponential_euler is Brian2's; rk4; "
        "rk45 (adaptive Dormand-Prince, crossing located inside the step).",
    .params = kParams,
    .state = kState,
    .receptors = hh::kReceptors,
    .accepts_current = true,
    .integrators = hh::kIntegrators,
    .check = check,
    .create = create,
    .stable_dt = stable_dt,
};

}  // namespace engram
