#pragma once
// A leaky integrate-and-fire neuron with N conductance ports of any kinetics in
// receptor_bank.hpp, and optionally one NMDA port with the Mg2+ block; the kernel of
// lif_cond_alpha, lif_cond_beta and lif_cond_receptors.
//
//   C_m dV/dt = -g_L (V - E_L) - sum_p g_p(t) B_p(V) (V - E_p) + I_e + I_stim
//   B_p = 1 except for the NMDA port: B(V) = 1 / (1 + [Mg2+]/3.57 mM e^{-0.062 V/mV}).
//
// Integration, as lif_cond_exp: the conductances are propagated exactly. Over a step, each
// g_p is replaced by its exact mean over the step, and the resulting linear equation with
// constant coefficients is solved exactly (exponential integrator): unconditionally stable
// for any conductance, O(h^3) local error, second order. The block B(V) makes the NMDA term
// non-linear in V; it is frozen over the step at the midpoint potential (V_0 + V_1*)/2,
// where V_1* is a predictor step taken with B(V_0). Freezing it at B(V_0) alone would leave
// an O(h^2) local error (first order); the midpoint value keeps the method second order
// (tests/validation/receptor_kinetics_test.cpp measures the order against RK4).
#include <array>
#include <cmath>
#include <vector>

#include "engram/core/fast_math.hpp"
#include "engram/models/lif_common.hpp"
#include "engram/models/model.hpp"
#include "engram/models/receptor_bank.hpp"

namespace engram::lif_cond {

// Parameter rows (defaults as NEST's iaf_cond_* and lif_cond_exp); membrane rows come first
// in every model of this kernel, in this order.
inline constexpr ParamSpec kMembraneRows[] = {
    lif::kCm,
    {"g_l", Dim::conductance, 16.6667, 0, kInf, true, false, "leak conductance"},
    {"e_l", Dim::voltage, -70.0, -kInf, kInf, false, false, "leak reversal potential"},
    lif::kVThresh,
    {"v_reset", Dim::voltage, -60.0, -kInf, kInf, false, false, "reset potential after a spike"},
    lif::kTRef,
    lif::kIE,
};
enum MembraneParam { c_m, g_l, e_l, v_thresh, v_reset, t_ref, i_e, kMembraneCount };

// A model's parameter table: the membrane rows followed by its own.
template <size_t A, size_t B>
constexpr std::array<ParamSpec, A + B> join(const ParamSpec (&a)[A], const ParamSpec (&b)[B]) {
  std::array<ParamSpec, A + B> out{};
  for (size_t i = 0; i < A; ++i) out[i] = a[i];
  for (size_t i = 0; i < B; ++i) out[A + i] = b[i];
  return out;
}

// The neuron's own parameters, canonical units.
struct Membrane {
  double c_m, g_l, e_l, v_thresh, v_reset, t_ref, i_e;
};

inline Membrane membrane_of(std::span<const double> p) {
  return {p[c_m], p[g_l], p[e_l], p[v_thresh], p[v_reset], p[t_ref], p[i_e]};
}

inline ParamProblem check_membrane(std::span<const double> p, double dt) {
  return lif::check_reset_and_refractory(p, dt, v_thresh, v_reset, t_ref);
}

struct PortSetup {
  receptors::Kinetics kinetics;
  double e_rev;
};

// State table order: v, the conductance of each port, then i_nmda when a port is NMDA.
template <int N>
class Group final : public NeuronGroup {
 public:
  // nmda: index of the port with the Mg2+ block, or -1.
  Group(const GroupSetup& s, const Membrane& m, const std::array<PortSetup, N>& ports,
        int nmda = -1, double mg = 1.0)
      : NeuronGroup(s.size), v_(s.size), ref_(s.size, 0), m_(m), ports_(ports), nmda_(nmda) {
    for (int p = 0; p < N; ++p) {
      s1_[p].assign(s.size, 0.0);
      g_[p].assign(s.size, 0.0);
    }
    if (nmda_ >= 0) i_nmda_.assign(s.size, 0.0);
    h_ = s.dt;
    mg_ = mg;
    ref_steps_ = static_cast<int32_t>(std::lround(m.t_ref / s.dt));
  }

  void update(const StepInput& in, uint32_t begin, uint32_t end,
              std::vector<uint32_t>& spiked) override {
    double* __restrict v = v_.data();
    const int64_t* __restrict ref = ref_.data();
    const double k = -h_ / m_.c_m;
    for (uint32_t i = begin; i < end; ++i) {
      const double v0 = v[i];
      double g_tot = m_.g_l;
      double drive = m_.g_l * m_.e_l + m_.i_e + (in.i_stim ? in.i_stim[i] : 0.0);
      double g_nmda = 0;  // step-mean unblocked NMDA conductance
      for (int p = 0; p < N; ++p) {
        const double gm = ports_[p].kinetics.mean(s1_[p][i], g_[p][i]);
        if (p == nmda_) {
          g_nmda = gm;
          continue;
        }
        g_tot += gm;
        drive += gm * ports_[p].e_rev;
      }
      double v_new;
      if (nmda_ >= 0 && g_nmda != 0.0) {
        const double e_n = ports_[nmda_].e_rev;
        const double gb0 = g_nmda * receptors::mg_block(v0, mg_);
        const double v_pred = relax(v0, g_tot + gb0, drive + gb0 * e_n, k);
        const double gb = g_nmda * receptors::mg_block(0.5 * (v0 + v_pred), mg_);
        v_new = relax(v0, g_tot + gb, drive + gb * e_n, k);
      } else {
        v_new = relax(v0, g_tot, drive, k);
      }
      v[i] = lif::select(in.step >= ref[i], v_new, v0);
      for (int p = 0; p < N; ++p) {
        SynInput* __restrict w = in.syn[p];
        ports_[p].kinetics.advance(s1_[p][i], g_[p][i], w[i]);
        w[i] = 0;
      }
      if (nmda_ >= 0)
        i_nmda_[i] = -g_[nmda_][i] * receptors::mg_block(v[i], mg_) * (v[i] - ports_[nmda_].e_rev);
    }
    lif::detect_spikes(v, ref_.data(), begin, end, m_.v_thresh, m_.v_reset,
                       in.step + ref_steps_ + 1, spiked);
  }

  std::span<double> state(size_t index) override {
    if (index == 0) return v_;
    if (index <= static_cast<size_t>(N)) return g_[index - 1];
    return i_nmda_;
  }

 private:
  // V after one step of C dV/dt = -g (V - drive/g) from v0; k = -h/C.
  static double relax(double v0, double g, double drive, double k) {
    const double v_inf = drive / g;
    return v_inf + (v0 - v_inf) * exp_simd(k * g);
  }

  std::vector<double> v_, i_nmda_;
  std::array<std::vector<double>, N> s1_, g_;  // per port: hidden variable and conductance
  std::vector<int64_t> ref_;                   // first step at which the neuron integrates again
  Membrane m_;
  std::array<PortSetup, N> ports_;
  int nmda_;
  double h_ = 0.1, mg_ = 1.0;
  int32_t ref_steps_ = 0;
};

}  // namespace engram::lif_cond
