// Leaky integrate-and-fire neuron with difference-of-exponentials ("beta") post-synaptic
// currents, integrated exactly. A spike of weight w (pA) produces the current
//   I(t) = w N (e^{-t/tau_decay} - e^{-t/tau_rise}),
// with N chosen so that the peak, at t_peak = tau_d tau_r/(tau_d - tau_r) ln(tau_d/tau_r),
// is w (receptor_bank.hpp); tau_rise = 0 gives lif_psc_exp's exponential.
//
//   C_m dV/dt = -(C_m/tau_m)(V - E_L) + I_ex + I_in + I_e + I_stim
//   each current I = x - y, dx/dt = -x/tau_decay, dy/dt = -y/tau_rise; a spike adds N w to
//   both x and y.
// Each of x and y is an exponentially decaying current, so V has the exact propagators of
// lif_psc_exp (Rotter & Diesmann 1999), one per exponential.
#include <cmath>

#include "engram/models/lif_common.hpp"
#include "engram/models/model.hpp"
#include "engram/models/propagators.hpp"
#include "engram/models/receptor_bank.hpp"

namespace engram {
namespace {

enum P {
  c_m,
  tau_m,
  e_l,
  v_thresh,
  v_reset,
  t_ref,
  tau_rise_ex,
  tau_decay_ex,
  tau_rise_in,
  tau_decay_in,
  i_e
};
constexpr ParamSpec kParams[] = {
    lif::kCm,
    lif::kTauM,
    lif::kEL,
    lif::kVThresh,
    lif::kVReset,
    lif::kTRef,
    {"tau_rise_ex", Dim::time, 0.2, 0, kInf, false, false,
     "rise time of excitatory PSCs (0: instantaneous)"},
    {"tau_decay_ex", Dim::time, 2.0, 0, kInf, true, false, "decay time of excitatory PSCs"},
    {"tau_rise_in", Dim::time, 0.2, 0, kInf, false, false,
     "rise time of inhibitory PSCs (0: instantaneous)"},
    {"tau_decay_in", Dim::time, 2.0, 0, kInf, true, false, "decay time of inhibitory PSCs"},
    lif::kIE,
};
enum S { v, i_syn_ex, i_syn_in };
constexpr StateSpec kState[] = {
    lif::kV,
    {"i_syn_ex", Dim::current, "excitatory synaptic current"},
    {"i_syn_in", Dim::current, "inhibitory synaptic current"},
};
constexpr ReceptorSpec kReceptors[] = {
    {"exc", Dim::current, "excitatory beta current, peak = weight", ReceptorSign::excitatory},
    {"inh", Dim::current, "inhibitory beta current (negative weights), peak = weight",
     ReceptorSign::inhibitory},
};
constexpr std::string_view kIntegrators[] = {"exact"};

ParamProblem check(std::span<const double> p, double dt) {
  if (!(p[tau_rise_ex] < p[tau_decay_ex])) return {"tau_rise_ex", "must be below tau_decay_ex"};
  if (!(p[tau_rise_in] < p[tau_decay_in])) return {"tau_rise_in", "must be below tau_decay_in"};
  return lif::check_reset_and_refractory(p, dt, v_thresh, v_reset, t_ref);
}

// One port: the current's own propagation (receptors::Kinetics, s1 = x, s2 = I) and its
// effect on V: c1 x + c2 I = P_d x - P_r y with P_k the response to an exponential current.
struct BetaPort {
  receptors::Kinetics k;
  double c1 = 0, c2 = 0;
  void derive(double tau_r, double tau_d, double tau_m_, double c_m_, double h) {
    k = receptors::Kinetics::beta(tau_r, tau_d, h);
    const double pd = propagators::exp_current_to_v(tau_d, tau_m_, c_m_, h);
    const double pr = tau_r > 0 ? propagators::exp_current_to_v(tau_r, tau_m_, c_m_, h) : 0.0;
    c1 = pd - pr;
    c2 = pr;
  }
};

class LifPscBeta final : public NeuronGroup {
 public:
  explicit LifPscBeta(const GroupSetup& s)
      : NeuronGroup(s.size),
        v_(s.size),
        iex_(s.size),
        iin_(s.size),
        xex_(s.size),
        xin_(s.size),
        ref_(s.size, 0) {
    const auto& p = s.params;
    e_l_ = p[e_l];
    v_th_ = p[v_thresh];
    v_reset_ = p[v_reset];
    i_e_ = p[i_e];
    ref_steps_ = static_cast<int32_t>(std::lround(p[t_ref] / s.dt));
    p33_ = std::exp(-s.dt / p[tau_m]);
    p30_ = propagators::dc_to_v(p[tau_m], p[c_m], s.dt);
    ex_.derive(p[tau_rise_ex], p[tau_decay_ex], p[tau_m], p[c_m], s.dt);
    inh_.derive(p[tau_rise_in], p[tau_decay_in], p[tau_m], p[c_m], s.dt);
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
    double* __restrict xex = xex_.data();
    double* __restrict xin = xin_.data();
    const int64_t* __restrict ref = ref_.data();
    const int64_t step = in.step;
    SynInput* __restrict in_ex = in.syn[0];
    SynInput* __restrict in_in = in.syn[1];
    const double* __restrict stim = in.i_stim;
    const BetaPort ex = ex_, ih = inh_;
    const double e_l = e_l_, i_e = i_e_, p33 = p33_, p30 = p30_;
    // the arrays never overlap; without this GCC gives up on the many alias checks
#pragma GCC ivdep
    for (uint32_t i = begin; i < end; ++i) {
      const double i_ext = kStim ? i_e + stim[i] : i_e;
      const double v_new = (p33 * (v[i] - e_l) + p30 * i_ext + ex.c1 * xex[i] + ex.c2 * iex[i] +
                            ih.c1 * xin[i] + ih.c2 * iin[i]) +
                           e_l;
      v[i] = lif::select(step >= ref[i], v_new, v[i]);
      iex[i] = ex.k.p21 * xex[i] + ex.k.p22 * iex[i];
      xex[i] = ex.k.p11 * xex[i] + ex.k.jump * in_ex[i];
      iin[i] = ih.k.p21 * xin[i] + ih.k.p22 * iin[i];
      xin[i] = ih.k.p11 * xin[i] + ih.k.jump * in_in[i];
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
  std::vector<double> v_, iex_, iin_, xex_, xin_;  // x: the tau_decay exponential of a port
  std::vector<int64_t> ref_;  // first step at which the neuron integrates again
  double e_l_, v_th_, v_reset_, i_e_;
  int32_t ref_steps_;
  double p33_, p30_;
  BetaPort ex_, inh_;
};

}  // namespace

extern const ModelInfo kLifPscBeta{
    .name = "lif_psc_beta",
    .kind = ModelKind::neuron,
    .summary = "leaky integrate-and-fire, difference-of-exponentials current synapses, exact",
    .doc =
        "C_m dV/dt = -(C_m/tau_m)(V-E_L) + I_ex + I_in + I_e; PSCs w N (e^{-t/tau_decay} - "
        "e^{-t/tau_rise}) peaking at the weight (pA); exact propagators (Rotter & Diesmann "
        "1999).",
    .params = kParams,
    .state = kState,
    .receptors = kReceptors,
    .accepts_current = true,
    .integrators = kIntegrators,
    .check = check,
    .create = create_group<LifPscBeta>,
};

}  // namespace engram
