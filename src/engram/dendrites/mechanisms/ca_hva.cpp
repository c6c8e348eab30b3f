// High-voltage-activated calcium current of neocortical pyramidal cells, Reuveni, Friedman,
// Amitai & Gutnick 1993 (J Neurosci 13:4609), in the NEURON form of Hay et al. 2011 (PLoS
// Comput Biol 7:e1002107; ModelDB 139653, Ca_HVA.mod), the dendritic Ca channel of many
// L5 pyramidal-cell models:
//
//   i = gbar m^2 h (v - eca)                                 (mA/cm2, outward positive)
//   dx/dt = a_x (1 - x) - b_x x,  x = m, h
//   a_m = 0.055 (-27 - v) / (exp((-27 - v)/3.8) - 1)     b_m = 0.94 exp((-75 - v)/17)
//   a_h = 0.000457 exp((-13 - v)/50)                      b_h = 0.0065 / (exp((-v - 15)/28) + 1)
//
// (1/ms; Ca_HVA.mod nudges v = -27 by 1e-4 mV, engram takes the limit 0.055 x 3.8.) One
// difference from Ca_HVA.mod: eca is a fixed parameter here (engram has no ion
// concentrations yet); the default is NEURON's eca with its default cai 5e-5 mM and cao
// 2 mM at 6.3 degC, 132.458 mV (Hay's cells, with calcium dynamics, sit near it at rest).
// No temperature factor, as Ca_HVA.mod. Gates move as cnexp (exact for frozen v, rates at
// the new v); the current is linear in v with the gates frozen: d += g, rhs += g eca.
// Validation: tests/dendrites/channels_test.cpp against NEURON, which builds the same channel
// with KSChan (tools/neuron_reference/dendrite_mechanisms_reference.py): voltage traces and
// spike times of an isopotential compartment and of a soma with a dendrite, within 1e-7 mV.
#include "engram/core/fast_math.hpp"
#include "engram/dendrites/mechanism.hpp"
#include "engram/models/hh_common.hpp"

namespace engram::dendrites {
namespace {

enum P { gbar, eca };
constexpr MechanismParam kParams[] = {
    {"gbar", "S/cm2", 0.00001, 0, 1e9, false,
     "peak HVA Ca conductance density (Ca_HVA.mod's gCa_HVAbar)"},
    {"eca", "mV", 132.458, -1e9, 1e9, false,
     "calcium reversal potential (fixed; NEURON's default Nernst value at 6.3 degC)"},
};
constexpr std::string_view kStates[] = {"m", "h"};

struct Rates {
  double am, bm, ah, bh;
};

// Ca_HVA.mod's rates at v (mV), 1/ms.
inline Rates rates(double v) {
  return {(0.055 * 3.8) * hh::x_over_expm1((-27.0 - v) * (1.0 / 3.8)),
          0.94 * exp_simd((-75.0 - v) * (1.0 / 17.0)),
          0.000457 * exp_simd((-13.0 - v) * (1.0 / 50.0)),
          0.0065 / (exp_simd((-v - 15.0) * (1.0 / 28.0)) + 1.0)};
}

class CaHva final : public Mechanism {
 public:
  explicit CaHva(MechanismSites s) : Mechanism(std::move(s)) {
    const size_t n = size();
    for (auto* a : {&g_, &ge_, &m_, &h_}) a->resize(n);
    for (size_t k = 0; k < n; ++k) {
      g_[k] = sites_.params[gbar][k] * sites_.area_um2[k] * kDensityToMicroSiemens;
      ge_[k] = g_[k] * sites_.params[eca][k];
    }
  }

  void initialize(const double* v) override {
    for (size_t k = 0; k < size(); ++k) {
      const Rates r = rates(v[sites_.node[k]]);
      m_[k] = r.am / (r.am + r.bm);
      h_[k] = r.ah / (r.ah + r.bh);
    }
  }

  void add_current(const double*, double* __restrict d, double* __restrict rhs) override {
    const int32_t* __restrict node = sites_.node.data();
    const double* __restrict g = g_.data(), * __restrict ge = ge_.data();
    const double* __restrict m = m_.data(), * __restrict h = h_.data();
    const size_t n = size();
#pragma GCC ivdep
    for (size_t k = 0; k < n; ++k) {  // one instance per node
      const double open = m[k] * m[k] * h[k];
      d[node[k]] += g[k] * open;
      rhs[node[k]] += ge[k] * open;
    }
  }

  [[gnu::flatten]] void advance(const double* __restrict v, double dt) override {
    const int32_t* __restrict node = sites_.node.data();
    double* __restrict m = m_.data(), * __restrict h = h_.data();
    const size_t n = size();
#pragma GCC ivdep
    for (size_t k = 0; k < n; ++k) {
      const Rates r = rates(v[node[k]]);
      m[k] = hh::gate_step(m[k], r.am, r.bm, dt);
      h[k] = hh::gate_step(h[k], r.ah, r.bh, dt);
    }
  }

  std::span<const double> state(size_t index) const override {
    return index == 0 ? std::span<const double>(m_) : std::span<const double>(h_);
  }

 private:
  std::vector<double> g_, ge_;  // uS, nA
  std::vector<double> m_, h_;
};

std::unique_ptr<Mechanism> create(MechanismSites s) {
  return std::make_unique<CaHva>(std::move(s));
}

}  // namespace

extern const MechanismInfo kCaHva{
    .name = "ca_hva",
    .doc =
        "high-voltage-activated Ca channel, Reuveni et al. 1993 as Hay et al. 2011's "
        "Ca_HVA.mod (fixed eca)",
    .params = kParams,
    .states = kStates,
    .create = create,
};

}  // namespace engram::dendrites
