#pragma once
// Synaptic receptor kinetics shared by the conductance-based (and current-based) point
// models: exact per-step propagation of exponential, alpha and difference-of-exponentials
// ("beta") time courses, their exact means over a step (for the exponential integrator of
// V, see lif_cond_bank.hpp), the Mg2+ block of NMDA receptors, and the parameter rows and
// ports of the AMPA / NMDA / GABA_A / GABA_B receptor set.
//
// Every kinetics is a two-variable linear system with a lower-triangular propagator:
//   s1 <- p11 s1                 (+ jump * w when a spike of weight w arrives)
//   s2 <- p21 s1 + p22 s2        (s2 is the conductance or current g)
// and the exact mean of g over the next step is q1 s1 + q2 s2.
//   beta(tau_r, tau_d): g(t) = w N (e^{-t/tau_d} - e^{-t/tau_r}); s1 is the tau_d
//     exponential x, g = x - y with y the tau_r one, so p11 = e_d, p21 = e_d - e_r,
//     p22 = e_r (e_k = e^{-h/tau_k}). N normalises the peak to w: with
//     t_peak = tau_d tau_r / (tau_d - tau_r) ln(tau_d / tau_r),
//     N = 1 / (e^{-t_peak/tau_d} - e^{-t_peak/tau_r}). tau_r = 0 gives the exponential
//     w e^{-t/tau_d} (N = 1).
//   alpha(tau): g(t) = w (t/tau) e^{1 - t/tau}, peak w at t = tau; s1 = dg/dt + g/tau
//     (NEST's iaf_*_alpha form): p11 = p22 = e^{-h/tau}, p21 = h e^{-h/tau}, jump = e/tau.
// The exponential of the existing *_exp models is beta with tau_r = 0.
#include <cmath>
#include <numbers>
#include <span>
#include <string>

#include "engram/core/fast_math.hpp"
#include "engram/core/parameters.hpp"
#include "engram/models/model.hpp"

namespace engram::receptors {

struct Kinetics {
  double p11 = 0, p21 = 0, p22 = 0;  // propagator over one step
  double q1 = 0, q2 = 0;             // mean of g over the step = q1 s1 + q2 s2
  double jump = 0;                   // s1 += jump * weight at a spike

  // Exact mean of e^{-t/tau} over [0, h]: tau/h (1 - e^{-h/tau}); 0 for tau = 0.
  static double mean_decay(double tau, double h) {
    return tau > 0 ? -tau / h * std::expm1(-h / tau) : 0.0;
  }

  static Kinetics beta(double tau_rise, double tau_decay, double h) {
    Kinetics k;
    const double ed = std::exp(-h / tau_decay);
    const double er = tau_rise > 0 ? std::exp(-h / tau_rise) : 0.0;
    const double md = mean_decay(tau_decay, h), mr = mean_decay(tau_rise, h);
    k.p11 = ed;
    k.p21 = ed - er;
    k.p22 = er;
    k.q1 = md - mr;  // mean(x) - mean(y) with y = x - g
    k.q2 = mr;
    k.jump = peak_factor(tau_rise, tau_decay);
    return k;
  }

  static Kinetics alpha(double tau, double h) {
    Kinetics k;
    const double e = std::exp(-h / tau);
    k.p11 = e;
    k.p21 = h * e;
    k.p22 = e;
    // g(t) = (g0 + s1 t) e^{-t/tau}: (1/h) ∫ t e^{-t/tau} dt = tau^2 (1 - e (1 + h/tau)) / h,
    // written with expm1 so that it keeps its digits when h << tau
    const double x = h / tau;
    k.q1 = tau * tau / h * (-std::expm1(-x) - x * e);
    k.q2 = mean_decay(tau, h);
    k.jump = std::numbers::e / tau;
    return k;
  }

  // N of the beta function: 1 / (e^{-tp/tau_d} - e^{-tp/tau_r}) at the peak time tp.
  static double peak_factor(double tau_rise, double tau_decay) {
    if (!(tau_rise > 0)) return 1.0;
    const double tp =
        tau_decay * tau_rise / (tau_decay - tau_rise) * std::log(tau_decay / tau_rise);
    return 1.0 / (std::exp(-tp / tau_decay) - std::exp(-tp / tau_rise));
  }

  double mean(double s1, double s2) const { return q1 * s1 + q2 * s2; }
  // advances (s1, s2) by one step and adds a spike of total weight w at its end
  void advance(double& s1, double& s2, double w) const {
    s2 = p21 * s1 + p22 * s2;
    s1 = p11 * s1 + jump * w;
  }
};

// Voltage-dependent Mg2+ block of the NMDA receptor (Jahr & Stevens 1990, J Neurosci
// 10:3178, as used by Brunel & Wang 2001): the open fraction at V (mV) and [Mg2+] (mM).
inline double mg_block(double v, double mg) {
  return 1.0 / (1.0 + mg * (1.0 / 3.57) * exp_simd(-0.062 * v));
}

// The receptor set and its defaults.
//   AMPA, NMDA, GABA_A: decay times, reversal potentials and the NMDA rise time and block
//     from Brunel & Wang (2001) J Comput Neurosci 11:63-85 (AMPA 2 ms, NMDA 2 ms rise /
//     100 ms decay, GABA_A 5 ms; E = 0 mV excitatory, -70 mV GABA_A; [Mg2+] = 1 mM). They
//     model AMPA and GABA_A with an instantaneous rise; the 0.2 ms and 0.5 ms rise times
//     here keep g continuous and are within the measured 10-90 % rise of those currents
//     (set tau_rise = 0 for the instantaneous form).
//   GABA_B: 60 ms rise, 200 ms decay, E = -90 mV (K+), as Hill & Tononi (2005)
//     J Neurophysiol 93:1671-1698 and NEST's ht_neuron.
// A weight is the peak conductance (nS) one spike produces; for NMDA the unblocked peak,
// the current being -g B(V) (V - e_nmda).
enum Port { ampa, nmda, gaba_a, gaba_b };
inline constexpr int kPorts = 4;

inline constexpr ReceptorSpec kPortSpecs[] = {
    {"ampa", Dim::conductance, "AMPA conductance (reversal e_ampa), peak = weight",
     ReceptorSign::excitatory},
    {"nmda", Dim::conductance,
     "NMDA conductance (reversal e_nmda), Mg2+ block B(V); unblocked peak = weight",
     ReceptorSign::excitatory},
    {"gaba_a", Dim::conductance, "GABA_A conductance (reversal e_gaba_a), peak = weight",
     ReceptorSign::inhibitory},
    {"gaba_b", Dim::conductance, "slow GABA_B conductance (reversal e_gaba_b), peak = weight",
     ReceptorSign::inhibitory},
};

// Parameter rows, in this order in every model that uses the set: per port rise, decay and
// reversal, then [Mg2+]; kParamCount rows starting at the model's offset.
inline constexpr ParamSpec kParamRows[] = {
    {"tau_rise_ampa", Dim::time, 0.2, 0, kInf, false, false, "rise time of AMPA (0: instant)"},
    {"tau_decay_ampa", Dim::time, 2.0, 0, kInf, true, false, "decay time of AMPA"},
    {"e_ampa", Dim::voltage, 0.0, -kInf, kInf, false, false, "AMPA reversal potential"},
    {"tau_rise_nmda", Dim::time, 2.0, 0, kInf, false, false, "rise time of NMDA (0: instant)"},
    {"tau_decay_nmda", Dim::time, 100.0, 0, kInf, true, false, "decay time of NMDA"},
    {"e_nmda", Dim::voltage, 0.0, -kInf, kInf, false, false, "NMDA reversal potential"},
    {"tau_rise_gaba_a", Dim::time, 0.5, 0, kInf, false, false, "rise time of GABA_A (0: instant)"},
    {"tau_decay_gaba_a", Dim::time, 5.0, 0, kInf, true, false, "decay time of GABA_A"},
    {"e_gaba_a", Dim::voltage, -70.0, -kInf, kInf, false, false, "GABA_A reversal potential"},
    {"tau_rise_gaba_b", Dim::time, 60.0, 0, kInf, false, false, "rise time of GABA_B (0: instant)"},
    {"tau_decay_gaba_b", Dim::time, 200.0, 0, kInf, true, false, "decay time of GABA_B"},
    {"e_gaba_b", Dim::voltage, -90.0, -kInf, kInf, false, false, "GABA_B reversal potential"},
    {"mg", Dim::none, 1.0, 0, kInf, false, false, "extracellular [Mg2+] in mM, for the NMDA block"},
};
inline constexpr int kParamCount = 3 * kPorts + 1;

// Offsets inside the rows: rise, decay, reversal of port p; then mg.
constexpr int rise_of(int port) {
  return 3 * port;
}
constexpr int decay_of(int port) {
  return 3 * port + 1;
}
constexpr int rev_of(int port) {
  return 3 * port + 2;
}
inline constexpr int kMg = 3 * kPorts;

// tau_rise < tau_decay for each port of the set (rows at `offset` of the model's table).
inline ParamProblem check_rise_below_decay(std::span<const double> p, int offset) {
  for (int q = 0; q < kPorts; ++q)
    if (!(p[offset + rise_of(q)] < p[offset + decay_of(q)]))
      return {std::string(kParamRows[rise_of(q)].name),
              std::string("must be below ") + std::string(kParamRows[decay_of(q)].name)};
  return {};
}

}  // namespace engram::receptors
