#include "engram/plasticity/clopath_rule.hpp"

#include <algorithm>
#include <cmath>

namespace engram {

ClopathRule::ClopathRule(const StdpSpec& spec, double dt, uint32_t n_pre, uint32_t post_lo,
                         uint32_t post_hi)
    : spec_(spec), dt_(dt), post_lo_(post_lo), n_post_(post_hi - post_lo) {
  // beyond 40 tau_x the trace is below 5e-18 of its value: exp then is as cheap as it is rare
  const auto n = static_cast<size_t>(std::min(65536.0, std::ceil(40 * spec_.tau_x / dt)));
  decay_table_.resize(n);
  for (size_t i = 0; i < n; ++i)
    decay_table_[i] = std::exp(-static_cast<double>(i) * dt / spec_.tau_x);
  last_.assign(n_pre, -1);
  x_.assign(n_pre, 0.0);
  applied_.assign(n_pre, 0);
  ltp_.resize(n_post_);
}

double ClopathRule::decay(int64_t steps) const {
  return steps < static_cast<int64_t>(decay_table_.size())
             ? decay_table_[static_cast<size_t>(steps)]
             : std::exp(-static_cast<double>(steps) * dt_ / spec_.tau_x);
}

void ClopathRule::record(const ModelInfo& model, NeuronGroup& group, int64_t s, int64_t interval) {
  if (rows_[0] < 0)
    for (int r = 0; r < 4; ++r) rows_[r] = find_index(model.state, kRows[r]);
  if (ring_ < interval) {
    // every step of an interval is recorded before any is delivered
    ring_ = std::max<int64_t>(1, interval);
    ltd_.assign(static_cast<size_t>(ring_) * n_post_, 0.0);
  }
  const double* u = group.state(static_cast<size_t>(rows_[0])).data() + post_lo_;
  const double* up = group.state(static_cast<size_t>(rows_[1])).data() + post_lo_;
  const double* um = group.state(static_cast<size_t>(rows_[2])).data() + post_lo_;
  const double* uu = group.state(static_cast<size_t>(rows_[3])).data() + post_lo_;
  double* d = &ltd_[static_cast<size_t>(s % ring_) * n_post_];
  const double tp = spec_.theta_plus, tm = spec_.theta_minus;
  for (uint32_t i = 0; i < n_post_; ++i) {
    if (u[i] > tp && up[i] > tm)
      ltp_[i].push_back(Ltp{s, spec_.a_ltp * (u[i] - tp) * (up[i] - tm) * dt_});
    double ltd = um[i] > tm ? spec_.a_ltd * (um[i] - tm) : 0.0;
    // NEST's form: the filtered potential itself (mV), not its distance from rest
    if (spec_.homeostasis) ltd *= uu[i] * uu[i] / spec_.u_ref_squared;
    d[i] = ltd;
  }
}

double ClopathRule::potentiate(double w, uint32_t i, uint32_t pre, int64_t from, int64_t until,
                               double scale) const {
  const auto& h = ltp_[i];
  auto it = std::lower_bound(h.begin(), h.end(), from,
                             [](const Ltp& e, int64_t step) { return e.step < step; });
  const double x = x_[pre];
  const int64_t last = last_[pre];
  for (; it != h.end() && it->step < until; ++it)
    w = std::min(w + it->amount * x * decay(it->step - last) * scale, spec_.w_max);
  return w;
}

void ClopathRule::on_pre_spike(Projection& pr, InputSlots inputs, uint32_t pre, int64_t s,
                               double scale, double efficacy) {
  const int64_t last = last_[pre];
  const int64_t from = applied_[pre];
  const uint32_t begin = pr.row_offset[pre], end = pr.row_offset[pre + 1];
  const uint32_t* tgt = pr.target.data();
  float* weight = pr.weight.data();
  const double* d = ring_ > 0 ? &ltd_[static_cast<size_t>(s % ring_) * n_post_] : nullptr;
  for (uint32_t k = begin; k < end; ++k) {
    const uint32_t i = tgt[k] - post_lo_;
    double w = weight[k];
    if (last >= 0 && !ltp_[i].empty()) w = potentiate(w, i, pre, from, s + 1, scale);
    if (d) w = std::max(w - d[i] * scale, spec_.w_min);
    weight[k] = static_cast<float>(w);
    // as NEST: the spike carries the weight after its own depression
    const int64_t delay = pr.delay.empty() ? pr.uniform_delay : pr.delay[k];
    inputs.slot(pr.receptor, s + delay)[tgt[k]] += static_cast<SynInput>(weight[k] * efficacy);
  }
  x_[pre] = (last >= 0 ? x_[pre] * decay(s - last) : 0.0) + 1.0 / spec_.tau_x;
  last_[pre] = s;
  applied_[pre] = s + 1;
}

void ClopathRule::flush(Projection& pr, int64_t until, double scale) {
  float* weight = pr.weight.data();
  const uint32_t* tgt = pr.target.data();
  for (uint32_t pre = 0; pre < last_.size(); ++pre) {
    const int64_t from = applied_[pre];
    if (last_[pre] >= 0 && from < until)
      for (uint32_t k = pr.row_offset[pre]; k < pr.row_offset[pre + 1]; ++k) {
        const uint32_t i = tgt[k] - post_lo_;
        if (!ltp_[i].empty())
          weight[k] = static_cast<float>(potentiate(weight[k], i, pre, from, until, scale));
      }
    applied_[pre] = std::max(from, until);
  }
  // every synapse has seen the steps before `until` (the later ones of the interval stay)
  for (auto& h : ltp_) {
    auto it = std::lower_bound(h.begin(), h.end(), until,
                               [](const Ltp& e, int64_t step) { return e.step < step; });
    h.erase(h.begin(), it);
    if (h.capacity() > 64 && h.size() < h.capacity() / 4) h.shrink_to_fit();
  }
}

size_t ClopathRule::state_bytes() const {
  size_t n = (last_.capacity() + applied_.capacity()) * sizeof(int64_t) +
             (x_.capacity() + ltd_.capacity() + decay_table_.capacity()) * sizeof(double) +
             ltp_.capacity() * sizeof(std::vector<Ltp>);
  for (const auto& h : ltp_) n += h.capacity() * sizeof(Ltp);
  return n;
}

}  // namespace engram
