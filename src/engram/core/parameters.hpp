#pragma once
// Declarative tables that describe a model: its parameters, recordable state and receptor
// ports. Validation, `engram models`, the docs and recorders all read these tables, so a key
// is spelled exactly once.
#include <limits>
#include <span>
#include <string>
#include <string_view>

#include "engram/core/units.hpp"

namespace engram {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

struct ParamSpec {
  std::string_view name;
  Dim dim;
  double default_value;
  double lo = -kInf;  // valid range
  double hi = kInf;
  bool lo_open = false;  // true: value must be > lo (not >=)
  bool hi_open = false;
  std::string_view doc;

  bool admits(double v) const {
    if (lo_open ? !(v > lo) : !(v >= lo)) return false;
    if (hi_open ? !(v < hi) : !(v <= hi)) return false;
    return true;
  }
  // "> 0 ms", "[0, 1]", "any" ...
  std::string range_text() const;
};

struct StateSpec {
  std::string_view name;
  Dim dim;
  std::string_view doc;
  std::string_view init_param = {};  // initial value taken from this parameter, if set
  double init_value = 0.0;           // otherwise this value
};

// What a receptor port does to the membrane, for Dale's principle (a population declared
// excitatory may only excite). For a conductance port it is fixed by the reversal potential
// and the weight is a magnitude; for a current or voltage-jump port it is the sign the weight
// must have (exc: >= 0, inh: <= 0). `either`: the weight's sign alone decides (McCulloch-Pitts).
enum class ReceptorSign { either, excitatory, inhibitory };

struct ReceptorSpec {
  std::string_view name;
  Dim weight_dim;  // unit of a synaptic weight onto this port
  std::string_view doc;
  ReceptorSign sign = ReceptorSign::either;
};

// Index of `name` in a table, or -1.
template <class Spec>
int find_index(std::span<const Spec> table, std::string_view name) {
  for (size_t i = 0; i < table.size(); ++i)
    if (table[i].name == name) return static_cast<int>(i);
  return -1;
}

}  // namespace engram
