// Passive leak, as NEURON's pas: i = g (v - e), outward positive.
//   g  S/cm2  leak conductance density (default 0.001, NEURON's)
//   e  mV     reversal potential (default -70, NEURON's)
// Linear in v: the cell's implicit step is exact for it (d += g, rhs += g e).
#include "engram/dendrites/mechanism.hpp"

namespace engram::dendrites {
namespace {

enum P { g, e };
constexpr MechanismParam kParams[] = {
    {"g", "S/cm2", 0.001, 0, 1e9, false, "leak conductance density"},
    {"e", "mV", -70.0, -1e9, 1e9, false, "leak reversal potential"},
};

class Pas final : public Mechanism {
 public:
  explicit Pas(MechanismSites s) : Mechanism(std::move(s)) {
    const size_t n = size();
    g_.resize(n);
    ge_.resize(n);
    for (size_t k = 0; k < n; ++k) {
      g_[k] = sites_.params[g][k] * sites_.area_um2[k] * kDensityToMicroSiemens;
      ge_[k] = g_[k] * sites_.params[e][k];
    }
  }

  void initialize(const double*) override {}

  void add_current(const double*, double* __restrict d, double* __restrict rhs) override {
    const int32_t* __restrict node = sites_.node.data();
    const double* __restrict g = g_.data();
    const double* __restrict ge = ge_.data();
    const size_t n = size();
#pragma GCC ivdep
    for (size_t k = 0; k < n; ++k) {  // one instance per node: no two k write the same node
      d[node[k]] += g[k];
      rhs[node[k]] += ge[k];
    }
  }

  void advance(const double*, double) override {}
  std::span<const double> state(size_t) const override {
    return {};
  }

 private:
  std::vector<double> g_, ge_;  // uS, nA
};

std::unique_ptr<Mechanism> create(MechanismSites s) {
  return std::make_unique<Pas>(std::move(s));
}

}  // namespace

extern const MechanismInfo kPas{
    .name = "pas",
    .doc = "passive leak i = g (v - e), as NEURON's pas",
    .params = kParams,
    .states = {},
    .create = create,
};

}  // namespace engram::dendrites
