#pragma once
// Membrane mechanisms of the cable solver: density channels as plug-ins (NEURON's
// SUFFIX mechanisms). One file each under mechanisms/: a constexpr parameter table, a state
// table, a Mechanism subclass holding its instances as structure-of-arrays, and one line in
// the registry (mechanism.cpp).
//
// An instance sits on one compartment (a segment centre; the zero-area nodes at section
// ends carry none). The cell calls, per step and per mechanism (no virtual call per
// instance):
//   add_current(v, d, rhs)  with the states as they are (NEURON's staggered scheme: gates at
//                           t + dt/2 when v is at t). The mechanism linearises its current
//                           about v: i(v') ~ i(v) + g (v' - v), g = di/dv, and adds g to the
//                           diagonal d[node] (uS) and g v - i(v) to rhs[node] (nA): outward
//                           current positive, as NEURON.
//   advance(v, dt)          after the new v is known: the states over the step with their
//                           rates at the new v (NEURON's cnexp: exact for frozen v).
// initialize(v) sets the states to their steady state at v (NEURON's INITIAL).
//
// Units inside: per-instance values are whole-compartment (the densities times the area):
// uS, nA, mV, ms. Parameters arrive in the table's units (S/cm2, mV, degC) per instance; the
// subclass converts once, at construction.
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace engram::dendrites {

struct MechanismParam {
  std::string_view name;
  std::string_view unit;
  double value;  // default
  double min, max;
  bool min_open;  // (min, max] rather than [min, max]
  std::string_view doc;
};

// Where the instances of one mechanism sit, and their parameters.
struct MechanismSites {
  std::vector<int32_t> node;                // compartment of each instance
  std::vector<double> area_um2;             // its membrane area
  std::vector<std::vector<double>> params;  // [parameter (table order)][instance]
};

class Mechanism {
 public:
  explicit Mechanism(MechanismSites sites) : sites_(std::move(sites)) {}
  virtual ~Mechanism() = default;
  Mechanism(const Mechanism&) = delete;
  Mechanism& operator=(const Mechanism&) = delete;

  virtual void initialize(const double* v) = 0;
  virtual void add_current(const double* v, double* d, double* rhs) = 0;
  virtual void advance(const double* v, double dt) = 0;
  // State `index` of the table, one value per instance (empty for mechanisms without state).
  virtual std::span<const double> state(size_t index) const = 0;

  std::span<const int32_t> nodes() const { return sites_.node; }
  size_t size() const { return sites_.node.size(); }

 protected:
  MechanismSites sites_;
};

struct MechanismInfo {
  std::string_view name;
  std::string_view doc;
  std::span<const MechanismParam> params;
  std::span<const std::string_view> states;
  std::unique_ptr<Mechanism> (*create)(MechanismSites sites);
};

std::span<const MechanismInfo* const> all_mechanisms();
const MechanismInfo* find_mechanism(std::string_view name);

// S/cm2 times um2 in uS (1e-8 cm2/um2 x 1e6 uS/S).
inline constexpr double kDensityToMicroSiemens = 1e-2;

}  // namespace engram::dendrites
