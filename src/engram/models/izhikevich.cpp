// Izhikevich (2003) simple spiking neuron, with delta synapses, as NEST's izhikevich.
//
//   dv/dt = q2 v^2 + q1 v + q0 - u + I        (v in mV, t in ms; q2, q1, q0 = 0.04, 5, 140)
//   du/dt = a (b (v - v_u) - u_decay u)        (v_u = 0, u_decay = 1: Izhikevich's equation)
//   I = I_e + I_stim;  if v >= v_peak: v <- c, u <- u + d
//   a spike of weight w (mV) onto port exc|inh makes v jump by w (negative for inh).
//
// Units. The model is written for v in mV and t in ms with the membrane capacitance scaled
// out; engram reads I (and u, d) in pA, which is exact for a capacitance of 1 pF
// (1 pA / 1 pF = 1 mV/ms). So "I = 10" in the papers is a 10 pA stimulus here, a current
// clamp or i_e of 10 pA, as with NEST's izhikevich, whose I_e (pA) is added to dv/dt
// directly. Synapses are delta jumps of v in mV, as in NEST's izhikevich and in the
// network of Izhikevich (2003), where a presynaptic spike adds its weight to I for one
// 1 ms step (= a jump of v by the weight in mV).
//
// Generalisations, so that the 2004 parameter sets that use other equations are presets
// and not special code: the coefficients of the quadratic (class 1 excitability and the
// integrator use 4.1 v + 108) and the u equation's offset v_u and decay u_decay
// (accommodation uses du/dt = a b (v + 65), i.e. v_u = -65 mV, u_decay = 0).
//
// Integrators:
//   rk45 (default)   Dormand-Prince 5(4), adaptive sub-steps per neuron (rtol = atol = 1e-6),
//                    the reset at the located threshold crossing (ode_integrators.hpp)
//   rk4              classical Runge-Kutta, one step per dt, crossing located the same way
//   euler            forward Euler from the start-of-step state, reset at the end of the
//                    step (NEST izhikevich with consistent_integration, Brian's 'euler')
//   izhikevich_2004  Izhikevich's published figure code (2004 figure1.m): v by one Euler
//                    step, then u by one Euler step using the new v; reset at step end
//   izhikevich_2003  the 2003 network code (net.m, also spnet.m): v by two Euler half steps
//                    of dt/2, then u by one step of dt with the new v; reset at step end
// The published Euler variants reproduce the published figures step for step (at the
// published dt); they are only first order, and at dt = 1 ms (net.m) spike times are off
// by up to a step. With rk4/rk45 the right-hand side is evaluated at min(v, v_peak): past
// the peak the true solution runs off to infinity in finite time, and only trial stages of
// a step that crosses the peak ever see it, so this keeps them finite without touching
// any trajectory below the peak.
//
// Spike times: rk45 and rk4 locate the crossing of v_peak inside the step (on the method's
// own one-step map, ode_integrators.hpp) and report it through spike_offsets(), so recorded
// spike times lie between grid points (tests/models/spike_offsets_test.cpp); the Euler
// schemes report none (grid times, as the published code).
//
// References: Izhikevich E.M. (2003) Simple model of spiking neurons. IEEE Trans Neural
// Netw 14:1569-1572. Izhikevich E.M. (2004) Which model to use for cortical spiking
// neurons? IEEE Trans Neural Netw 15:1063-1070 (figure1.m from izhikevich.org for the
// parameters, initial states and stimuli of the presets).
#include <algorithm>
#include <cmath>

#include "engram/models/model.hpp"
#include "engram/models/ode_integrators.hpp"
#include "engram/models/stability.hpp"

namespace engram {
namespace {

enum P { a, b, c, d, v_peak, q2, q1, q0, v_u, u_decay, i_e };
constexpr ParamSpec kParams[] = {
    {"a", Dim::none, 0.02, -kInf, kInf, false, false, "rate of the recovery variable u (1/ms)"},
    {"b", Dim::none, 0.2, -kInf, kInf, false, false,
     "sensitivity of u to v (pA/mV: u and I are in pA)"},
    {"c", Dim::voltage, -65.0, -kInf, kInf, false, false, "reset potential after a spike"},
    {"d", Dim::current, 8.0, -kInf, kInf, false, false, "increment of u at a spike"},
    {"v_peak", Dim::voltage, 30.0, -kInf, kInf, false, false,
     "spike cutoff: v >= v_peak is a spike and resets"},
    {"q2", Dim::none, 0.04, -kInf, kInf, false, false, "coefficient of v^2 in dv/dt (1/(mV ms))"},
    {"q1", Dim::none, 5.0, -kInf, kInf, false, false, "coefficient of v in dv/dt (1/ms)"},
    {"q0", Dim::none, 140.0, -kInf, kInf, false, false, "constant term of dv/dt (mV/ms)"},
    {"v_u", Dim::voltage, 0.0, -kInf, kInf, false, false,
     "offset of v in the u equation: du/dt = a (b (v - v_u) - u_decay u)"},
    {"u_decay", Dim::none, 1.0, -kInf, kInf, false, false,
     "weight of -u in the u equation (0 for the 2004 accommodation cell)"},
    {"i_e", Dim::current, 0.0, -kInf, kInf, false, false,
     "constant external current (pA = mV/ms: a 1 pF membrane)"},
};
enum S { v, u };
constexpr StateSpec kState[] = {
    {"v", Dim::voltage, "membrane potential", {}, -65.0},
    {"u",
     Dim::current,
     "recovery variable (initially -13 pA, b v for the default b and v)",
     {},
     -13.0},
};
constexpr ReceptorSpec kReceptors[] = {
    {"exc", Dim::voltage, "instantaneous jump of v (mV)", ReceptorSign::excitatory},
    {"inh", Dim::voltage, "instantaneous jump of v (mV; negative weights)",
     ReceptorSign::inhibitory},
};
constexpr std::string_view kIntegrators[] = {"rk45", "rk4", "euler", "izhikevich_2004",
                                             "izhikevich_2003"};

// Presets: Izhikevich (2003) Fig. 2 cell classes and the 20 parameter sets of Izhikevich
// (2004) Fig. 1, with the initial states (u = b v) and stimuli of the published code.
#define ENGRAM_IZH(A, B, C, D)    \
  {"a", A}, {"b", B}, {"c", C}, { \
    "d", D                        \
  }
#define ENGRAM_IZH_INIT(V, B) \
  {"v", V}, {                 \
    "u", (B) * (V)            \
  }
constexpr NamedValue kRS[] = {ENGRAM_IZH(0.02, 0.2, -65, 8)},
                     kRSInit[] = {ENGRAM_IZH_INIT(-63, 0.2)};
constexpr NamedValue kIB[] = {ENGRAM_IZH(0.02, 0.2, -55, 4)},
                     kIBInit[] = {ENGRAM_IZH_INIT(-70, 0.2)};
constexpr NamedValue kCH[] = {ENGRAM_IZH(0.02, 0.2, -50, 2)},
                     kCHInit[] = {ENGRAM_IZH_INIT(-70, 0.2)};
constexpr NamedValue kFS[] = {ENGRAM_IZH(0.1, 0.2, -65, 2)},
                     kFSInit[] = {ENGRAM_IZH_INIT(-70, 0.2)};
constexpr NamedValue kLTS[] = {ENGRAM_IZH(0.02, 0.25, -65, 2)},
                     kLTSInit[] = {ENGRAM_IZH_INIT(-63, 0.25)};
constexpr NamedValue kTC[] = {ENGRAM_IZH(0.02, 0.25, -65, 0.05)},
                     kTCInit[] = {ENGRAM_IZH_INIT(-63, 0.25)};
constexpr NamedValue kRZ[] = {ENGRAM_IZH(0.1, 0.26, -65, 2)},
                     kRZInit[] = {ENGRAM_IZH_INIT(-70, 0.26)};
constexpr NamedValue kTonicS[] = {ENGRAM_IZH(0.02, 0.2, -65, 6)},
                     kTonicSInit[] = {ENGRAM_IZH_INIT(-70, 0.2)};
constexpr NamedValue kPhasicS[] = {ENGRAM_IZH(0.02, 0.25, -65, 6)},
                     kPhasicSInit[] = {ENGRAM_IZH_INIT(-64, 0.25)};
constexpr NamedValue kTonicB[] = {ENGRAM_IZH(0.02, 0.2, -50, 2)},
                     kTonicBInit[] = {ENGRAM_IZH_INIT(-70, 0.2)};
constexpr NamedValue kPhasicB[] = {ENGRAM_IZH(0.02, 0.25, -55, 0.05)},
                     kPhasicBInit[] = {ENGRAM_IZH_INIT(-64, 0.25)};
constexpr NamedValue kMixed[] = {ENGRAM_IZH(0.02, 0.2, -55, 4)},
                     kMixedInit[] = {ENGRAM_IZH_INIT(-70, 0.2)};
constexpr NamedValue kSFA[] = {ENGRAM_IZH(0.01, 0.2, -65, 8)},
                     kSFAInit[] = {ENGRAM_IZH_INIT(-70, 0.2)};
constexpr NamedValue kClass1[] = {ENGRAM_IZH(0.02, -0.1, -55, 6), {"q1", 4.1}, {"q0", 108}},
                     kClass1Init[] = {ENGRAM_IZH_INIT(-60, -0.1)};
constexpr NamedValue kClass2[] = {ENGRAM_IZH(0.2, 0.26, -65, 0)},
                     kClass2Init[] = {ENGRAM_IZH_INIT(-64, 0.26)};
constexpr NamedValue kLatency[] = {ENGRAM_IZH(0.02, 0.2, -65, 6)},
                     kLatencyInit[] = {ENGRAM_IZH_INIT(-70, 0.2)};
constexpr NamedValue kOsc[] = {ENGRAM_IZH(0.05, 0.26, -60, 0)},
                     kOscInit[] = {ENGRAM_IZH_INIT(-62, 0.26)};
constexpr NamedValue kRes[] = {ENGRAM_IZH(0.1, 0.26, -60, -1)},
                     kResInit[] = {ENGRAM_IZH_INIT(-62, 0.26)};
constexpr NamedValue kInteg[] = {ENGRAM_IZH(0.02, -0.1, -55, 6), {"q1", 4.1}, {"q0", 108}},
                     kIntegInit[] = {ENGRAM_IZH_INIT(-60, -0.1)};
constexpr NamedValue kRebS[] = {ENGRAM_IZH(0.03, 0.25, -60, 4)},
                     kRebSInit[] = {ENGRAM_IZH_INIT(-64, 0.25)};
constexpr NamedValue kRebB[] = {ENGRAM_IZH(0.03, 0.25, -52, 0)},
                     kRebBInit[] = {ENGRAM_IZH_INIT(-64, 0.25)};
constexpr NamedValue kThrVar[] = {ENGRAM_IZH(0.03, 0.25, -60, 4)},
                     kThrVarInit[] = {ENGRAM_IZH_INIT(-64, 0.25)};
constexpr NamedValue kBistab[] = {ENGRAM_IZH(0.1, 0.26, -60, 0)},
                     kBistabInit[] = {ENGRAM_IZH_INIT(-61, 0.26)};
constexpr NamedValue kDAP[] = {ENGRAM_IZH(1, 0.2, -60, -21)},
                     kDAPInit[] = {ENGRAM_IZH_INIT(-70, 0.2)};
constexpr NamedValue kAccom[] = {ENGRAM_IZH(0.02, 1, -55, 4), {"v_u", -65}, {"u_decay", 0}},
                     kAccomInit[] = {{"v", -65}, {"u", -16}};
constexpr NamedValue kIIS[] = {ENGRAM_IZH(-0.02, -1, -60, 8)},
                     kIISInit[] = {ENGRAM_IZH_INIT(-63.8, -1)};
constexpr NamedValue kIIB[] = {ENGRAM_IZH(-0.026, -1, -45, -2)},
                     kIIBInit[] = {ENGRAM_IZH_INIT(-63.8, -1)};
#undef ENGRAM_IZH
#undef ENGRAM_IZH_INIT

constexpr std::string_view k2003 = "Izhikevich 2003, Fig. 2";
constexpr Preset kPresets[] = {
    {"regular_spiking", "RS excitatory cortical cell: tonic spiking with adaptation", k2003, kRS,
     kRSInit, "14 pA step from 15 ms"},
    {"intrinsically_bursting", "IB excitatory cell: an initial burst, then single spikes", k2003,
     kIB, kIBInit, "11 pA step from 15 ms"},
    {"chattering", "CH excitatory cell: fast rhythmic bursts", k2003, kCH, kCHInit,
     "10 pA step from 15 ms"},
    {"fast_spiking", "FS inhibitory interneuron: fast spiking without adaptation", k2003, kFS,
     kFSInit, "10 pA step from 15 ms"},
    {"low_threshold_spiking", "LTS inhibitory interneuron: adapting, low threshold", k2003, kLTS,
     kLTSInit, "10 pA step from 25 ms"},
    {"thalamo_cortical", "TC thalamic cell: tonic when depolarised, rebound burst after -25 pA",
     k2003, kTC, kTCInit,
     "1.5 pA step from 30 ms (tonic); or from v = -87 mV, -25 pA until 45 ms (burst)"},
    {"resonator", "RZ cortical interneuron: damped subthreshold oscillations", k2003, kRZ, kRZInit,
     "-2 pA, -0.5 pA from 10 ms, 10 pA from 60 to 65 ms"},
    {"tonic_spiking", "tonic spiking", "Izhikevich 2004, Fig. 1A", kTonicS, kTonicSInit,
     "14 pA step from 10 ms"},
    {"phasic_spiking", "a single spike at the onset of a step", "Izhikevich 2004, Fig. 1B",
     kPhasicS, kPhasicSInit, "0.5 pA step from 20 ms"},
    {"tonic_bursting", "periodic bursts", "Izhikevich 2004, Fig. 1C", kTonicB, kTonicBInit,
     "15 pA step from 22 ms"},
    {"phasic_bursting", "a single burst at the onset of a step", "Izhikevich 2004, Fig. 1D",
     kPhasicB, kPhasicBInit, "0.6 pA step from 20 ms"},
    {"mixed_mode", "an initial burst, then tonic spikes", "Izhikevich 2004, Fig. 1E", kMixed,
     kMixedInit, "10 pA step from 16 ms"},
    {"spike_frequency_adaptation", "tonic spiking with strongly lengthening intervals",
     "Izhikevich 2004, Fig. 1F", kSFA, kSFAInit, "30 pA step from 8.5 ms"},
    {"class_1", "class 1 excitable: fires at arbitrarily low rates on a slow ramp",
     "Izhikevich 2004, Fig. 1G", kClass1, kClass1Init, "ramp of 0.075 pA/ms from 30 ms"},
    {"class_2", "class 2 excitable: starts firing at a non-zero rate", "Izhikevich 2004, Fig. 1H",
     kClass2, kClass2Init, "-0.5 pA, then a ramp of 0.015 pA/ms from 30 ms"},
    {"spike_latency", "a spike long after a brief threshold pulse", "Izhikevich 2004, Fig. 1I",
     kLatency, kLatencyInit, "7.04 pA from 10 to 13 ms"},
    {"subthreshold_oscillations", "damped oscillations after a brief pulse",
     "Izhikevich 2004, Fig. 1J", kOsc, kOscInit, "2 pA from 20 to 25 ms"},
    {"resonator_2004", "fires to a pair of pulses at its resonant interval, not at others",
     "Izhikevich 2004, Fig. 1K", kRes, kResInit,
     "0.65 pA pulses of 4 ms at 40, 60, 280 and 320 ms"},
    {"integrator", "fires to a pair of pulses close together, not far apart",
     "Izhikevich 2004, Fig. 1L", kInteg, kIntegInit,
     "9 pA pulses of 2 ms at 9.09, 14.09, 70 and 80 ms"},
    {"rebound_spike", "a spike after release from hyperpolarisation", "Izhikevich 2004, Fig. 1M",
     kRebS, kRebSInit, "-15 pA from 20 to 25 ms"},
    {"rebound_burst", "a burst after release from hyperpolarisation", "Izhikevich 2004, Fig. 1N",
     kRebB, kRebBInit, "-15 pA from 20 to 25 ms"},
    {"threshold_variability", "a pulse fires only after an inhibitory pulse",
     "Izhikevich 2004, Fig. 1O", kThrVar, kThrVarInit,
     "1 pA from 10 to 15 ms, -6 pA from 70 to 75 ms, 1 pA from 80 to 85 ms"},
    {"bistability",
     "a pulse switches tonic firing on, a later one off (the off pulse is timed for "
     "izhikevich_2004 at dt = 0.25 ms)",
     "Izhikevich 2004, Fig. 1P", kBistab, kBistabInit,
     "0.24 pA, with 1.24 pA from 37.5 to 42.5 ms and from 216 to 221 ms"},
    {"dap",
     "one spike and a depolarising after-potential (izhikevich_2004 at dt = 0.1 ms; the exact "
     "solution fires on)",
     "Izhikevich 2004, Fig. 1Q", kDAP, kDAPInit, "20 pA from 9 to 11 ms"},
    {"accommodation", "a slow ramp does not fire, a fast one does", "Izhikevich 2004, Fig. 1R",
     kAccom, kAccomInit,
     "ramp 0 to 8 pA over 0-200 ms; ramp 0 to 4 pA over 300-312.5 ms (du/dt = a b (v + 65))"},
    {"inhibition_induced_spiking", "tonic spiking while inhibited", "Izhikevich 2004, Fig. 1S",
     kIIS, kIISInit, "80 pA, 75 pA from 50 to 250 ms"},
    {"inhibition_induced_bursting",
     "bursting while inhibited (izhikevich_2004 at dt = 0.5 ms; the exact solution runs away at 80 "
     "pA)",
     "Izhikevich 2004, Fig. 1T", kIIB, kIIBInit, "80 pA, 75 pA from 50 to 250 ms"},
};

ParamProblem check(std::span<const double> p, double /*dt*/) {
  if (!(p[c] < p[v_peak])) return {"c", "must be below v_peak"};
  return {};
}

// ModelInfo::stable_dt: the largest dt for which the resting state stays stable under the
// method (stability.hpp). Rest: u* = b (v* - v_u) / u_decay and v* the lower root of
// q2 v^2 + (q1 - b/u_decay) v + q0 + b v_u/u_decay + i_e = 0; Jacobian [2 q2 v* + q1, -1;
// a b, -a u_decay]. The published schemes have their own one-step maps, linearised here:
// izhikevich_2004 v' = (1 + h j) v - h u, then u' = u + h a (b v' - u_decay u) (j = 2 q2 v* +
// q1); izhikevich_2003 the same with v by two half steps. No bound for rk45 (adaptive) or
// without a stable resting state (i_e above rheobase, u_decay = 0). For the default
// (regular spiking) parameters: 3.3 ms for euler and izhikevich_2004, 4.7 ms for rk4; the
// step that breaks the spike itself (v_peak overshoot) is not covered.
StepBound stable_dt(std::span<const double> p, std::string_view integrator) {
  if (integrator == "rk45" || p[u_decay] == 0 || !(p[q2] > 0)) return {};
  const double bb = p[q1] - p[b] / p[u_decay];
  const double cc = p[q0] + p[b] * p[v_u] / p[u_decay] + p[i_e];
  const double disc = bb * bb - 4 * p[q2] * cc;
  if (disc < 0) return {};
  const double vr = (-bb - std::sqrt(disc)) / (2 * p[q2]);
  const double j = 2 * p[q2] * vr + p[q1], ab = p[a] * p[b], aud = p[a] * p[u_decay];
  const stability::Mat2 jac{j, -1.0, ab, -aud};
  const std::string_view m = integrator;
  const double h = stability::max_stable_step([&](double hh) -> stability::Mat2 {
    if (m == "rk4") return stability::rk4_map(jac, hh);
    if (m == "euler") return stability::euler_map(jac, hh);
    // v' = g v - k u; u' = h ab v' + (1 - h aud) u
    double g = 1 + hh * j, k = hh;
    if (m == "izhikevich_2003") {
      const double g2 = 1 + 0.5 * hh * j;
      g = g2 * g2;
      k = 0.5 * hh * (1 + g2);
    }
    return {g, -k, hh * ab * g, 1 - hh * aud - hh * ab * k};
  });
  if (!(h > 0)) return {};
  return {stability::round_down(h), true};
}

enum class Method { rk45, rk4, euler, izhikevich_2004, izhikevich_2003 };

// One neuron over one step, for the generic steppers.
struct Cell {
  static constexpr size_t n = 2;
  double a, b, c, d, v_peak, q2, q1, q0, v_u, u_decay, i;
  void rhs(const ode::State<2>& y, ode::State<2>& dy) const {
    const double vv = std::min(y[0], v_peak);
    dy[0] = (q2 * vv + q1) * vv + q0 - y[1] + i;
    dy[1] = a * (b * (vv - v_u) - u_decay * y[1]);
  }
  double distance(const ode::State<2>& y) const { return y[0] - v_peak; }
  void reset(ode::State<2>& y) const {
    y[0] = c;
    y[1] += d;
  }
};

class Izhikevich final : public NeuronGroup {
 public:
  explicit Izhikevich(const GroupSetup& s)
      : NeuronGroup(s.size), v_(s.size), u_(s.size), h_try_(s.size, s.dt), dt_(s.dt) {
    const auto& p = s.params;
    cell_ = {p[a], p[b], p[c], p[d], p[v_peak], p[q2], p[q1], p[q0], p[v_u], p[u_decay], 0.0};
    i_e_ = p[i_e];
    const std::string_view m = s.integrator;
    method_ = m == "rk4"               ? Method::rk4
              : m == "euler"           ? Method::euler
              : m == "izhikevich_2004" ? Method::izhikevich_2004
              : m == "izhikevich_2003" ? Method::izhikevich_2003
                                       : Method::rk45;
    if (method_ == Method::rk45 || method_ == Method::rk4) offsets_.assign(s.size, 0.0);
  }

  void update(const StepInput& in, uint32_t begin, uint32_t end,
              std::vector<uint32_t>& spiked) override {
    SynInput* in_ex = in.syn[0];
    SynInput* in_in = in.syn[1];
    const double h = dt_;
    for (uint32_t k = begin; k < end; ++k) {
      Cell cell = cell_;
      cell.i = i_e_ + (in.i_stim ? in.i_stim[k] : 0.0);
      const double jump = double{in_ex[k]} + double{in_in[k]};
      in_ex[k] = 0;
      in_in[k] = 0;
      if (!std::isfinite(v_[k])) continue;  // failed earlier: left for the engine to report
      ode::State<2> y{v_[k], u_[k]};
      bool fired = false, failed = false;
      // time of the first spike after the step's start: the step's end unless a crossing
      // was located inside it (a synaptic jump or an Euler scheme reaches v_peak at the end)
      double first = h;
      switch (method_) {
        case Method::rk45: {
          const auto r = ode::advance_adaptive(cell, y, h, h_try_[k]);
          fired = r.spikes > 0;
          failed = r.failed;
          if (r.first_spike > 0) first = r.first_spike;
          break;
        }
        case Method::rk4: {
          const auto r = ode::advance_fixed(
              cell, y, h,
              [](const Cell& s, const auto& y0, double hh) { return ode::rk4_step(s, y0, hh); });
          fired = r.spikes > 0;
          failed = r.failed;
          if (r.first_spike > 0) first = r.first_spike;
          break;
        }
        default:
          euler_like(cell, y, h);
          break;
      }
      y[0] += jump;
      // the Euler variants (and a synaptic jump) reach the cutoff at the end of the step
      if (y[0] >= cell.v_peak) {
        cell.reset(y);
        fired = true;
      }
      // a non-finite state, or v far below any physiological value (the next Euler step
      // would square it into a spike and hide the blow-up)
      if (failed || !(y[0] > -1e6) || !std::isfinite(y[1])) y[0] = HUGE_VAL;
      v_[k] = y[0];
      u_[k] = y[1];
      if (fired) {
        spiked.push_back(k);
        if (!offsets_.empty()) offsets_[k] = first;
      }
    }
  }

  // rk45 and rk4 locate the crossing inside the step; the Euler schemes keep grid times
  const double* spike_offsets() const override {
    return offsets_.empty() ? nullptr : offsets_.data();
  }

  std::span<double> state(size_t index) override { return index == v ? v_ : u_; }

 private:
  // The published first-order schemes; see the header comment. The expressions keep the
  // order of operations of Izhikevich's code (V + tau*(0.04*V^2+5*V+140-u+I), u +
  // tau*a*(b*V-u)), so that izhikevich_2004 reproduces figure1.m bit for bit.
  void euler_like(const Cell& s, ode::State<2>& y, double h) const {
    double vv = y[0], uu = y[1];
    auto dv = [&](double x) { return s.q2 * (x * x) + s.q1 * x + s.q0 - uu + s.i; };
    auto du = [&](double x) { return s.b * (x - s.v_u) - s.u_decay * uu; };
    switch (method_) {
      case Method::euler: {
        const double v0 = vv;
        vv = vv + h * dv(v0);
        uu = uu + h * s.a * du(v0);
        break;
      }
      case Method::izhikevich_2004:
        vv = vv + h * dv(vv);
        uu = uu + h * s.a * du(vv);
        break;
      default:  // izhikevich_2003
        vv = vv + 0.5 * h * dv(vv);
        vv = vv + 0.5 * h * dv(vv);
        uu = uu + h * s.a * du(vv);
        break;
    }
    y = {vv, uu};
  }

  std::vector<double> v_, u_, h_try_;  // h_try_: each neuron's adaptive step size (rk45)
  std::vector<double> offsets_;        // rk45, rk4: first spike of the step, after its start
  Cell cell_;
  double i_e_, dt_;
  Method method_;
};

}  // namespace

extern const ModelInfo kIzhikevich{
    .name = "izhikevich",
    .kind = ModelKind::neuron,
    .summary = "Izhikevich (2003) simple model: quadratic v, recovery u, reset; delta synapses",
    .doc =
        "dv/dt = q2 v^2 + q1 v + q0 - u + I, du/dt = a (b (v - v_u) - u_decay u); at v >= v_peak: "
        "v <- c, u <- u + d (Izhikevich 2003; 2004). I, u and d in pA with the capacitance "
        "scaled to 1 pF, as NEST's izhikevich (I = 10 in the papers is 10 pA). Synapses: jumps "
        "of v in mV. Integrators: rk45 (adaptive Dormand-Prince, reset at the located "
        "crossing), rk4, euler, and the published schemes izhikevich_2004 (figure1.m) and "
        "izhikevich_2003 (net.m, two half steps of v).",
    .params = kParams,
    .state = kState,
    .receptors = kReceptors,
    .accepts_current = true,
    .integrators = kIntegrators,
    .check = check,
    .create = create_group<Izhikevich>,
    .presets = kPresets,
    .stable_dt = stable_dt,
};

}  // namespace engram
