#include "engram/dendrites/mechanisms/iclamp.hpp"

namespace engram::dendrites {

void IClampSet::add(int32_t node, const IClamp& c) {
  node_.push_back(node);
  on_.push_back(c.delay);
  off_.push_back(c.delay + c.dur);
  amp_.push_back(c.amp);
}

void IClampSet::add_current(double t_mid, double* rhs) const {
  for (size_t k = 0; k < node_.size(); ++k)  // several clamps may share a node: no ivdep
    if (t_mid >= on_[k] && t_mid < off_[k]) rhs[node_[k]] += amp_[k];
}

}  // namespace engram::dendrites
