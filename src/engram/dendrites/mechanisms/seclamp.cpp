#include "engram/dendrites/mechanisms/seclamp.hpp"

#include <algorithm>

namespace engram::dendrites {

void SEClampSet::add(int32_t node, const SEClamp& c) {
  node_.push_back(node);
  clamp_.push_back(c);
  g_.push_back(1.0 / c.rs);
  vc_.push_back(0.0);
  on_.push_back(0.0);
  i_.push_back(0.0);
}

void SEClampSet::add_conductance(double t_mid, double* d, double* rhs) {
  for (size_t k = 0; k < node_.size(); ++k) {  // several clamps may share a node
    const SEClamp& c = clamp_[k];
    const double t1 = c.dur[0], t2 = t1 + c.dur[1], t3 = t2 + c.dur[2];
    // svclmp.mod's vstim(): the first level whose end lies after t
    const bool on = t_mid < t3;
    vc_[k] = t_mid < t1 ? c.amp[0] : (t_mid < t2 ? c.amp[1] : (on ? c.amp[2] : 0.0));
    on_[k] = on ? 1.0 : 0.0;
    if (!on) continue;
    d[node_[k]] += g_[k];
    rhs[node_[k]] += g_[k] * vc_[k];
  }
}

void SEClampSet::record(const double* v) {
  for (size_t k = 0; k < node_.size(); ++k) i_[k] = on_[k] * (vc_[k] - v[node_[k]]) * g_[k];
}

void SEClampSet::reset() {
  std::fill(i_.begin(), i_.end(), 0.0);
  std::fill(on_.begin(), on_.end(), 0.0);
}

}  // namespace engram::dendrites
