#pragma once
// Single-electrode voltage clamp point process, as NEURON's SEClamp (svclmp.mod): the
// electrode holds its command potential vc through a series resistance rs, injecting
//   i = (vc - v) / rs                        (nA with MOhm and mV; positive into the cell)
// with vc = amp1 for t < dur1, amp2 for t < dur1 + dur2, amp3 for t < dur1 + dur2 + dur3,
// and no current after that (t = 0 at the start of the run). As NEURON's fixed step, the
// levels are read at the middle of each step and the clamp is implicit: it adds 1/rs to the
// diagonal and vc/rs to the right-hand side of its node's row, stable for any rs and dt.
// The recorded current, current(), is NEURON's SEClamp.i after the step: (vc - v) / rs with
// the step's vc and the new v at the node.
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "engram/dendrites/mechanisms/iclamp.hpp"

namespace engram::dendrites {

struct SEClamp {
  Location where;
  double rs = 1.0;                     // MOhm, series resistance (NEURON's default)
  std::array<double, 3> dur{0, 0, 0};  // ms, durations of the three levels
  std::array<double, 3> amp{0, 0, 0};  // mV, command potentials
};

// The voltage clamps of one cell, placed on their nodes.
class SEClampSet {
 public:
  void add(int32_t node, const SEClamp& c);
  // Adds the clamps' conductance (uS) and driving term (nA) for the step whose midpoint is
  // t_mid (ms) to d and rhs.
  void add_conductance(double t_mid, double* d, double* rhs);
  // Records each clamp's current with the new membrane potentials.
  void record(const double* v);
  // nA, per clamp in the order added: the current of the last step (0 before any step).
  std::span<const double> current() const { return i_; }
  size_t size() const { return node_.size(); }
  void reset();

 private:
  std::vector<int32_t> node_;
  std::vector<SEClamp> clamp_;
  std::vector<double> g_, vc_, on_, i_;  // per clamp: uS, mV, 0/1, nA
};

}  // namespace engram::dendrites
