// Leaky integrate-and-fire neuron with exponentially decaying post-synaptic currents,
// integrated exactly (Rotter & Diesmann 1999), as NEST's iaf_psc_exp.
//
//   C_m dV/dt = -(C_m/tau_m)(V - E_L) + I_ex + I_in + I_e + I_stim
//   dI_ex/dt = -I_ex/tau_syn_ex,  dI_in/dt = -I_in/tau_syn_in
//   a spike of weight w (pA) onto port exc|inh adds w to I_ex|I_in.
// When V >= V_th: spike, V <- V_reset, V clamped for t_ref.
#include <array>
#include <cmath>

#include "engram/models/lif_common.hpp"
#include "engram/models/model.hpp"
#include "engram/models/propagators.hpp"

namespace engram {
namespace {

enum P { c_m, tau_m, e_l, v_thresh, v_reset, t_ref, tau_syn_ex, tau_syn_in, i_e };
constexpr ParamSpec kParams[] = {
    lif::kCm,
    lif::kTauM,
    lif::kEL,
    lif::kVThresh,
    lif::kVReset,
    lif::kTRef,
    {"tau_syn_ex", Dim::time, 2.0, 0, kInf, true, false, "decay time of excitatory currents"},
    {"tau_syn_in", Dim::time, 2.0, 0, kInf, true, false, "decay time of inhibitory currents"},
    lif::kIE,
};
enum S { v, i_syn_ex, i_syn_in };
constexpr StateSpec kState[] = {
    lif::kV,
    {"i_syn_ex", Dim::current, "excitatory synaptic current"},
    {"i_syn_in", Dim::current, "inhibitory synaptic current"},
};
constexpr ReceptorSpec kReceptors[] = {
    {"exc", Dim::current, "excitatory current, decays with tau_syn_ex", ReceptorSign::excitatory},
    {"inh", Dim::current, "inhibitory current (negative weights), decays with tau_syn_in",
     ReceptorSign::inhibitory},
};
constexpr std::string_view kIntegrators[] = {"exact"};

ParamProblem check(std::span<const double> p, double dt) {
  return lif::check_reset_and_refractory(p, dt, v_thresh, v_reset, t_ref);
}

class LifPscExp final : public NeuronGroup {
 public:
  explicit LifPscExp(const GroupSetup& s)
      : NeuronGroup(s.size), v_(s.size), iex_(s.size), iin_(s.size), ref_(s.size, 0) {
    const auto& p = s.params;
    const double h = s.dt;
    e_l_ = p[e_l];
    v_th_ = p[v_thresh];
    v_reset_ = p[v_reset];
    i_e_ = p[i_e];
    ref_steps_ = static_cast<int32_t>(std::lround(p[t_ref] / h));
    p22_ = std::exp(-h / p[tau_m]);
    p11ex_ = std::exp(-h / p[tau_syn_ex]);
    p11in_ = std::exp(-h / p[tau_syn_in]);
    p21ex_ = propagators::exp_current_to_v(p[tau_syn_ex], p[tau_m], p[c_m], h);
    p21in_ = propagators::exp_current_to_v(p[tau_syn_in], p[tau_m], p[c_m], h);
    p20_ = propagators::dc_to_v(p[tau_m], p[c_m], h);
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
    double* __restrict iex = iex_.data();
    double* __restrict iin = iin_.data();
    const int64_t* __restrict ref = ref_.data();
    const int64_t step = in.step;
    SynInput* __restrict in_ex = in.syn[0];
    SynInput* __restrict in_in = in.syn[1];
    const double* __restrict stim = in.i_stim;
    // locals, so the compiler need not reload members after each store (and vectorises)
    const double e_l = e_l_, i_e = i_e_, p22 = p22_, p21ex = p21ex_, p21in = p21in_, p20 = p20_,
                 p11ex = p11ex_, p11in = p11in_;
    // the arrays never overlap; without this GCC gives up on the many alias checks
#pragma GCC ivdep
    for (uint32_t i = begin; i < end; ++i) {
      const double i_ext = kStim ? i_e + stim[i] : i_e;
      const double v_new =
          (p22 * (v[i] - e_l) + p21ex * iex[i] + p21in * iin[i] + p20 * i_ext) + e_l;
      v[i] = lif::select(step >= ref[i], v_new, v[i]);
      iex[i] = p11ex * iex[i] + in_ex[i];
      iin[i] = p11in * iin[i] + in_in[i];
      in_ex[i] = 0.0;
      in_in[i] = 0.0;
    }
  }

  std::span<double> state(size_t index) override {
    switch (index) {
      case v:
        return v_;
      case i_syn_ex:
        return iex_;
      default:
        return iin_;
    }
  }

 private:
  std::vector<double> v_, iex_, iin_;
  std::vector<int64_t> ref_;  // first step at which the neuron integrates again
  double e_l_, v_th_, v_reset_, i_e_;
  int32_t ref_steps_;
  double p22_, p11ex_, p11in_, p21ex_, p21in_, p20_;
};

}  // namespace

extern const ModelInfo kLifPscExp{
    .name = "lif_psc_exp",
    .kind = ModelKind::neuron,
    .summary = "leaky integrate-and-fire, exponential current synapses, exact integration",
    .doc =
        "C_m dV/dt = -(C_m/tau_m)(V-E_L) + I_ex + I_in + I_e; exponential PSCs; exact "
        "propagators (Rotter & Diesmann 1999); as NEST iaf_psc_exp.",
    .params = kParams,
    .state = kState,
    .receptors = kReceptors,
    .accepts_current = true,
    .integrators = kIntegrators,
    .check = check,
    .create = create_group<LifPscExp>,
};

}  // namespace engram
