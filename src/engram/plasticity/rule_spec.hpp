#pragma once
// What a plastic synapse does, as plain data: the model file's `synapse.stp` and
// `synapse.plasticity` tables after validation (units resolved). The engine's runtime state
// lives in plasticity/synapse_dynamics.hpp.
#include <cstdint>
#include <string_view>

namespace engram {

// Tsodyks-Markram short-term plasticity in its event-based form (Tsodyks, Pawelzik &
// Markram 1998; Maass & Markram 2002): at the n-th spike of a presynaptic neuron the
// synapse transmits weight·u_n·R_n, with
//   u_1 = U, R_1 = 1,
//   u_{n+1} = U + u_n (1 - U) exp(-Δ/tau_facil)        (u ≡ U when tau_facil = 0),
//   R_{n+1} = 1 - (1 - R_n (1 - u_n)) exp(-Δ/tau_rec),
// Δ the interval between the spikes. The state depends only on the presynaptic spike train,
// so it is kept per presynaptic neuron (all synapses of a projection share U and the time
// constants).
struct StpSpec {
  bool enabled = false;
  double u = 0.5;        // U, utilisation of the first spike, in (0, 1]
  double tau_rec = 800;  // ms, recovery from depression, > 0
  double tau_facil = 0;  // ms, decay of facilitation, >= 0 (0: none)
};

// Spike-timing-dependent plasticity on spike traces.
//   pair (Song, Miller & Abbott 2000; van Rossum et al. 2000; Gütig et al. 2003):
//     post spike:  w += a_plus · f+(w) · x_pre       (x_pre: trace of pre spikes, tau_plus)
//     pre spike:   w -= a_minus · f-(w) · y_post     (y_post: trace of post spikes, tau_minus)
//   triplet (Pfister & Gerstner 2006):
//     post spike:  w += f+(w) · r1 · (a2_plus + a3_plus · o2(t-ε))   r1: tau_plus, o2: tau_y
//     pre spike:   w -= f-(w) · o1 · (a2_minus + a3_minus · r2(t-ε)) o1: tau_minus, r2: tau_x
//   weight dependence: additive f+ = f- = w_max; multiplicative (soft bounds)
//   f+ = w_max - w, f- = w - w_min; power (Gütig) f+ = w_max^(1-mu_plus) (w_max - w)^mu_plus,
//   f- = w_max^(1-mu_minus) (w - w_min)^mu_minus. Weights are kept in [w_min, w_max].
//   pairing: all_to_all (a trace jumps by 1 at each spike) or nearest (it is reset to 1).
// Spike times are the somatic spike times of both neurons: Δt = t_post - t_pre, the
// transmission delay does not enter the rule. At equal steps the pre spike comes first.
//   dopamine-modulated (Izhikevich 2007; NEST stdp_dopamine_synapse): the pair rule's changes
//     go to an eligibility trace c (decay tau_c) instead of the weight, and
//     dw/dt = w_max · c · d(t) / ms, d = baseline + dopamine_amount per spike of the dopamine
//     population, decaying with tau_d (volume transmission: one concentration for all).
//   clopath (Clopath, Büsing, Vasilaki & Gerstner 2010; NEST clopath_synapse): voltage-based,
//     the target's membrane potential u and its filtered, delayed ū-, ū+ (and ū̄) enter:
//     pre spike:   w -= a_ltd · [ū-(t) - theta_minus]+     (· ū̄²/u_ref_squared if homeostasis)
//     every step:  w += a_ltp · x̄(t) · [u(t) - theta_plus]+ · [ū+(t) - theta_minus]+ · dt
//     x̄: the presynaptic trace, jumping by 1/tau_x (1/ms); bounds [w_min, w_max] after each
//     change. Amplitudes in the weight's unit per mV (per mV² for a_ltp).
//     plasticity/clopath_rule.hpp.
enum class StdpRule { none, pair, triplet, dopamine, clopath };
enum class WeightDependence { additive, multiplicative, power };
enum class Pairing { all_to_all, nearest };

struct StdpSpec {
  StdpRule rule = StdpRule::none;
  WeightDependence dependence = WeightDependence::additive;
  Pairing pairing = Pairing::all_to_all;
  double tau_plus = 20, tau_minus = 20;    // ms
  double tau_x = 101, tau_y = 125;         // ms, triplet only
  double a_plus = 0.01, a_minus = 0.0105;  // pair; triplet: a2_plus, a2_minus
  double a3_plus = 0, a3_minus = 0;        // triplet only
  double mu_plus = 0, mu_minus = 0;        // power dependence
  double w_min = 0, w_max = 1;             // the receptor's weight unit
  double learning_rate = 1;                // scales every change (0: frozen)
  // dopamine-modulated
  int dopamine_population = -1;      // dopamine from this population's spikes, or
  int dopamine_reward = -1;          // from this [[reward]]
  double tau_c = 1000, tau_d = 200;  // ms
  double dopamine_amount = 0.5, baseline = 0;
  // clopath (NEST's defaults; tau_x above is the presynaptic trace's, 15 ms there)
  double a_ltd = 14e-5, a_ltp = 8e-5;              // per mV, per mV²
  double theta_minus = -70.6, theta_plus = -45.3;  // mV
  double u_ref_squared = 60;                       // mV²
  bool homeostasis = false;  // a_ltd scaled by ū̄²/u_ref_squared (NEST: A_LTD_const = false)
};

// Homeostatic synaptic scaling (Turrigiano et al. 1998; van Rossum, Bi & Turrigiano 2000):
// every `interval`, each target multiplies all its incoming weights of the projection by
//   1 + beta · interval · (target_rate - r),
// r its firing rate estimated by an exponential trace (tau_rate), so a neuron firing below
// its target strengthens its inputs and one firing above weakens them; weights stay in
// [w_min, w_max] (the STDP bounds when the projection has STDP).
struct ScalingSpec {
  bool enabled = false;
  double target_rate = 5;  // Hz
  double beta = 0.01;      // 1/(Hz·s)
  double tau_rate = 1000;  // ms
  double interval = 1000;  // ms, a multiple of dt
  double w_min = 0, w_max = 1e300;
};

// Consolidation of early-phase changes by a late phase with synaptic tagging and capture:
// the tag-trigger-consolidation structure of Clopath, Ziegler, Vasilaki, Büsing & Gerstner
// 2008, in the equations of Li, Kulvicius & Tetzlaff 2016 (PLoS One 11:e0161679) and
// Luboeinski & Tetzlaff 2021 (Commun Biol 4:275). See plasticity/consolidation.hpp.
struct ConsolidationSpec {
  bool enabled = false;
  double tau_early = 6.884e6;  // ms, decay of the early phase to baseline (tau_h / 0.1)
  double tau_late = 3.6e6;     // ms, tau_z of the late phase
  double tau_protein = 3.6e6;  // ms, tau_p of the protein amount
  double alpha = 1;            // protein synthesis rate (p's goal while triggered)
  double theta_tag = 0.2;      // tag: |early change| above this fraction of the baseline
  double theta_pro = 0.5;      // trigger: summed |early change| / baseline above this
  double interval = 100;       // ms, the slow dynamics' step (a multiple of dt)
  double block_start = -1, block_stop = -1;  // ms, protein synthesis blocked in [start, stop)
};

constexpr std::string_view to_string(StdpRule r) {
  return r == StdpRule::pair       ? "stdp_pair"
         : r == StdpRule::triplet  ? "stdp_triplet"
         : r == StdpRule::dopamine ? "stdp_dopamine"
         : r == StdpRule::clopath  ? "clopath"
                                   : "none";
}

}  // namespace engram
