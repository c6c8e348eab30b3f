#pragma once
// Adaptation and intrinsic excitability for the integrate-and-fire neurons lif_psc_exp_adapt
// and lif_cond_exp_adapt: parameter and state rows, the cross-parameter check, the exact
// propagators and the threshold pass both models share.
//
//   C_m dV/dt = -g_L (V - E_L) - w + I_syn + I_e + I_stim
//   tau_w dw/dt = a (V - E_L) - w                    sub-threshold adaptation (a, nS)
//   V_th(t) = v_thresh + theta + theta_ip            the adaptive threshold
//   dtheta/dt = -theta / tau_theta                   (Chacron et al. 2003; MAT, Kobayashi 2009)
//   dr/dt = -r / ip_tau_rate                         rate estimate r in Hz
//   dtheta_ip/dt = ip_eta (r - ip_target_rate)       intrinsic plasticity, per second
// At V >= V_th (outside the refractory period): a spike; V <- v_reset, w <- w + b,
// theta <- theta + theta_jump, r <- r + 1000/ip_tau_rate Hz (so that r, the spike train
// filtered by e^{-t/ip_tau_rate}/ip_tau_rate, has the mean firing rate as its mean), and V is
// clamped at v_reset for t_ref while w, theta, r and theta_ip go on evolving.
//
// Units of intrinsic plasticity: ip_eta is in mV/(Hz s): a rate error of 1 Hz moves the
// threshold by ip_eta mV per second of simulated time (in the kernel, time is in ms: the
// change per ms is ip_eta (r - r_0) / 1000). A neuron firing above ip_target_rate raises its
// threshold, one firing below lowers it, so the time-averaged rate settles at the target
// (intrinsic plasticity: Desai, Rutherford & Turrigiano 1999; Triesch 2005). theta_ip is not
// bounded: for a target at or above the cell's largest rate, 1/(t_ref + dt), it falls without
// end, and a weakly driven cell may settle with v_thresh + theta_ip below v_reset (it then
// fires as soon as its refractory period and theta let it).
//
// Integration: theta, r and theta_ip are linear between spikes and integrated exactly
// (theta_ip gains ip_eta (r tau_r (1 - e^{-h/tau_r}) - r_0 h) / 1000 over a step, the exact
// integral of the decaying r). The (V, w) block is linear too; each model propagates it
// exactly for constant coefficients (expm() once per group for current synapses;
// cosh_sinhc(), or exp_2x2() out of its range, per neuron and step for conductance synapses,
// whose coefficients change). The threshold is compared with V at the end of each step, as
// in the other LIF models, and a spike is stamped at the end of the step. The rows'
// defaults: adaptation as Brette & Gerstner (2005) (the adex models' defaults), the
// threshold as the slow component of NEST's mat2_psc_exp (Kobayashi, Tsubo & Shinomoto
// 2009), intrinsic plasticity off.
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "engram/core/parameters.hpp"
#include "engram/models/lif_common.hpp"
#include "engram/models/model.hpp"

namespace engram::lif_adapt {

// Rows every adapting LIF model appends to its membrane and synapse rows, in this order.
inline constexpr ParamSpec kRows[] = {
    {"a", Dim::conductance, 4.0, -kInf, kInf, false, false,
     "sub-threshold adaptation: tau_w dw/dt = a (V - e_l) - w; above minus the leak conductance"},
    {"b", Dim::current, 80.5, -kInf, kInf, false, false,
     "spike-triggered adaptation: increment of w at a spike"},
    {"tau_w", Dim::time, 144.0, 0, kInf, true, false, "time constant of the adaptation current w"},
    {"theta_jump", Dim::voltage, 2.0, 0, kInf, false, false,
     "increment of the adaptive threshold theta at a spike (0: fixed threshold)"},
    {"tau_theta", Dim::time, 200.0, 0, kInf, true, false, "decay time of theta"},
    {"ip_eta", Dim::none, 0.0, 0, kInf, false, false,
     "intrinsic plasticity rate in mV/(Hz s): dtheta_ip/dt = ip_eta (rate - ip_target_rate) "
     "per second (0: off)"},
    {"ip_target_rate", Dim::frequency, 5.0, 0, kInf, false, false,
     "target rate of intrinsic plasticity"},
    {"ip_tau_rate", Dim::time, 1000.0, 0, kInf, true, false,
     "time constant of the rate estimate `rate` (a trace of the spike train)"},
};
enum Row { a, b, tau_w, theta_jump, tau_theta, ip_eta, ip_target_rate, ip_tau_rate, kRowCount };

// State rows after v, in this order (the synaptic variables come after them).
inline constexpr StateSpec kState[] = {
    {"w", Dim::current, "adaptation current (enters as -w)"},
    {"theta", Dim::voltage,
     "adaptive threshold offset: the threshold is v_thresh + theta + theta_ip"},
    {"theta_ip", Dim::voltage, "threshold offset learnt by intrinsic plasticity"},
    {"rate", Dim::frequency,
     "rate estimate: the spike train filtered with ip_tau_rate (jumps 1000/ip_tau_rate Hz)"},
};
enum StateRow { w = 1, theta, theta_ip, rate, kFirstSynapse };

// Appends the rows to a model's own: `join(kOwn, kRows)`.
template <class Spec, size_t A, size_t B>
constexpr std::array<Spec, A + B> join(const Spec (&x)[A], const Spec (&y)[B]) {
  std::array<Spec, A + B> out{};
  for (size_t i = 0; i < A; ++i) out[i] = x[i];
  for (size_t i = 0; i < B; ++i) out[A + i] = y[i];
  return out;
}

// a > -g_L: otherwise the (V, w) system has no resting state (its determinant
// (g_L + a)/(C_m tau_w) is <= 0) and V runs away without any input.
// `message` names the leak conductance as the model spells it.
inline ParamProblem check_adaptation(std::span<const double> p, size_t first, double g_l,
                                     const char* message) {
  if (!(p[first + a] > -g_l)) return {"a", message};
  return {};
}

// exp(M h) of an N x N matrix M (row-major), by scaling and squaring of a degree-18 Taylor
// series: after scaling, ||M||_inf <= 1/2 and the truncation error is below 1e-22; used
// once per group, so robustness (any eigenvalues, repeated or complex) beats speed.
template <size_t N>
std::array<double, N * N> expm(std::array<double, N * N> m, double h) {
  using Mat = std::array<double, N * N>;
  auto mul = [](const Mat& x, const Mat& y) {
    Mat z{};
    for (size_t i = 0; i < N; ++i)
      for (size_t k = 0; k < N; ++k)
        for (size_t j = 0; j < N; ++j) z[i * N + j] += x[i * N + k] * y[k * N + j];
    return z;
  };
  for (double& x : m) x *= h;
  double norm = 0;
  for (size_t i = 0; i < N; ++i) {
    double row = 0;
    for (size_t j = 0; j < N; ++j) row += std::fabs(m[i * N + j]);
    norm = std::max(norm, row);
  }
  int squarings = 0;
  while (norm > 0.5) {
    norm *= 0.5;
    ++squarings;
  }
  for (double& x : m) x = std::ldexp(x, -squarings);
  Mat sum{}, term{};
  for (size_t i = 0; i < N; ++i) sum[i * N + i] = term[i * N + i] = 1.0;
  for (int k = 1; k <= 18; ++k) {
    term = mul(term, m);
    for (size_t i = 0; i < N * N; ++i) {
      term[i] /= k;
      sum[i] += term[i];
    }
  }
  for (int s = 0; s < squarings; ++s) sum = mul(sum, sum);
  return sum;
}

// exp(A h) of A = [a00 a01; a10 a11], in closed form: with m = tr(A)/2 and d = (a00 - a11)/2,
// (A - m I)^2 = q I with q = d^2 + a01 a10 (Cayley-Hamilton), so
// exp(A h) = e^{m h} (C I + S (A - m I)), C = cosh(sqrt(q) h), S = sinh(sqrt(q) h)/sqrt(q)
// (cos and sin of sqrt(-q) h for q < 0: complex eigenvalues, a damped oscillation).
struct Exp2 {
  double e00, e01, e10, e11;
};
inline Exp2 exp_2x2(double a00, double a01, double a10, double a11, double h) {
  const double m = 0.5 * (a00 + a11), d = 0.5 * (a00 - a11);
  const double q = d * d + a01 * a10;
  double c, s;
  if (q >= 0) {
    const double r = std::sqrt(q), sh = std::sinh(r * h);
    c = std::sqrt(1.0 + sh * sh);
    s = r > 0 ? sh / r : h;
  } else {
    const double r = std::sqrt(-q);
    c = std::cos(r * h);
    s = std::sin(r * h) / r;
  }
  const double e = std::exp(m * h);
  return {e * (c + d * s), e * s * a01, e * s * a10, e * (c - d * s)};
}

// C = cosh(x) and S = sinh(x)/x as power series in z = x^2: C = sum z^k/(2k)!,
// S = sum z^k/(2k+1)!. Both are entire in z, so one formula covers complex eigenvalues too
// (z < 0: cos and sin(x)/x of |x|), without a branch: a loop over neurons vectorises. With
// ten terms the truncation error is below 1e-18 for |z| <= 1, the range the callers check.
struct CoshSinhc {
  double c, s;
};
inline CoshSinhc cosh_sinhc(double z) {
  constexpr double f[] = {1.0,
                          1.0,
                          2.0,
                          6.0,
                          24.0,
                          120.0,
                          720.0,
                          5040.0,
                          40320.0,
                          362880.0,
                          3628800.0,
                          39916800.0,
                          479001600.0,
                          6227020800.0,
                          87178291200.0,
                          1307674368000.0,
                          20922789888000.0,
                          355687428096000.0,
                          6402373705728000.0,
                          121645100408832000.0};  // k!
  double c = 1.0 / f[18], s = 1.0 / f[19];
  for (int k = 8; k >= 0; --k) {
    c = c * z + 1.0 / f[2 * k];
    s = s * z + 1.0 / f[2 * k + 1];
  }
  return {c, s};
}
inline constexpr double kSeriesLimit = 1.0;  // |z| up to which cosh_sinhc is exact

// Per-step constants of theta, r and theta_ip, and what a spike adds.
struct Intrinsic {
  double v_thresh, v_reset, b, theta_jump;
  double decay_theta, decay_rate, rate_jump;
  double ip_gain, ip_drift;  // theta_ip += ip_gain * r - ip_drift over a step (r at its start)

  Intrinsic(std::span<const double> p, size_t first, double v_th, double v_r, double h) {
    const double eta = p[first + ip_eta], tau_r = p[first + ip_tau_rate];
    v_thresh = v_th;
    v_reset = v_r;
    b = p[first + Row::b];
    theta_jump = p[first + Row::theta_jump];
    decay_theta = std::exp(-h / p[first + tau_theta]);
    decay_rate = std::exp(-h / tau_r);
    rate_jump = 1000.0 / tau_r;
    ip_gain = -eta * tau_r * std::expm1(-h / tau_r) / 1000.0;
    ip_drift = eta * p[first + ip_target_rate] * h / 1000.0;
  }
};

// The state both models keep besides their synaptic variables, as structure of arrays.
struct Cells {
  std::vector<double> v, w, theta, theta_ip, rate;
  std::vector<int64_t> ref;  // first step at which the neuron integrates V again

  explicit Cells(uint32_t n) : v(n), w(n), theta(n), theta_ip(n), rate(n), ref(n, 0) {}

  std::span<double> state(size_t index) {
    switch (index) {
      case 0:
        return v;
      case StateRow::w:
        return w;
      case StateRow::theta:
        return theta;
      case StateRow::theta_ip:
        return theta_ip;
      default:
        return rate;
    }
  }

  // theta, r and theta_ip over one step, exactly (no spike yet): vectorised.
  void relax(const Intrinsic& k, uint32_t begin, uint32_t end) {
    double* __restrict th = theta.data();
    double* __restrict ip = theta_ip.data();
    double* __restrict r = rate.data();
    const double dth = k.decay_theta, dr = k.decay_rate, gain = k.ip_gain, drift = k.ip_drift;
    for (uint32_t i = begin; i < end; ++i) {
      th[i] *= dth;
      ip[i] += gain * r[i] - drift;
      r[i] *= dr;
    }
  }

  // Neurons that integrated this step (step >= ref) with V at or above their threshold
  // spike: the resets of the header, clamped until step `free_from`. Blocks are tested
  // together first (SIMD compares), as lif::detect_spikes.
  void detect(const Intrinsic& k, int64_t step, int64_t free_from, uint32_t begin, uint32_t end,
              std::vector<uint32_t>& spiked) {
    auto fires = [&](uint32_t i) {
      return (step >= ref[i]) & (v[i] >= k.v_thresh + theta[i] + theta_ip[i]);
    };
    auto fire = [&](uint32_t i) {
      v[i] = k.v_reset;
      w[i] += k.b;
      theta[i] += k.theta_jump;
      rate[i] += k.rate_jump;
      ref[i] = free_from;
      spiked.push_back(i);
    };
    constexpr uint32_t kBlock = lif::kSpikeBlock;
    uint32_t i = begin;
    for (; i + kBlock <= end; i += kBlock) {
      lif::Mask4 m{};
      for (uint32_t j = i; j < i + kBlock; j += 4) {
        lif::Doubles4 vj, th, ip;
        lif::Mask4 rj;
        std::memcpy(&vj, v.data() + j, sizeof vj);
        std::memcpy(&th, theta.data() + j, sizeof th);
        std::memcpy(&ip, theta_ip.data() + j, sizeof ip);
        std::memcpy(&rj, ref.data() + j, sizeof rj);
        // the same sums as fires(): (v_thresh + theta) + theta_ip, lane by lane
        m |= (step >= rj) & (vj >= k.v_thresh + th + ip);
      }
      if ((m[0] | m[1] | m[2] | m[3]) == 0) continue;
      for (uint32_t j = i; j < i + kBlock; ++j)
        if (fires(j)) fire(j);
    }
    for (; i < end; ++i)
      if (fires(i)) fire(i);
  }
};

}  // namespace engram::lif_adapt
