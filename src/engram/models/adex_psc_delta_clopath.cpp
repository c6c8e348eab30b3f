// Adaptive exponential integrate-and-fire neuron with delta synapses and the state the
// voltage-based STDP rule of Clopath et al. (2010) reads (synapse.plasticity rule "clopath"):
// as NEST's aeif_psc_delta_clopath.
//
//   C_m dV/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_T)/Delta_T) - w + z + I_e + I_stim
//   tau_w dw/dt = a (V - E_L) - w
//   tau_z dz/dt = -z                      (spike after-depolarisation current)
//   tau_VT dV_T/dt = -(V_T - V_T,rest)    (adaptive threshold)
//   tau_u+ du+/dt = V - u+,  tau_u- du-/dt = V - u-,  tau_uu duu/dt = u- - uu
//   a delta input of weight J (mV): V <- V + J at the end of its step.
//   at V >= V_peak (Delta_T = 0: V >= V_T): a spike; V <- V_clamp, w <- w + b, z <- I_sp,
//   V_T <- V_T,max; V is then held at V_clamp (dV/dt = dw/dt = 0) for t_clamp, then set to
//   V_reset and held there for t_ref (w integrates). Inputs during the clamp and the
//   refractory period are discarded (as NEST).
// The filters see the V of the right-hand side: V_clamp while clamped, V_reset while
// refractory, min(V, V_peak) otherwise. The rule reads u+ and u- delayed by delay_u_bars
// (Clopath's ModelDB code and NEST: a delay the paper does not mention), kept here in a ring
// buffer per neuron and shown as the rows u_bar_plus_delayed and u_bar_minus_delayed; before
// the first delay_u_bars of the run the delayed values are the initial ones (NEST starts
// them at 0 mV, which writes spurious depression into its history for the first few ms).
//
// Method: Dormand-Prince 5(4) with error control (rtol = atol = 1e-6, ode_integrators.hpp),
// the crossing of V_peak located inside the step and the clamp starting there; as NEST the
// spike is stamped at the end of its step (no sub-step times: the clamp is counted in whole
// steps after it, t_clamp after the stamp V is set to V_reset), and a delta input that
// lifts V past V_peak fires at the end of its step.
//
// References: Clopath C., Büsing L., Vasilaki E. & Gerstner W. (2010) Nat Neurosci
// 13:344-352; Brette R. & Gerstner W. (2005) J Neurophysiol 94:3637-3642; NEST
// models/aeif_psc_delta_clopath (defaults).
#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "engram/models/model.hpp"
#include "engram/models/ode_integrators.hpp"

namespace engram {
namespace {

enum P {
  c_m,
  g_l,
  e_l,
  v_th_rest,
  v_th_max,
  tau_v_th,
  delta_t,
  v_peak,
  v_reset,
  t_ref,
  a,
  b,
  tau_w,
  i_sp,
  tau_z,
  v_clamp,
  t_clamp,
  tau_u_bar_plus,
  tau_u_bar_minus,
  tau_u_bar_bar,
  delay_u_bars,
  i_e,
};
constexpr ParamSpec kParams[] = {
    {"c_m", Dim::capacitance, 281.0, 0, kInf, true, false, "membrane capacitance"},
    {"g_l", Dim::conductance, 30.0, 0, kInf, false, false, "leak conductance"},
    {"e_l", Dim::voltage, -70.6, -kInf, kInf, false, false, "leak reversal potential"},
    {"v_th_rest", Dim::voltage, -50.4, -kInf, kInf, false, false,
     "resting value of the adaptive threshold V_T"},
    {"v_th_max", Dim::voltage, 30.4, -kInf, kInf, false, false,
     "value V_T jumps to at a spike (>= v_th_rest)"},
    {"tau_v_th", Dim::time, 50.0, 0, kInf, true, false, "decay time of V_T back to v_th_rest"},
    {"delta_t", Dim::voltage, 2.0, 0, kInf, false, false,
     "slope factor of the exponential (0: a hard threshold at V_T)"},
    {"v_peak", Dim::voltage, 33.0, -kInf, kInf, false, false,
     "spike cutoff: V >= v_peak is a spike (not used when delta_t = 0)"},
    {"v_reset", Dim::voltage, -60.0, -kInf, kInf, false, false,
     "potential after the clamp (Clopath 2010: e_l + 21 mV)"},
    {"t_ref", Dim::time, 0.0, 0, kInf, false, false,
     "refractory period after the clamp (V held at v_reset)"},
    {"a", Dim::conductance, 4.0, -kInf, kInf, false, false, "subthreshold adaptation"},
    {"b", Dim::current, 80.5, -kInf, kInf, false, false,
     "spike-triggered adaptation: increment of w at a spike"},
    {"tau_w", Dim::time, 144.0, 0, kInf, true, false, "adaptation time constant"},
    {"i_sp", Dim::current, 400.0, -kInf, kInf, false, false,
     "after-depolarisation current z set at a spike"},
    {"tau_z", Dim::time, 40.0, 0, kInf, true, false, "decay time of the after-depolarisation z"},
    {"v_clamp", Dim::voltage, 33.0, -kInf, kInf, false, false,
     "potential V is held at for t_clamp after a spike"},
    {"t_clamp", Dim::time, 2.0, 0, kInf, true, false,
     "duration of the clamp after a spike (at least one time step)"},
    {"tau_u_bar_plus", Dim::time, 7.0, 0, kInf, true, false,
     "time constant of u_bar_plus, the filtered V of potentiation"},
    {"tau_u_bar_minus", Dim::time, 10.0, 0, kInf, true, false,
     "time constant of u_bar_minus, the filtered V of depression"},
    {"tau_u_bar_bar", Dim::time, 500.0, 0, kInf, true, false,
     "time constant of u_bar_bar, u_bar_minus filtered again (homeostatic depression)"},
    {"delay_u_bars", Dim::time, 5.0, 0, kInf, false, false,
     "delay of u_bar_plus and u_bar_minus as the rule reads them (Clopath's code: 4 ms)"},
    {"i_e", Dim::current, 0.0, -kInf, kInf, false, false, "constant external current"},
};
// The first seven rows are the ODE state; the delayed rows are derived (read by the rule).
constexpr StateSpec kState[] = {
    {"v", Dim::voltage, "membrane potential", "e_l"},
    {"w", Dim::current, "adaptation current"},
    {"z", Dim::current, "spike after-depolarisation current"},
    {"v_th", Dim::voltage, "adaptive threshold V_T", "v_th_rest"},
    {"u_bar_plus", Dim::voltage, "V low-pass filtered with tau_u_bar_plus", "e_l"},
    {"u_bar_minus", Dim::voltage, "V low-pass filtered with tau_u_bar_minus", "e_l"},
    {"u_bar_bar", Dim::voltage, "u_bar_minus low-pass filtered with tau_u_bar_bar", "e_l"},
    {"u_bar_plus_delayed", Dim::voltage, "u_bar_plus delay_u_bars ago (derived)", "e_l"},
    {"u_bar_minus_delayed", Dim::voltage, "u_bar_minus delay_u_bars ago (derived)", "e_l"},
};
constexpr size_t kOde = 7;
constexpr ReceptorSpec kReceptors[] = {
    {"exc", Dim::voltage, "instantaneous depolarising jump of V", ReceptorSign::excitatory},
    {"inh", Dim::voltage, "instantaneous hyperpolarising jump of V (negative weights)",
     ReceptorSign::inhibitory},
};
constexpr std::string_view kIntegrators[] = {"rk45"};

ParamProblem check(std::span<const double> p, double dt) {
  if (p[delta_t] > 0 && !(p[v_peak] > p[v_th_rest])) return {"v_peak", "must be above v_th_rest"};
  if (p[delta_t] > 0 && !(p[v_reset] < p[v_peak])) return {"v_reset", "must be below v_peak"};
  if (p[delta_t] > 0 && (p[v_peak] - p[v_th_rest]) / p[delta_t] > 600)
    return {"delta_t", "(v_peak - v_th_rest) / delta_t must be <= 600 (exp overflows)"};
  if (!(p[v_th_max] >= p[v_th_rest])) return {"v_th_max", "must be >= v_th_rest"};
  if (p[t_clamp] < dt * (1 - 1e-9)) return {"t_clamp", "must be at least one time step"};
  if (p[t_ref] > 0 && p[t_ref] < dt * (1 - 1e-9))
    return {"t_ref", "must be 0 or at least one time step"};
  return {};
}

enum Y { V, W, Z, VTH, UP, UM, UU };

// One neuron over one step (ode_integrators.hpp System).
struct Cell {
  static constexpr size_t n = kOde;
  double inv_c_m, g_l, e_l, v_th_rest, v_th_max, inv_tau_v_th, delta_t, inv_delta_t, v_peak;
  double v_reset, a, b, inv_tau_w, i_sp, inv_tau_z, v_clamp;
  double inv_tau_up, inv_tau_um, inv_tau_uu;
  double i = 0;  // I_e + I_stim of the step
  bool clamped = false, refractory = false;

  // the V the currents and filters see
  double v_eff(const ode::State<n>& y) const {
    return clamped ? v_clamp : refractory ? v_reset : std::min(y[V], v_peak);
  }
  void rhs(const ode::State<n>& y, ode::State<n>& dy) const {
    const double v = v_eff(y);
    const double spike = delta_t > 0 ? g_l * delta_t * std::exp((v - y[VTH]) * inv_delta_t) : 0.0;
    const bool held = clamped || refractory;
    dy[V] = held ? 0.0 : (-g_l * (v - e_l) + spike - y[W] + y[Z] + i) * inv_c_m;
    dy[W] = clamped ? 0.0 : (a * (v - e_l) - y[W]) * inv_tau_w;
    dy[Z] = -y[Z] * inv_tau_z;
    dy[VTH] = -(y[VTH] - v_th_rest) * inv_tau_v_th;
    dy[UP] = (v - y[UP]) * inv_tau_up;
    dy[UM] = (v - y[UM]) * inv_tau_um;
    dy[UU] = (y[UM] - y[UU]) * inv_tau_uu;
  }
  double distance(const ode::State<n>& y) const {
    if (clamped || refractory) return -1.0;
    return y[V] - (delta_t > 0 ? v_peak : y[VTH]);
  }
  void reset(ode::State<n>& y) {
    y[V] = v_clamp;
    y[W] += b;
    y[Z] = i_sp;
    y[VTH] = v_th_max;
    clamped = true;
  }
};

class Group final : public NeuronGroup {
 public:
  explicit Group(const GroupSetup& s) : NeuronGroup(s.size), h_try_(s.size, s.dt), dt_(s.dt) {
    for (auto& x : y_) x.assign(s.size, 0.0);
    clamp_end_.assign(s.size, 0);
    ref_end_.assign(s.size, 0);
    const auto& p = s.params;
    cell_.inv_c_m = 1.0 / p[c_m];
    cell_.g_l = p[g_l];
    cell_.e_l = p[e_l];
    cell_.v_th_rest = p[v_th_rest];
    cell_.v_th_max = p[v_th_max];
    cell_.inv_tau_v_th = 1.0 / p[tau_v_th];
    cell_.delta_t = p[delta_t];
    cell_.inv_delta_t = p[delta_t] > 0 ? 1.0 / p[delta_t] : 0.0;
    cell_.v_peak = p[v_peak];
    cell_.v_reset = p[v_reset];
    cell_.a = p[a];
    cell_.b = p[b];
    cell_.inv_tau_w = 1.0 / p[tau_w];
    cell_.i_sp = p[i_sp];
    cell_.inv_tau_z = 1.0 / p[tau_z];
    cell_.v_clamp = p[v_clamp];
    cell_.inv_tau_up = 1.0 / p[tau_u_bar_plus];
    cell_.inv_tau_um = 1.0 / p[tau_u_bar_minus];
    cell_.inv_tau_uu = 1.0 / p[tau_u_bar_bar];
    i_e_ = p[i_e];
    clamp_steps_ = std::max<int64_t>(1, std::llround(p[t_clamp] / s.dt));
    ref_steps_ = std::llround(p[t_ref] / s.dt);
    delay_steps_ = std::llround(p[delay_u_bars] / s.dt);
    ring_plus_.assign(static_cast<size_t>(delay_steps_) * s.size, 0.0);
    ring_minus_.assign(ring_plus_.size(), 0.0);
    primed_.assign(s.size, 0);
  }

  void update(const StepInput& in, uint32_t begin, uint32_t end,
              std::vector<uint32_t>& spiked) override {
    const double h = dt_;
    const int64_t s = in.step;
    const size_t slot = delay_steps_ > 0 ? static_cast<size_t>(s % delay_steps_) : 0;
    for (uint32_t k = begin; k < end; ++k) {
      const double add = in.syn[0][k] + in.syn[1][k];
      in.syn[0][k] = 0;
      in.syn[1][k] = 0;
      if (!std::isfinite(y_[V][k])) continue;  // failed earlier: left for the engine to report
      // the delayed filters look back to before the run: the initial values (set after
      // construction, so taken at the first step)
      if (!primed_[k]) {
        primed_[k] = 1;
        for (int64_t j = 0; j < delay_steps_; ++j) {
          ring_plus_[static_cast<size_t>(j) * size() + k] = y_[UP][k];
          ring_minus_[static_cast<size_t>(j) * size() + k] = y_[UM][k];
        }
      }
      Cell cell = cell_;
      cell.i = i_e_ + (in.i_stim ? in.i_stim[k] : 0.0);
      cell.clamped = s < clamp_end_[k];
      cell.refractory = !cell.clamped && s < ref_end_[k];
      const bool held = cell.clamped || cell.refractory;
      ode::State<kOde> y;
      for (size_t j = 0; j < kOde; ++j) y[j] = y_[j][k];
      const auto r = ode::advance_adaptive(cell, y, h, h_try_[k]);
      bool fired = r.spikes > 0;
      if (held && s + 1 == clamp_end_[k]) {
        // the clamp ends with this step: V to v_reset, then the refractory period
        y[V] = cell_.v_reset;
        ref_end_[k] = s + 1 + ref_steps_;
      }
      // input during the clamp or the refractory period is discarded (as NEST)
      if (!held && !fired) {
        y[V] += add;
        if (cell.distance(y) >= 0) {  // a jump past the cutoff fires at once
          cell.reset(y);
          fired = true;
        }
      }
      if (fired) clamp_end_[k] = s + 1 + clamp_steps_;
      if (r.failed || !(y[V] > -1e6) || !ode::all_finite(y)) y[V] = HUGE_VAL;
      for (size_t j = 0; j < kOde; ++j) y_[j][k] = y[j];
      // u_bar_plus/minus at the end of this step enter the ring; out comes the value written
      // delay_steps_ steps ago
      if (delay_steps_ > 0) {
        double& rp = ring_plus_[slot * size() + k];
        double& rm = ring_minus_[slot * size() + k];
        y_[kOde][k] = rp;
        y_[kOde + 1][k] = rm;
        rp = y[UP];
        rm = y[UM];
      } else {
        y_[kOde][k] = y[UP];
        y_[kOde + 1][k] = y[UM];
      }
      if (fired) spiked.push_back(k);
    }
  }

  std::span<double> state(size_t index) override { return y_[index]; }

 private:
  std::array<std::vector<double>, kOde + 2> y_;  // the ODE state, then the delayed filters
  std::vector<double> h_try_;                    // adaptive step size per neuron
  std::vector<int64_t> clamp_end_;               // first step after the clamp
  std::vector<int64_t> ref_end_;                 // first step after the refractory period
  std::vector<double> ring_plus_, ring_minus_;   // [slot][neuron]: u_bar_plus/minus history
  std::vector<char> primed_;
  Cell cell_{};
  double i_e_, dt_;
  int64_t clamp_steps_, ref_steps_, delay_steps_;
};

std::unique_ptr<NeuronGroup> create(const GroupSetup& s) {
  return std::make_unique<Group>(s);
}

}  // namespace

extern const ModelInfo kAdexPscDeltaClopath{
    .name = "adex_psc_delta_clopath",
    .kind = ModelKind::neuron,
    .summary =
        "AdEx with delta synapses, adaptive threshold, spike after-depolarisation and "
        "the filtered voltages of the Clopath 2010 rule",
    .doc =
        "C_m dV/dt = -g_L(V-E_L) + g_L Delta_T exp((V-V_T)/Delta_T) - w + z + I_e, "
        "tau_w dw/dt = a(V-E_L) - w, tau_z dz/dt = -z, tau_VT dV_T/dt = V_T,rest - V_T; "
        "at V >= V_peak: V held at V_clamp for t_clamp, then V_reset; w <- w + b, "
        "z <- I_sp, V_T <- V_T,max; filters u_bar_plus, u_bar_minus of V and u_bar_bar of "
        "u_bar_minus, the first two also delayed by delay_u_bars (Clopath et al. 2010; as "
        "NEST aeif_psc_delta_clopath). Delta inputs (mV). Target of the \"clopath\" "
        "plasticity rule. Integrator: rk45 (adaptive Dormand-Prince); spikes on the grid.",
    .params = kParams,
    .state = kState,
    .receptors = kReceptors,
    .accepts_current = true,
    .integrators = kIntegrators,
    .check = check,
    .create = create,
};

}  // namespace engram
