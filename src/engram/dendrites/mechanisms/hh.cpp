// Hodgkin-Huxley (1952) squid axon sodium, potassium and leak channels, exactly as NEURON's
// built-in hh mechanism (nrn/src/nrnoc/hh.mod) with its rate tables off (usetable_hh = 0):
//
//   i = gnabar m^3 h (v - ena) + gkbar n^4 (v - ek) + gl (v - el)       (mA/cm2, outward)
//   dx/dt = (x_inf - x) / tau_x,  x_inf = a/(a + b),  tau_x = 1/(q10 (a + b)),  x = m, h, n
//   a_m = 0.1 vtrap(-(v+40), 10)     b_m = 4 exp(-(v+65)/18)
//   a_h = 0.07 exp(-(v+65)/20)       b_h = 1/(exp(-(v+35)/10) + 1)
//   a_n = 0.01 vtrap(-(v+55), 10)    b_n = 0.125 exp(-(v+65)/80)
//   vtrap(x, y) = x/(exp(x/y) - 1),  q10 = 3^((celsius - 6.3)/10)
//
// States move as NEURON's cnexp: x <- x + (1 - exp(-dt/tau_x)) (x_inf - x), the rates at the
// new v (the staggered scheme: gates half a step ahead of v). initialize(): x = x_inf(v).
// The current is linear in v with the gates frozen, so its linearisation is exact: d += g,
// rhs += g_na ena + g_k ek + g_l el (NEURON differentiates numerically; the same to
// rounding). Defaults as hh.mod with NEURON's ena 50 and ek -77 mV.
// Validation: tests/dendrites/ball_and_stick_test.cpp against NEURON (spike times).
#include <cmath>

#include "engram/core/fast_math.hpp"
#include "engram/dendrites/mechanism.hpp"
#include "engram/models/hh_common.hpp"

namespace engram::dendrites {
namespace {

enum P { gnabar, gkbar, gl, el, ena, ek, celsius };
constexpr MechanismParam kParams[] = {
    {"gnabar", "S/cm2", 0.12, 0, 1e9, false, "peak sodium conductance density"},
    {"gkbar", "S/cm2", 0.036, 0, 1e9, false, "peak potassium conductance density"},
    {"gl", "S/cm2", 0.0003, 0, 1e9, false, "leak conductance density"},
    {"el", "mV", -54.3, -1e9, 1e9, false, "leak reversal potential"},
    {"ena", "mV", 50.0, -1e9, 1e9, false, "sodium reversal potential"},
    {"ek", "mV", -77.0, -1e9, 1e9, false, "potassium reversal potential"},
    {"celsius", "degC", 6.3, -30, 60, false, "temperature; rates scale by 3^((celsius-6.3)/10)"},
};
constexpr std::string_view kStates[] = {"m", "h", "n"};

struct Rates {
  double am, bm, ah, bh, an, bn;
};

// hh.mod's rates at v (mV), without q10; 1/ms.
inline Rates rates(double v) {
  return {hh::x_over_expm1(-(v + 40.0) * 0.1),  // 0.1 vtrap(-(v+40), 10)
          4.0 * exp_simd(-(v + 65.0) * (1.0 / 18.0)),  0.07 * exp_simd(-(v + 65.0) * (1.0 / 20.0)),
          1.0 / (exp_simd(-(v + 35.0) * 0.1) + 1.0),
          0.1 * hh::x_over_expm1(-(v + 55.0) * 0.1),  // 0.01 vtrap(-(v+55), 10)
          0.125 * exp_simd(-(v + 65.0) * (1.0 / 80.0))};
}

class Hh final : public Mechanism {
 public:
  explicit Hh(MechanismSites s) : Mechanism(std::move(s)) {
    const size_t n = size();
    for (auto* a : {&gna_, &gk_, &gl_, &ena_, &ek_, &gle_, &q10_, &m_, &h_, &n_}) a->resize(n);
    for (size_t k = 0; k < n; ++k) {
      const double to_us = sites_.area_um2[k] * kDensityToMicroSiemens;
      gna_[k] = sites_.params[gnabar][k] * to_us;
      gk_[k] = sites_.params[gkbar][k] * to_us;
      gl_[k] = sites_.params[gl][k] * to_us;
      ena_[k] = sites_.params[ena][k];
      ek_[k] = sites_.params[ek][k];
      gle_[k] = gl_[k] * sites_.params[el][k];
      q10_[k] = std::pow(3.0, (sites_.params[celsius][k] - 6.3) / 10.0);
    }
  }

  void initialize(const double* v) override {
    for (size_t k = 0; k < size(); ++k) {
      const Rates r = rates(v[sites_.node[k]]);
      m_[k] = r.am / (r.am + r.bm);
      h_[k] = r.ah / (r.ah + r.bh);
      n_[k] = r.an / (r.an + r.bn);
    }
  }

  void add_current(const double*, double* __restrict d, double* __restrict rhs) override {
    const int32_t* __restrict node = sites_.node.data();
    const double* __restrict gna = gna_.data(), * __restrict gk = gk_.data(), * __restrict gl = gl_.data(), * __restrict ena = ena_.data(), * __restrict ek = ek_.data(), * __restrict gle = gle_.data();
    const double* __restrict m = m_.data(), * __restrict h = h_.data(), * __restrict n = n_.data();
    const size_t size = this->size();
#pragma GCC ivdep
    for (size_t k = 0; k < size; ++k) {  // one instance per node
      const double g_na = gna[k] * (m[k] * m[k] * m[k]) * h[k];
      const double g_k = gk[k] * ((n[k] * n[k]) * (n[k] * n[k]));
      d[node[k]] += g_na + g_k + gl[k];
      rhs[node[k]] += g_na * ena[k] + g_k * ek[k] + gle[k];
    }
  }

  // flatten: the rate functions' exp_simd calls must be inlined for the loop to vectorise
  [[gnu::flatten]] void advance(const double* __restrict v, double dt) override {
    const int32_t* __restrict node = sites_.node.data();
    const double* __restrict q10 = q10_.data();
    double* __restrict m = m_.data(), * __restrict h = h_.data(), * __restrict n = n_.data();
    const size_t size = this->size();
#pragma GCC ivdep
    for (size_t k = 0; k < size; ++k) {
      const Rates r = rates(v[node[k]]);
      const double s = q10[k] * dt;
      m[k] = hh::gate_step(m[k], r.am, r.bm, s);
      h[k] = hh::gate_step(h[k], r.ah, r.bh, s);
      n[k] = hh::gate_step(n[k], r.an, r.bn, s);
    }
  }

  std::span<const double> state(size_t index) const override {
    return index == 0 ? std::span<const double>(m_)
                      : (index == 1 ? std::span<const double>(h_) : std::span<const double>(n_));
  }

 private:
  std::vector<double> gna_, gk_, gl_, ena_, ek_, gle_, q10_;  // uS, mV, nA
  std::vector<double> m_, h_, n_;
};

std::unique_ptr<Mechanism> create(MechanismSites s) {
  return std::make_unique<Hh>(std::move(s));
}

}  // namespace

extern const MechanismInfo kHh{
    .name = "hh",
    .doc = "Hodgkin-Huxley 1952 squid Na, K and leak channels, as NEURON's hh.mod (cnexp gates)",
    .params = kParams,
    .states = kStates,
    .create = create,
};

}  // namespace engram::dendrites
