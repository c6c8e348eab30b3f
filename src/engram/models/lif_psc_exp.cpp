// Leaky integrate-and-fire neuron with exponentially decaying post-synaptic currents,
// integrated exactly (Rotter & Diesmann 1999), as NEST's iaf_psc_exp.
//
//   C_m dV/dt = -(C_m/tau_m)(V - E_L) + I_ex + I_in + I_e + I_stim
//   dI_ex/dt = -I_ex/tau_syn_ex,  dI_in/dt = -I_in/tau_syn_in
//   a spike of weight w (pA) onto port exc|inh adds w to I_ex|I_in.
// When V >= V_th: spike, V <- V_reset, V clamped for t_ref.
#include <array>
#include <cmath>

#include "engram/models/model.hpp"
#include "engram/models/propagators.hpp"

namespace engram {
namespace {

enum P { c_m, tau_m, e_l, v_thresh, v_reset, t_ref, tau_syn_ex, tau_syn_in, i_e };
constexpr ParamSpec kParams[] = {
    {"c_m", Dim::capacitance, 250.0, 0, kInf, true, false, "membrane capacitance"},
    {"tau_m", Dim::time, 10.0, 0, kInf, true, false, "membrane time constant"},
    {"e_l", Dim::voltage, -70.0, -kInf, kInf, false, false, "resting (leak reversal) potential"},
    {"v_thresh", Dim::voltage, -55.0, -kInf, kInf, false, false, "spike threshold"},
    {"v_reset", Dim::voltage, -70.0, -kInf, kInf, false, false, "reset potential after a spike"},
    {"t_ref", Dim::time, 2.0, 0, kInf, false, false, "absolute refractory period"},
    {"tau_syn_ex", Dim::time, 2.0, 0, kInf, true, false, "decay time of excitatory currents"},
    {"tau_syn_in", Dim::time, 2.0, 0, kInf, true, false, "decay time of inhibitory currents"},
    {"i_e", Dim::current, 0.0, -kInf, kInf, false, false, "constant external current"},
};
enum S { v, i_syn_ex, i_syn_in };
constexpr StateSpec kState[] = {
    {"v", Dim::voltage, "membrane potential", "e_l"},
    {"i_syn_ex", Dim::current, "excitatory synaptic current"},
    {"i_syn_in", Dim::current, "inhibitory synaptic current"},
};
constexpr ReceptorSpec kReceptors[] = {
    {"exc", Dim::current, "excitatory current, decays with tau_syn_ex"},
    {"inh", Dim::current, "inhibitory current (negative weights), decays with tau_syn_in"},
};
constexpr std::string_view kIntegrators[] = {"exact"};

ParamProblem check(std::span<const double> p, double dt) {
  if (p[v_reset] >= p[v_thresh]) return {"v_reset", "must be below v_thresh"};
  if (p[t_ref] > 0 && p[t_ref] < dt) return {"t_ref", "must be 0 or at least one time step"};
  return {};
}

class LifPscExp final : public NeuronGroup {
 public:
  explicit LifPscExp(const GroupSetup& s)
      : NeuronGroup(s.size), v_(s.size), iex_(s.size), iin_(s.size), ref_(s.size, 0) {
    const auto& p = s.params;
    const double h = s.dt;
    e_l_ = p[e_l];
    v_th_ = p[v_thresh] - e_l_;
    v_reset_ = p[v_reset] - e_l_;
    i_e_ = p[i_e];
    ref_steps_ = static_cast<int>(std::lround(p[t_ref] / h));
    p22_ = std::exp(-h / p[tau_m]);
    p11ex_ = std::exp(-h / p[tau_syn_ex]);
    p11in_ = std::exp(-h / p[tau_syn_in]);
    p21ex_ = propagators::exp_current_to_v(p[tau_syn_ex], p[tau_m], p[c_m], h);
    p21in_ = propagators::exp_current_to_v(p[tau_syn_in], p[tau_m], p[c_m], h);
    p20_ = propagators::dc_to_v(p[tau_m], p[c_m], h);
  }

  void update(const StepInput& in, uint32_t begin, uint32_t end,
              std::vector<uint32_t>& spiked) override {
    double* in_ex = in.syn[0];
    double* in_in = in.syn[1];
    for (uint32_t i = begin; i < end; ++i) {
      // v_ is relative to E_L inside the kernel
      double vi = v_[i] - e_l_;
      if (ref_[i] == 0) {
        const double i_ext = i_e_ + (in.i_stim ? in.i_stim[i] : 0.0);
        vi = p22_ * vi + p21ex_ * iex_[i] + p21in_ * iin_[i] + p20_ * i_ext;
      } else {
        --ref_[i];
      }
      iex_[i] = p11ex_ * iex_[i] + in_ex[i];
      iin_[i] = p11in_ * iin_[i] + in_in[i];
      in_ex[i] = 0.0;
      in_in[i] = 0.0;
      if (vi >= v_th_) {
        vi = v_reset_;
        ref_[i] = ref_steps_;
        spiked.push_back(i);
      }
      v_[i] = vi + e_l_;
    }
  }

  std::span<double> state(size_t index) override {
    switch (index) {
      case v: return v_;
      case i_syn_ex: return iex_;
      default: return iin_;
    }
  }

 private:
  std::vector<double> v_, iex_, iin_;
  std::vector<int> ref_;
  double e_l_, v_th_, v_reset_, i_e_;
  int ref_steps_;
  double p22_, p11ex_, p11in_, p21ex_, p21in_, p20_;
};

}  // namespace

extern const ModelInfo kLifPscExp{
    .name = "lif_psc_exp",
    .kind = ModelKind::neuron,
    .summary = "leaky integrate-and-fire, exponential current synapses, exact integration",
    .doc = "C_m dV/dt = -(C_m/tau_m)(V-E_L) + I_ex + I_in + I_e; exponential PSCs; exact "
           "propagators (Rotter & Diesmann 1999); as NEST iaf_psc_exp.",
    .params = kParams,
    .state = kState,
    .receptors = kReceptors,
    .accepts_current = true,
    .integrators = kIntegrators,
    .check = check,
    .create = [](const GroupSetup& s) -> std::unique_ptr<NeuronGroup> {
      return std::make_unique<LifPscExp>(s);
    },
};

}  // namespace engram
