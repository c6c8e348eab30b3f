// Sodium and delayed-rectifier potassium channels of Traub & Miles (1991) as modified by
// Destexhe & Pare (1999): the channels of the point neuron hh_cond_exp_traub (Brette et al.
// 2007 COBAHH), as a density mechanism (Destexhe's hh2.mod without its temperature factor,
// which is 1 at its 36 degC). Unlike the squid's hh, a compartment with them and a leak
// (insert pas) starts to fire at an arbitrarily low rate (type I: the rate grows continuously
// from zero with the current) and keeps firing under strong sustained depolarisation, the
// spike generator of rate-coding cortical cell models:
//
//   i = gnabar m^3 h (v - ena) + gkbar n^4 (v - ek)          (mA/cm2, outward positive)
//   dx/dt = a_x (1 - x) - b_x x,  x = m, h, n;  with u = v - vt (mV), rates in 1/ms:
//   a_m = 0.32 (13 - u) / (exp((13 - u)/4) - 1)     b_m = 0.28 (u - 40) / (exp((u - 40)/5) - 1)
//   a_h = 0.128 exp((17 - u)/18)                    b_h = 4 / (1 + exp((40 - u)/5))
//   a_n = 0.032 (15 - u) / (exp((15 - u)/5) - 1)    b_n = 0.5 exp((10 - u)/40)
//
// No leak: insert pas beside it. Defaults are Brette et al.'s (g_Na 100, g_K 30 mS/cm2, E_K
// -90 mV, v_t -63 mV). The 0/0 of the rates at u = 13, 40, 15 mV is removed by the series of
// x / (e^x - 1), as hh_cond_exp_traub. Gates move as cnexp (exact for frozen v, rates at the
// new v); the current is linear in v with the gates frozen: d += g, rhs += g e.
// Validation: tests/dendrites/traub_test.cpp against NEURON, which builds the same channels
// with KSChan (tools/neuron_reference/traub_reference.py checks its rates against these
// formulas): an isopotential compartment and a soma with an excitable dendrite.
#include "engram/core/fast_math.hpp"
#include "engram/dendrites/mechanism.hpp"
#include "engram/models/hh_common.hpp"

namespace engram::dendrites {
namespace {

enum P { gnabar, gkbar, ena, ek, vt };
constexpr MechanismParam kParams[] = {
    {"gnabar", "S/cm2", 0.1, 0, 1e9, false, "peak sodium conductance density"},
    {"gkbar", "S/cm2", 0.03, 0, 1e9, false,
     "peak potassium (delayed rectifier) conductance density"},
    {"ena", "mV", 50.0, -1e9, 1e9, false, "sodium reversal potential"},
    {"ek", "mV", -90.0, -1e9, 1e9, false, "potassium reversal potential"},
    {"vt", "mV", -63.0, -1e9, 1e9, false,
     "voltage offset of the rate functions (sets the firing threshold)"},
};
constexpr std::string_view kStates[] = {"m", "h", "n"};

class Traub final : public Mechanism {
 public:
  explicit Traub(MechanismSites s) : Mechanism(std::move(s)) {
    const size_t n = size();
    for (auto* a : {&gna_, &gk_, &ena_, &ek_, &vt_, &m_, &h_, &n_}) a->resize(n);
    for (size_t k = 0; k < n; ++k) {
      const double to_us = sites_.area_um2[k] * kDensityToMicroSiemens;
      gna_[k] = sites_.params[gnabar][k] * to_us;
      gk_[k] = sites_.params[gkbar][k] * to_us;
      ena_[k] = sites_.params[ena][k];
      ek_[k] = sites_.params[ek][k];
      vt_[k] = sites_.params[vt][k];
    }
  }

  void initialize(const double* v) override {
    for (size_t k = 0; k < size(); ++k) {
      const hh::Rates r = hh::traub_rates(v[sites_.node[k]] - vt_[k]);
      m_[k] = r.am / (r.am + r.bm);
      h_[k] = r.ah / (r.ah + r.bh);
      n_[k] = r.an / (r.an + r.bn);
    }
  }

  void add_current(const double*, double* __restrict d, double* __restrict rhs) override {
    const int32_t* __restrict node = sites_.node.data();
    const double* __restrict gna = gna_.data(), * __restrict gk = gk_.data();
    const double* __restrict e_na = ena_.data(), * __restrict e_k = ek_.data();
    const double* __restrict m = m_.data(), * __restrict h = h_.data(), * __restrict n = n_.data();
    const size_t size = this->size();
#pragma GCC ivdep
    for (size_t k = 0; k < size; ++k) {  // one instance per node
      const double g_na = gna[k] * (m[k] * m[k] * m[k]) * h[k];
      const double g_k = gk[k] * ((n[k] * n[k]) * (n[k] * n[k]));
      d[node[k]] += g_na + g_k;
      rhs[node[k]] += g_na * e_na[k] + g_k * e_k[k];
    }
  }

  // flatten: the rate functions' exp_simd calls must be inlined for the loop to vectorise
  [[gnu::flatten]] void advance(const double* __restrict v, double dt) override {
    const int32_t* __restrict node = sites_.node.data();
    const double* __restrict v_t = vt_.data();
    double* __restrict m = m_.data(), * __restrict h = h_.data(), * __restrict n = n_.data();
    const size_t size = this->size();
#pragma GCC ivdep
    for (size_t k = 0; k < size; ++k) {
      const hh::Rates r = hh::traub_rates(v[node[k]] - v_t[k]);  // hh_cond_exp_traub's
      m[k] = hh::gate_step(m[k], r.am, r.bm, dt);
      h[k] = hh::gate_step(h[k], r.ah, r.bh, dt);
      n[k] = hh::gate_step(n[k], r.an, r.bn, dt);
    }
  }

  std::span<const double> state(size_t index) const override {
    return index == 0 ? std::span<const double>(m_)
                      : (index == 1 ? std::span<const double>(h_) : std::span<const double>(n_));
  }

 private:
  std::vector<double> gna_, gk_, ena_, ek_, vt_;  // uS, mV
  std::vector<double> m_, h_, n_;
};

std::unique_ptr<Mechanism> create(MechanismSites s) {
  return std::make_unique<Traub>(std::move(s));
}

}  // namespace

extern const MechanismInfo kTraub{
    .name = "traub",
    .doc =
        "Traub & Miles 1991 Na and K channels (Destexhe & Pare 1999; the channels of "
        "hh_cond_exp_traub, no leak: insert pas); fires from arbitrarily low rates",
    .params = kParams,
    .states = kStates,
    .create = create,
};

}  // namespace engram::dendrites
