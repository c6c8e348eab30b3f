// Conductance-based leaky integrate-and-fire neuron with exponentially decaying synaptic
// conductances and reversal potentials, as NEST's iaf_cond_exp and the neuron of the
// Vogels & Abbott (2005) / Brette et al. (2007) COBA benchmark.
//
//   C_m dV/dt = -g_L (V - E_L) - g_ex (V - E_ex) - g_in (V - E_in) + I_e + I_stim
//   dg_ex/dt = -g_ex/tau_syn_ex,  dg_in/dt = -g_in/tau_syn_in;  a spike adds w (nS).
//
// Integrator ("exponential", the default): the conductances are integrated exactly. Over a
// step V obeys dV/dt = -a(t) V + b(t), linear in V with time-varying coefficients. We
// replace each conductance by its exact mean over the step, g0 tau/h (1 - e^{-h/tau}),
// and solve the resulting constant-coefficient equation exactly. The homogeneous part is
// then exact (the propagator is exp(-∫a dt) with the exact integral) and the only error is
// in the driving term, O(h^3) per step: a second-order method that, unlike forward or
// exponential Euler with start-of-step conductances, stays unconditionally stable for any
// conductance. tests/models/lif_cond_exp_test.cpp measures the error against a fine RK4
// reference and checks the second-order convergence.
#include <cmath>

#include "engram/core/fast_math.hpp"
#include "engram/models/lif_common.hpp"
#include "engram/models/model.hpp"

namespace engram {
namespace {

enum P { c_m, g_l, e_l, v_thresh, v_reset, t_ref, e_ex, e_in, tau_syn_ex, tau_syn_in, i_e };
constexpr ParamSpec kParams[] = {
    lif::kCm,
    {"g_l", Dim::conductance, 16.6667, 0, kInf, true, false, "leak conductance"},
    {"e_l", Dim::voltage, -70.0, -kInf, kInf, false, false, "leak reversal potential"},
    lif::kVThresh,
    {"v_reset", Dim::voltage, -60.0, -kInf, kInf, false, false, "reset potential after a spike"},
    lif::kTRef,
    {"e_ex", Dim::voltage, 0.0, -kInf, kInf, false, false, "excitatory reversal potential"},
    {"e_in", Dim::voltage, -85.0, -kInf, kInf, false, false, "inhibitory reversal potential"},
    {"tau_syn_ex", Dim::time, 0.2, 0, kInf, true, false, "decay time of excitatory conductance"},
    {"tau_syn_in", Dim::time, 2.0, 0, kInf, true, false, "decay time of inhibitory conductance"},
    lif::kIE,
};
enum S { v, g_ex, g_in };
constexpr StateSpec kState[] = {
    lif::kV,
    {"g_ex", Dim::conductance, "excitatory synaptic conductance"},
    {"g_in", Dim::conductance, "inhibitory synaptic conductance"},
};
constexpr ReceptorSpec kReceptors[] = {
    {"exc", Dim::conductance, "excitatory conductance (reversal e_ex), decays with tau_syn_ex",
     ReceptorSign::excitatory},
    {"inh", Dim::conductance, "inhibitory conductance (reversal e_in), decays with tau_syn_in",
     ReceptorSign::inhibitory},
};
constexpr std::string_view kIntegrators[] = {"exponential"};

ParamProblem check(std::span<const double> p, double dt) {
  return lif::check_reset_and_refractory(p, dt, v_thresh, v_reset, t_ref);
}

class LifCondExp final : public NeuronGroup {
 public:
  explicit LifCondExp(const GroupSetup& s)
      : NeuronGroup(s.size), v_(s.size), gex_(s.size), gin_(s.size), ref_(s.size, 0) {
    const auto& p = s.params;
    const double h = s.dt;
    c_m_ = p[c_m];
    g_l_ = p[g_l];
    e_l_ = p[e_l];
    v_th_ = p[v_thresh];
    v_reset_ = p[v_reset];
    e_ex_ = p[e_ex];
    e_in_ = p[e_in];
    i_e_ = p[i_e];
    h_ = h;
    ref_steps_ = static_cast<int32_t>(std::lround(p[t_ref] / h));
    decay_ex_ = std::exp(-h / p[tau_syn_ex]);
    decay_in_ = std::exp(-h / p[tau_syn_in]);
    // mean of g over the step = g0 * mean_ex_
    mean_ex_ = -p[tau_syn_ex] / h * std::expm1(-h / p[tau_syn_ex]);
    mean_in_ = -p[tau_syn_in] / h * std::expm1(-h / p[tau_syn_in]);
  }

  void update(const StepInput& in, uint32_t begin, uint32_t end,
              std::vector<uint32_t>& spiked) override {
    in.i_stim ? integrate<true>(in, begin, end) : integrate<false>(in, begin, end);
    lif::detect_spikes(v_.data(), ref_.data(), begin, end, v_th_, v_reset_,
                       in.step + ref_steps_ + 1, spiked);
  }

  template <bool kStim>
  void integrate(const StepInput& in, uint32_t begin, uint32_t end) {
    double* __restrict v = v_.data();
    double* __restrict gex = gex_.data();
    double* __restrict gin = gin_.data();
    const int64_t* __restrict ref = ref_.data();
    const int64_t step = in.step;
    SynInput* __restrict in_ex = in.syn[0];
    SynInput* __restrict in_in = in.syn[1];
    const double* __restrict stim = in.i_stim;
    const double k = -h_ / c_m_;
    const double g_l = g_l_, e_l = e_l_, e_ex = e_ex_, e_in = e_in_, i_e = i_e_;
    const double mean_ex = mean_ex_, mean_in = mean_in_, decay_ex = decay_ex_, decay_in = decay_in_;
    // the arrays never overlap; without this GCC gives up on the many alias checks
#pragma GCC ivdep
    for (uint32_t i = begin; i < end; ++i) {
      const double ge = gex[i] * mean_ex;
      const double gi = gin[i] * mean_in;
      const double i_ext = kStim ? i_e + stim[i] : i_e;
      const double g_tot = g_l + ge + gi;
      const double v_inf = (g_l * e_l + ge * e_ex + gi * e_in + i_ext) / g_tot;
      const double v_new = v_inf + (v[i] - v_inf) * exp_simd(k * g_tot);
      v[i] = lif::select(step >= ref[i], v_new, v[i]);
      gex[i] = decay_ex * gex[i] + in_ex[i];
      gin[i] = decay_in * gin[i] + in_in[i];
      in_ex[i] = 0.0;
      in_in[i] = 0.0;
    }
  }

  std::span<double> state(size_t index) override {
    switch (index) {
      case v:
        return v_;
      case g_ex:
        return gex_;
      default:
        return gin_;
    }
  }

 private:
  std::vector<double> v_, gex_, gin_;
  std::vector<int64_t> ref_;  // first step at which the neuron integrates again
  double c_m_, g_l_, e_l_, v_th_, v_reset_, e_ex_, e_in_, i_e_, h_;
  int32_t ref_steps_;
  double decay_ex_, decay_in_, mean_ex_, mean_in_;
};

}  // namespace

extern const ModelInfo kLifCondExp{
    .name = "lif_cond_exp",
    .kind = ModelKind::neuron,
    .summary =
        "leaky integrate-and-fire, exponential conductance synapses with reversal potentials",
    .doc =
        "C_m dV/dt = -g_L(V-E_L) - g_ex(V-E_ex) - g_in(V-E_in) + I_e; conductances exact, V "
        "by an exponential integrator with step-mean conductances (2nd order, "
        "unconditionally stable); as NEST iaf_cond_exp.",
    .params = kParams,
    .state = kState,
    .receptors = kReceptors,
    .accepts_current = true,
    .integrators = kIntegrators,
    .check = check,
    .create = create_group<LifCondExp>,
};

}  // namespace engram
