#pragma once
// The adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005), shared by
// adex_psc_exp (current synapses), adex_cond_exp (conductance synapses) and
// adex_cond_receptors (AMPA / NMDA / GABA_A / GABA_B ports): parameter rows, the Naud et al.
// (2008) presets, and the group, templated on the synapse type.
//
//   C_m dV/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_T)/Delta_T) - w + I_syn + I_e + I_stim
//   tau_w dw/dt = a (V - E_L) - w
//   at V >= V_peak: V <- V_reset, w <- w + b, V clamped at V_reset for t_ref;
//   V >= v_lb at all times (v_lb = -inf: no bound).
// Delta_T = 0 gives the adaptive leaky integrate-and-fire neuron with threshold V_T (then
// V_peak is not used), as NEST's aeif models; a = b = 0 the exponential integrate-and-fire
// neuron (EIF; Fourcaud-Trocme et al. 2003), e.g. with v_lb = -100 mV as in Rosenbaum et al.
// (2017).
//
// The synaptic variables are part of the ODE state (as in NEST's aeif models), so every
// method integrates them together with V and w. The right-hand side is evaluated at
// min(V, V_peak): past the peak the exponential runs off to infinity, and only the trial
// stages of a step that crosses the peak see it, so this keeps them finite without touching
// any trajectory below the peak (NEST's aeif models do the same).
//
// Integrators (ode_integrators.hpp): rk45 (default; Dormand-Prince 5(4), adaptive sub-steps
// per neuron, rtol = atol = 1e-6 as NEST's aeif models, reset at the located crossing), rk4
// (one step per dt, crossing located the same way), euler (forward Euler, reset at the end
// of the step: Naud et al. 2008 and Brian's example use it at dt = 0.1 ms). The refractory
// period is counted in whole steps after the step of the spike, as NEST's aeif models: V
// stays at V_reset for the rest of that step and round(t_ref/dt) more steps.
//
// Spike times: rk45 and rk4 locate the crossing of V_peak inside the step (on the method's
// own one-step map, ode_integrators.hpp) and report it through spike_offsets(), so recorded
// spike times lie between grid points: with rk45 within ~1e-5 ms of the converged solution;
// with rk4 the spike time converges at first order only (one RK4 step cannot follow the
// exponential runaway of V; 0.3 ms at dt 0.1 ms). euler reports none (grid times, as
// published). tests/models/spike_offsets_test.cpp.
#include <algorithm>
#include <array>
#include <cmath>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "engram/models/model.hpp"
#include "engram/models/ode_integrators.hpp"
#include "engram/models/stability.hpp"

namespace engram::adex {

// Parameter rows (defaults as NEST's aeif_cond_exp, i.e. Brette & Gerstner 2005 except
// V_reset = -60 mV and V_peak = 0 mV).
inline constexpr ParamSpec kCm{"c_m", Dim::capacitance,      281.0, 0, kInf, true,
                               false, "membrane capacitance"};
inline constexpr ParamSpec kGL{"g_l", Dim::conductance,  30.0, 0, kInf, false,
                               false, "leak conductance"};
inline constexpr ParamSpec kEL{"e_l", Dim::voltage, -70.6, -kInf,
                               kInf,  false,        false, "leak reversal potential"};
inline constexpr ParamSpec kVT{
    "v_t", Dim::voltage, -50.4, -kInf,
    kInf,  false,        false, "threshold potential of the exponential (V_T)"};
inline constexpr ParamSpec kDeltaT{
    "delta_t", Dim::voltage, 2.0,   0,
    kInf,      false,        false, "slope factor of the exponential (0: a hard threshold at v_t)"};
inline constexpr ParamSpec kVPeak{
    "v_peak", Dim::voltage, 0.0,   -kInf,
    kInf,     false,        false, "spike cutoff: V >= v_peak is a spike and resets"};
inline constexpr ParamSpec kVReset{"v_reset", Dim::voltage, -60.0, -kInf,
                                   kInf,      false,        false, "reset potential after a spike"};
inline constexpr ParamSpec kTRef{
    "t_ref", Dim::time, 0.0, 0, kInf, false, false, "refractory period (V clamped at v_reset)"};
inline constexpr ParamSpec kA{"a",   Dim::conductance,         4.0, -kInf, kInf, false,
                              false, "subthreshold adaptation"};
inline constexpr ParamSpec kB{
    "b",  Dim::current, 80.5,  -kInf,
    kInf, false,        false, "spike-triggered adaptation: increment of w at a spike"};
inline constexpr ParamSpec kTauW{"tau_w", Dim::time, 144.0, 0,
                                 kInf,    true,      false, "adaptation time constant"};
inline constexpr ParamSpec kIE{"i_e", Dim::current, 0.0,   -kInf,
                               kInf,  false,        false, "constant external current"};
inline constexpr ParamSpec kVLb{
    "v_lb", Dim::voltage, -kInf, -kInf,
    kInf,   false,        false, "lower bound of V (-inf: none; Rosenbaum et al. 2017: -100 mV)"};

// Common parameters come first, in this order, in both models.
enum Common { c_m, g_l, e_l, v_t, delta_t, v_peak, v_reset, t_ref, a, b, tau_w, i_e, v_lb };
inline constexpr size_t kCommon = 13;

// Naud, Marcille, Clopath & Gerstner (2008) Table 1 as in Brian's example (Naud et al.
// 2008 firing patterns): Delta_T = 2 mV, V_T = -50 mV, V_peak = 0 mV, no refractory
// period; a 600 ms current step from V = E_L, w = 0, forward Euler at dt = 0.1 ms.
#define ENGRAM_NAUD(C, GL, EL, A, TAUW, B, VR)                                                \
  {"c_m", C}, {"g_l", GL}, {"e_l", EL}, {"a", A}, {"tau_w", TAUW}, {"b", B}, {"v_reset", VR}, \
      {"v_t", -50}, {"delta_t", 2}, {"v_peak", 0}, {                                          \
    "t_ref", 0                                                                                \
  }
inline constexpr NamedValue kTonic[] = {ENGRAM_NAUD(200, 10, -70, 2, 30, 0, -58)};
inline constexpr NamedValue kAdapting[] = {ENGRAM_NAUD(200, 12, -70, 2, 300, 60, -58)};
inline constexpr NamedValue kInitBurst[] = {ENGRAM_NAUD(130, 18, -58, 4, 150, 120, -50)};
inline constexpr NamedValue kRegBurst[] = {ENGRAM_NAUD(200, 10, -58, 2, 120, 100, -46)};
inline constexpr NamedValue kDelayed[] = {ENGRAM_NAUD(200, 12, -70, -10, 300, 0, -58)};
inline constexpr NamedValue kDelRegBurst[] = {ENGRAM_NAUD(100, 10, -65, -10, 90, 30, -47)};
inline constexpr NamedValue kTransient[] = {ENGRAM_NAUD(100, 10, -65, 10, 90, 100, -47)};
inline constexpr NamedValue kIrregular[] = {ENGRAM_NAUD(100, 12, -60, -11, 130, 30, -48)};
#undef ENGRAM_NAUD
inline constexpr NamedValue kBG2005[] = {{"c_m", 281},   {"g_l", 30},    {"e_l", -70.6},
                                         {"v_t", -50.4}, {"delta_t", 2}, {"a", 4},
                                         {"tau_w", 144}, {"b", 80.5},    {"v_reset", -70.6}};

inline constexpr std::string_view kNaud = "Naud et al. 2008, Table 1";
inline constexpr Preset kPresets[] = {
    {"tonic", "tonic spiking at a constant interval", kNaud, kTonic, {}, "500 pA step"},
    {"adapting",
     "spiking with lengthening intervals (adaptation)",
     kNaud,
     kAdapting,
     {},
     "500 pA step"},
    {"initial_burst", "an initial burst, then tonic spiking", kNaud, kInitBurst, {}, "400 pA step"},
    {"regular_bursting", "regular bursts", kNaud, kRegBurst, {}, "210 pA step"},
    {"delayed",
     "delayed accelerating: a late first spike, then shortening intervals",
     kNaud,
     kDelayed,
     {},
     "300 pA step"},
    {"delayed_regular_bursting",
     "a late first burst, then regular bursts",
     kNaud,
     kDelRegBurst,
     {},
     "110 pA step"},
    {"transient", "a few spikes at the onset, then silence", kNaud, kTransient, {}, "180 pA step"},
    {"irregular", "irregular spiking", kNaud, kIrregular, {}, "160 pA step"},
    {"brette_gerstner_2005",
     "regular spiking with adaptation (the paper's parameters)",
     "Brette & Gerstner 2005",
     kBG2005,
     {},
     "1 nA step"},
};

// Spike cutoff and reset below it; refractory period 0 or at least one step; a lower bound
// below the reset.
inline ParamProblem check(std::span<const double> p, double dt) {
  const double cutoff = p[delta_t] > 0 ? p[v_peak] : p[v_t];
  if (p[delta_t] > 0 && !(p[v_peak] > p[v_t])) return {"v_peak", "must be above v_t"};
  if (!(p[v_reset] < cutoff))
    return {"v_reset", p[delta_t] > 0 ? "must be below v_peak" : "must be below v_t"};
  if (p[t_ref] > 0 && p[t_ref] < dt) return {"t_ref", "must be 0 or at least one time step"};
  if (!(p[v_lb] < p[v_reset])) return {"v_lb", "must be below v_reset"};
  return {};
}

// ModelInfo::stable_dt of euler and rk4 (rk45 adapts its step: no bound). The largest dt for
// which the resting state stays stable under the method (stability.hpp): the synaptic decays
// (2 tau_syn for Euler, 2.785 tau_syn for RK4) and the (V, w) block linearised at rest,
// where V* solves -g_L (V - E_L) + g_L Delta_T exp((V - V_T)/Delta_T) - a (V - E_L) + I_e = 0
// below threshold (w* = a (V* - E_L); no synaptic input). Without a resting state (I_e above
// rheobase) only the synaptic bound applies. Certain: a larger dt makes rest unstable.
// `taus`: the time constants of the synaptic variables (0: none, an instantaneous rise).
inline StepBound stable_dt_with(std::span<const double> p, std::string_view integrator,
                                std::initializer_list<double> taus) {
  const bool rk4 = integrator == "rk4";
  if (!rk4 && integrator != "euler") return {};
  double bound = kInf;
  for (double tau : taus)
    if (tau > 0) bound = std::min(bound, stability::decay_step(tau, rk4));
  const double dT = p[delta_t];
  auto f = [&](double v) {
    return -p[g_l] * (v - p[e_l]) + (dT > 0 ? p[g_l] * dT * std::exp((v - p[v_t]) / dT) : 0.0) -
           p[a] * (v - p[e_l]) + p[i_e];
  };
  // the lowest root of f below the spike cutoff: scan up from far below rest, then bisect
  const double top = dT > 0 ? p[v_t] + 5 * dT : p[v_t];
  double lo = std::min(p[e_l], p[v_t]) - 200, v_rest = NAN;
  if (f(lo) > 0)
    for (double v = lo + 0.1; v <= top; lo = v, v += 0.1)
      if (f(v) <= 0) {
        double hi = v;
        for (int k = 0; k < 60; ++k) ((f(0.5 * (lo + hi)) > 0) ? lo : hi) = 0.5 * (lo + hi);
        v_rest = 0.5 * (lo + hi);
        break;
      }
  if (std::isfinite(v_rest)) {
    const double ex = dT > 0 ? std::exp((v_rest - p[v_t]) / dT) : 0.0;
    const stability::Mat2 j{(-p[g_l] + p[g_l] * ex) / p[c_m], -1.0 / p[c_m], p[a] / p[tau_w],
                            -1.0 / p[tau_w]};
    const double h = stability::max_stable_step(
        [&](double hh) { return rk4 ? stability::rk4_map(j, hh) : stability::euler_map(j, hh); });
    if (h > 0) bound = std::min(bound, h);
  }
  return {stability::round_down(bound), true};
}

template <size_t kTauEx, size_t kTauIn>
StepBound stable_dt(std::span<const double> p, std::string_view integrator) {
  return stable_dt_with(p, integrator, {p[kTauEx], p[kTauIn]});
}

enum class Method { rk45, rk4, euler };
inline constexpr std::string_view kIntegrators[] = {"rk45", "rk4", "euler"};

// One neuron over one step: V, w and the synaptic variables of `Syn`, a synapse type
// (CurrentSynapses, ConductanceSynapses, or a model's own) with
//   static constexpr size_t n;        // synaptic ODE variables: y[2], ..., y[n + 1]
//   static constexpr size_t ports;    // receptor ports (StepInput::syn, in order)
//   static constexpr size_t visible;  // the first `visible` of them are in the state table
//   static constexpr size_t recorded; // derived state rows after those (e.g. a current)
//   double current(const double* s, double v) const;  // synaptic current at V (pA)
//   void decay(const double* s, double* ds) const;     // ds/dt of the synaptic variables
//   void receive(double* s, const double* w) const;    // the step's input per port, at its end
//   void record(const double* y, double* out) const;   // the derived rows (recorded > 0 only)
template <class Syn>
struct Cell {
  static constexpr size_t n = 2 + Syn::n;  // V, w, and the synaptic variables
  double inv_c_m, g_l, e_l, v_t, delta_t, inv_delta_t, cutoff, v_reset, a, b, inv_tau_w, v_lb;
  double i = 0;  // I_e + I_stim of the step
  bool clamped = false, refractory = false;
  Syn syn;

  void rhs(const ode::State<n>& y, ode::State<n>& dy) const {
    const double v = std::min(y[0], cutoff);
    const double spike = delta_t > 0 ? g_l * delta_t * std::exp((v - v_t) * inv_delta_t) : 0.0;
    dy[0] = clamped
                ? 0.0
                : (-g_l * (v - e_l) + spike - y[1] + syn.current(y.data() + 2, v) + i) * inv_c_m;
    dy[1] = (a * (v - e_l) - y[1]) * inv_tau_w;
    syn.decay(y.data() + 2, dy.data() + 2);
  }
  double distance(const ode::State<n>& y) const { return clamped ? -1.0 : y[0] - cutoff; }
  void reset(ode::State<n>& y) {
    y[0] = v_reset;
    y[1] += b;
    clamped = refractory;
  }
  void constrain(ode::State<n>& y) const { y[0] = std::max(y[0], v_lb); }
};

// Two exponentially decaying variables, excitatory and inhibitory (ports exc, inh).
struct ExpPair {
  static constexpr size_t n = 2, ports = 2, visible = 2, recorded = 0;
  double inv_tau_ex, inv_tau_in;
  void decay(const double* s, double* ds) const {
    ds[0] = -s[0] * inv_tau_ex;
    ds[1] = -s[1] * inv_tau_in;
  }
  void receive(double* s, const double* w) const {
    s[0] += w[0];
    s[1] += w[1];
  }
};

struct CurrentSynapses : ExpPair {
  double current(const double* s, double) const { return s[0] + s[1]; }
};

struct ConductanceSynapses : ExpPair {
  double e_ex, e_in;
  double current(const double* s, double v) const { return -s[0] * (v - e_ex) - s[1] * (v - e_in); }
};

// The group: SoA state v, w, the synaptic variables, and the derived rows of `Syn`.
template <class Syn>
class Group final : public NeuronGroup {
  static constexpr size_t kN = Cell<Syn>::n;

 public:
  Group(const GroupSetup& s, Syn syn)
      : NeuronGroup(s.size), h_try_(s.size, s.dt), ref_(s.size, 0), dt_(s.dt) {
    for (auto& x : y_) x.assign(s.size, 0.0);
    for (auto& x : rec_) x.assign(s.size, 0.0);
    const auto& p = s.params;
    cell_.inv_c_m = 1.0 / p[c_m];
    cell_.g_l = p[g_l];
    cell_.e_l = p[e_l];
    cell_.v_t = p[v_t];
    cell_.delta_t = p[delta_t];
    cell_.inv_delta_t = p[delta_t] > 0 ? 1.0 / p[delta_t] : 0.0;
    cell_.cutoff = p[delta_t] > 0 ? p[v_peak] : p[v_t];
    cell_.v_reset = p[v_reset];
    cell_.a = p[a];
    cell_.b = p[b];
    cell_.inv_tau_w = 1.0 / p[tau_w];
    cell_.v_lb = p[v_lb];
    cell_.syn = syn;
    i_e_ = p[i_e];
    ref_steps_ = std::llround(p[t_ref] / s.dt);
    cell_.refractory = ref_steps_ > 0;
    method_ = s.integrator == "rk4"     ? Method::rk4
              : s.integrator == "euler" ? Method::euler
                                        : Method::rk45;
    if (method_ != Method::euler) offsets_.assign(s.size, 0.0);
  }

  void update(const StepInput& in, uint32_t begin, uint32_t end,
              std::vector<uint32_t>& spiked) override {
    const double h = dt_;
    for (uint32_t k = begin; k < end; ++k) {
      std::array<double, Syn::ports> add;
      for (size_t q = 0; q < Syn::ports; ++q) {
        add[q] = in.syn[q][k];
        in.syn[q][k] = 0;
      }
      if (!std::isfinite(y_[0][k])) continue;  // failed earlier: left for the engine to report
      Cell<Syn> cell = cell_;
      cell.i = i_e_ + (in.i_stim ? in.i_stim[k] : 0.0);
      cell.clamped = in.step < ref_[k];
      ode::State<kN> y;
      for (size_t j = 0; j < kN; ++j) y[j] = y_[j][k];
      bool fired = false, failed = false;
      double first = h;  // time of the first spike after the step's start
      switch (method_) {
        case Method::rk45: {
          const auto r = ode::advance_adaptive(cell, y, h, h_try_[k]);
          fired = r.spikes > 0;
          failed = r.failed;
          first = r.first_spike;
          break;
        }
        case Method::rk4: {
          const auto r =
              ode::advance_fixed(cell, y, h, [](const Cell<Syn>& c, const auto& y0, double hh) {
                return ode::rk4_step(c, y0, hh);
              });
          fired = r.spikes > 0;
          failed = r.failed;
          first = r.first_spike;
          break;
        }
        case Method::euler:
          y = ode::euler_step(cell, y, h);
          cell.constrain(y);
          if (cell.distance(y) >= 0) {
            cell.reset(y);
            fired = true;
          }
          break;
      }
      cell.syn.receive(y.data() + 2, add.data());
      // a non-finite state, or V far below any physiological value: a blow-up that the
      // engine reports (naming population, neuron and time) at its next check
      if (failed || !(y[0] > -1e6) || !ode::all_finite(y)) y[0] = HUGE_VAL;
      for (size_t j = 0; j < kN; ++j) y_[j][k] = y[j];
      if constexpr (Syn::recorded > 0) {
        std::array<double, Syn::recorded> r;
        cell.syn.record(y.data(), r.data());
        for (size_t j = 0; j < Syn::recorded; ++j) rec_[j][k] = r[j];
      }
      if (fired) {
        spiked.push_back(k);
        if (ref_steps_ > 0) ref_[k] = in.step + ref_steps_ + 1;
        // a neuron at the cutoff already at the step's start (an initial state) is reset
        // there, at offset 0: stamped at the step's end instead, inside (0, dt]
        if (!offsets_.empty()) offsets_[k] = first > 0 ? first : h;
      }
    }
  }

  // rk45 and rk4 locate the crossing inside the step; euler keeps grid times
  const double* spike_offsets() const override {
    return offsets_.empty() ? nullptr : offsets_.data();
  }

  std::span<double> state(size_t index) override {
    if (index < 2 + Syn::visible) return y_[index];
    return rec_[index - 2 - Syn::visible];
  }

 private:
  std::array<std::vector<double>, kN> y_;               // V, w, synaptic variables
  std::array<std::vector<double>, Syn::recorded> rec_;  // derived rows of Syn
  std::vector<double> h_try_;                           // adaptive step size (rk45)
  std::vector<double> offsets_;  // rk45, rk4: first spike of the step, after its start (ms)
  std::vector<int64_t> ref_;     // first step at which the neuron integrates V again
  Cell<Syn> cell_{};
  double i_e_, dt_;
  int64_t ref_steps_;
  Method method_;
};

}  // namespace engram::adex
