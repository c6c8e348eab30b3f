#pragma once
// Current clamp point process, as NEURON's IClamp: amp (nA, positive depolarises) from delay
// for dur ms, at one location of the cell. Like NEURON, the clamp is evaluated at the middle
// of each step: a step [t, t + dt) carries amp when delay <= t + dt/2 < delay + dur, so with
// delay and dur multiples of dt the pulse covers exactly [delay, delay + dur).
#include <cstdint>
#include <span>
#include <vector>

namespace engram::dendrites {

// A location on a cell: section index and position x in [0, 1] along it.
struct Location {
  int section = 0;
  double x = 0.5;
};

struct IClamp {
  Location where;
  double delay = 0;  // ms
  double dur = 0;    // ms
  double amp = 0;    // nA
};

// The clamps of one cell, placed on their compartments.
class IClampSet {
 public:
  void add(int32_t node, const IClamp& c);
  // Adds the clamps' currents during the step whose midpoint is t_mid (ms) to rhs (nA).
  void add_current(double t_mid, double* rhs) const;
  size_t size() const { return node_.size(); }

 private:
  std::vector<int32_t> node_;
  std::vector<double> on_, off_, amp_;
};

}  // namespace engram::dendrites
