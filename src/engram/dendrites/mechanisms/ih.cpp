// Hyperpolarisation-activated cation current Ih (HCN channels) of layer 5 pyramidal cells,
// Kole, Hallermann & Stuart 2006 (J Neurosci 26:1677), in the NEURON form of Hay et al.
// 2011 (PLoS Comput Biol 7:e1002107; ModelDB 139653, Ih.mod), which many dendritic models
// use:
//
//   i = gbar m (v - eh)                                     (mA/cm2, outward positive)
//   dm/dt = a_m (1 - m) - b_m m
//   a_m = 0.001 x 6.43 (v + 154.9) / (exp((v + 154.9)/11.9) - 1)   1/ms
//   b_m = 0.001 x 193 exp(v/33.1)                                   1/ms
//
// (Ih.mod nudges v = -154.9 by 1e-4 mV to avoid 0/0; engram takes the limit, 0.00643 x
// 11.9.) No temperature factor, as Ih.mod. Ih.mod uses
// cnexp; so does engram: m <- m_inf + (m - m_inf) exp(-dt (a + b)) with the rates at the new
// v. The current is linear in v with m frozen: d += g, rhs += g eh.
// The classic gradient (Kole et al. 2006, Hay et al. 2011): gbar(d) = g0 (-0.8696 + 2.087
// exp(0.0031 d/um)), d the path distance from the soma (1.22 g0 at the soma, 24 g0 at
// 800 um), set with a ParamValue of distance.
// Validation: tests/dendrites/channels_test.cpp against NEURON, which builds the same channel
// with KSChan (tools/neuron_reference/dendrite_mechanisms_reference.py): voltage traces and
// spike times of an isopotential compartment and of a soma with a dendrite, within 1e-7 mV.
#include "engram/core/fast_math.hpp"
#include "engram/dendrites/mechanism.hpp"
#include "engram/models/hh_common.hpp"

namespace engram::dendrites {
namespace {

enum P { gbar, eh };
constexpr MechanismParam kParams[] = {
    {"gbar", "S/cm2", 0.00001, 0, 1e9, false, "peak Ih conductance density (Ih.mod's gIhbar)"},
    {"eh", "mV", -45.0, -1e9, 1e9, false, "reversal potential of Ih (Kole et al. 2006)"},
};
constexpr std::string_view kStates[] = {"m"};

// Ih.mod's rates at v (mV), 1/ms.
inline void rates(double v, double& a, double& b) {
  a = (0.00643 * 11.9) * hh::x_over_expm1((v + 154.9) * (1.0 / 11.9));
  b = 0.193 * exp_simd(v * (1.0 / 33.1));
}

class Ih final : public Mechanism {
 public:
  explicit Ih(MechanismSites s) : Mechanism(std::move(s)) {
    const size_t n = size();
    g_.resize(n);
    ge_.resize(n);
    m_.resize(n);
    for (size_t k = 0; k < n; ++k) {
      g_[k] = sites_.params[gbar][k] * sites_.area_um2[k] * kDensityToMicroSiemens;
      ge_[k] = g_[k] * sites_.params[eh][k];
    }
  }

  void initialize(const double* v) override {
    for (size_t k = 0; k < size(); ++k) {
      double a, b;
      rates(v[sites_.node[k]], a, b);
      m_[k] = a / (a + b);
    }
  }

  void add_current(const double*, double* __restrict d, double* __restrict rhs) override {
    const int32_t* __restrict node = sites_.node.data();
    const double* __restrict g = g_.data(), * __restrict ge = ge_.data(), * __restrict m = m_.data();
    const size_t n = size();
#pragma GCC ivdep
    for (size_t k = 0; k < n; ++k) {  // one instance per node
      d[node[k]] += g[k] * m[k];
      rhs[node[k]] += ge[k] * m[k];
    }
  }

  [[gnu::flatten]] void advance(const double* __restrict v, double dt) override {
    const int32_t* __restrict node = sites_.node.data();
    double* __restrict m = m_.data();
    const size_t n = size();
#pragma GCC ivdep
    for (size_t k = 0; k < n; ++k) {
      double a, b;
      rates(v[node[k]], a, b);
      m[k] = hh::gate_step(m[k], a, b, dt);
    }
  }

  std::span<const double> state(size_t) const override {
    return m_;
  }

 private:
  std::vector<double> g_, ge_;  // uS, nA
  std::vector<double> m_;
};

std::unique_ptr<Mechanism> create(MechanismSites s) {
  return std::make_unique<Ih>(std::move(s));
}

}  // namespace

extern const MechanismInfo kIh{
    .name = "ih",
    .doc = "h-current (HCN), Kole et al. 2006 as Hay et al. 2011's Ih.mod; eh -45 mV",
    .params = kParams,
    .states = kStates,
    .create = create,
};

}  // namespace engram::dendrites
