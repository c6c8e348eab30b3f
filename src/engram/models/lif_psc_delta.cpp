// Leaky integrate-and-fire neuron with delta synapses: each spike makes the membrane
// potential jump by its weight (mV). Exact integration; as NEST's iaf_psc_delta and the
// neuron of Brunel (2000). Input that arrives during the refractory period is discarded.
//
//   tau_m dV/dt = -(V - E_L) + R (I_e + I_stim),  R = tau_m / C_m
//   V <- V + w at each input spike.  When V >= V_th: spike, V <- V_reset for t_ref.
#include <cmath>

#include "engram/models/lif_common.hpp"
#include "engram/models/model.hpp"
#include "engram/models/propagators.hpp"

namespace engram {
namespace {

enum P { c_m, tau_m, e_l, v_thresh, v_reset, t_ref, i_e };
constexpr ParamSpec kParams[] = {
    lif::kCm, lif::kTauM, lif::kEL, lif::kVThresh, lif::kVReset, lif::kTRef, lif::kIE,
};
constexpr StateSpec kState[] = {
    lif::kV,
};
constexpr ReceptorSpec kReceptors[] = {
    {"exc", Dim::voltage, "instantaneous depolarising jump of V", ReceptorSign::excitatory},
    {"inh", Dim::voltage, "instantaneous hyperpolarising jump of V (negative weights)",
     ReceptorSign::inhibitory},
};
constexpr std::string_view kIntegrators[] = {"exact"};

ParamProblem check(std::span<const double> p, double dt) {
  return lif::check_reset_and_refractory(p, dt, v_thresh, v_reset, t_ref);
}

class LifPscDelta final : public NeuronGroup {
 public:
  explicit LifPscDelta(const GroupSetup& s) : NeuronGroup(s.size), v_(s.size), ref_(s.size, 0) {
    const auto& p = s.params;
    e_l_ = p[e_l];
    v_th_ = p[v_thresh];
    v_reset_ = p[v_reset];
    i_e_ = p[i_e];
    ref_steps_ = static_cast<int32_t>(std::lround(p[t_ref] / s.dt));
    p22_ = std::exp(-s.dt / p[tau_m]);
    p20_ = propagators::dc_to_v(p[tau_m], p[c_m], s.dt);
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
    const int64_t* __restrict ref = ref_.data();
    const int64_t step = in.step;
    SynInput* __restrict in_ex = in.syn[0];
    SynInput* __restrict in_in = in.syn[1];
    const double* __restrict stim = in.i_stim;
    const double e_l = e_l_, i_e = i_e_, p22 = p22_, p20 = p20_;
    // the arrays never overlap; without this GCC gives up on the many alias checks
#pragma GCC ivdep
    for (uint32_t i = begin; i < end; ++i) {
      const double i_ext = kStim ? i_e + stim[i] : i_e;
      const double jump = static_cast<double>(in_ex[i]) + static_cast<double>(in_in[i]);
      const double v_old = v[i];
      const double v_new = (p22 * (v_old - e_l) + p20 * i_ext + jump) + e_l;
      // input during the refractory period is discarded
      v[i] = lif::select(step >= ref[i], v_new, v_old);
      in_ex[i] = 0.0f;
      in_in[i] = 0.0f;
    }
  }

  std::span<double> state(size_t) override {
    return v_;
  }

 private:
  std::vector<double> v_;
  std::vector<int64_t> ref_;  // first step at which the neuron integrates again
  double e_l_, v_th_, v_reset_, i_e_;
  int32_t ref_steps_;
  double p22_, p20_;
};

}  // namespace

extern const ModelInfo kLifPscDelta{
    .name = "lif_psc_delta",
    .kind = ModelKind::neuron,
    .summary = "leaky integrate-and-fire, delta synapses (voltage jumps), exact integration",
    .doc =
        "tau_m dV/dt = -(V-E_L) + R I; V += w per input spike; input during the "
        "refractory period is discarded; as NEST iaf_psc_delta and Brunel (2000).",
    .params = kParams,
    .state = kState,
    .receptors = kReceptors,
    .accepts_current = true,
    .integrators = kIntegrators,
    .check = check,
    .create = create_group<LifPscDelta>,
};

}  // namespace engram
