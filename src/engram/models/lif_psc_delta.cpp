// Leaky integrate-and-fire neuron with delta synapses: each spike makes the membrane
// potential jump by its weight (mV). Exact integration; as NEST's iaf_psc_delta and the
// neuron of Brunel (2000). Input that arrives during the refractory period is discarded.
//
//   tau_m dV/dt = -(V - E_L) + R (I_e + I_stim),  R = tau_m / C_m
//   V <- V + w at each input spike.  When V >= V_th: spike, V <- V_reset for t_ref.
#include <cmath>

#include "engram/models/model.hpp"
#include "engram/models/propagators.hpp"

namespace engram {
namespace {

enum P { c_m, tau_m, e_l, v_thresh, v_reset, t_ref, i_e };
constexpr ParamSpec kParams[] = {
    {"c_m", Dim::capacitance, 250.0, 0, kInf, true, false, "membrane capacitance"},
    {"tau_m", Dim::time, 10.0, 0, kInf, true, false, "membrane time constant"},
    {"e_l", Dim::voltage, -70.0, -kInf, kInf, false, false, "resting (leak reversal) potential"},
    {"v_thresh", Dim::voltage, -55.0, -kInf, kInf, false, false, "spike threshold"},
    {"v_reset", Dim::voltage, -70.0, -kInf, kInf, false, false, "reset potential after a spike"},
    {"t_ref", Dim::time, 2.0, 0, kInf, false, false, "absolute refractory period"},
    {"i_e", Dim::current, 0.0, -kInf, kInf, false, false, "constant external current"},
};
constexpr StateSpec kState[] = {
    {"v", Dim::voltage, "membrane potential", "e_l"},
};
constexpr ReceptorSpec kReceptors[] = {
    {"exc", Dim::voltage, "instantaneous depolarising jump of V"},
    {"inh", Dim::voltage, "instantaneous hyperpolarising jump of V (negative weights)"},
};
constexpr std::string_view kIntegrators[] = {"exact"};

ParamProblem check(std::span<const double> p, double dt) {
  if (p[v_reset] >= p[v_thresh]) return {"v_reset", "must be below v_thresh"};
  if (p[t_ref] > 0 && p[t_ref] < dt) return {"t_ref", "must be 0 or at least one time step"};
  return {};
}

class LifPscDelta final : public NeuronGroup {
 public:
  explicit LifPscDelta(const GroupSetup& s) : NeuronGroup(s.size), v_(s.size), ref_(s.size, 0) {
    const auto& p = s.params;
    e_l_ = p[e_l];
    v_th_ = p[v_thresh] - e_l_;
    v_reset_ = p[v_reset] - e_l_;
    i_e_ = p[i_e];
    ref_steps_ = static_cast<int>(std::lround(p[t_ref] / s.dt));
    p22_ = std::exp(-s.dt / p[tau_m]);
    p20_ = propagators::dc_to_v(p[tau_m], p[c_m], s.dt);
  }

  void update(const StepInput& in, uint32_t begin, uint32_t end,
              std::vector<uint32_t>& spiked) override {
    double* in_ex = in.syn[0];
    double* in_in = in.syn[1];
    for (uint32_t i = begin; i < end; ++i) {
      double vi = v_[i] - e_l_;
      const double jump = in_ex[i] + in_in[i];
      in_ex[i] = 0.0;
      in_in[i] = 0.0;
      if (ref_[i] == 0) {
        const double i_ext = i_e_ + (in.i_stim ? in.i_stim[i] : 0.0);
        vi = p22_ * vi + p20_ * i_ext + jump;
      } else {
        --ref_[i];
      }
      if (vi >= v_th_) {
        vi = v_reset_;
        ref_[i] = ref_steps_;
        spiked.push_back(i);
      }
      v_[i] = vi + e_l_;
    }
  }

  std::span<double> state(size_t) override { return v_; }

 private:
  std::vector<double> v_;
  std::vector<int> ref_;
  double e_l_, v_th_, v_reset_, i_e_;
  int ref_steps_;
  double p22_, p20_;
};

}  // namespace

extern const ModelInfo kLifPscDelta{
    .name = "lif_psc_delta",
    .kind = ModelKind::neuron,
    .summary = "leaky integrate-and-fire, delta synapses (voltage jumps), exact integration",
    .doc = "tau_m dV/dt = -(V-E_L) + R I; V += w per input spike; input during the "
           "refractory period is discarded; as NEST iaf_psc_delta and Brunel (2000).",
    .params = kParams,
    .state = kState,
    .receptors = kReceptors,
    .accepts_current = true,
    .integrators = kIntegrators,
    .check = check,
    .create = [](const GroupSetup& s) -> std::unique_ptr<NeuronGroup> {
      return std::make_unique<LifPscDelta>(s);
    },
};

}  // namespace engram
