// The simulation loop.
//
// Ordering contract, per min-delay interval [T, T+m):
//   for each step s in the interval:
//     1. stimuli add their input of step s (currents into i_stim, Poisson counts into the
//        receptor slot s);
//     2. each population in declaration order updates all its neurons from s·dt to
//        (s+1)·dt, reading and zeroing ring-buffer slot s; spikes are appended to the
//        interval's list, which is thereby ordered by (step, global id);
//     3. recorders see the spikes and sample state at time (s+1)·dt.
//   then all spikes of the interval are delivered in (step, global id) order; each source
//   row in projection order, each row's synapses in CSR order, into slot step + delay.
// Since every delay is >= m, a delivered spike always lands in a slot not yet read. The
// fixed delivery order makes every floating-point sum into a target's slot happen in the
// same order for any partition of the neurons.
#include "engram/engine/simulation.hpp"

#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "engram/core/error.hpp"

namespace engram {

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

Simulation::Simulation(const ModelSpec& spec)
    : spec_(spec),
      build_start_(std::chrono::steady_clock::now()),
      net_(build_network(spec_)),
      stimuli_(make_stimuli(spec_, net_)),
      recorders_(spec_, net_) {
  n_steps_ = static_cast<int64_t>(std::llround(spec_.protocol.duration / spec_.protocol.dt));
  const auto bin = std::max<int64_t>(1, std::llround(1.0 / spec_.protocol.dt));  // 1 ms bins
  for (const auto& p : net_.populations) stats_.emplace_back(p.size, n_steps_, bin);
  build_s_ = seconds_since(build_start_);
}

void Simulation::deliver() {
  for (const Spike& sp : interval_spikes_) {
    const Population& src = net_.populations[sp.population];
    for (uint32_t pj : src.outgoing) {
      const Projection& pr = net_.projections[pj];
      Population& dst = net_.populations[pr.to];
      const uint32_t begin = pr.row_offset[sp.neuron], end = pr.row_offset[sp.neuron + 1];
      if (begin == end) continue;
      const uint32_t* tgt = pr.target.data();
      if (pr.delay.empty()) {
        SynInput* slot = dst.inputs.slot(pr.receptor, sp.step + pr.uniform_delay);
        if (pr.weight.empty()) {
          const double w = pr.uniform_weight;
          for (uint32_t k = begin; k < end; ++k) slot[tgt[k]] += w;
        } else {
          const float* w = pr.weight.data();
          for (uint32_t k = begin; k < end; ++k) slot[tgt[k]] += w[k];
        }
      } else {
        for (uint32_t k = begin; k < end; ++k) {
          SynInput* slot = dst.inputs.slot(pr.receptor, sp.step + pr.delay[k]);
          slot[tgt[k]] += pr.weight.empty() ? pr.uniform_weight : static_cast<double>(pr.weight[k]);
        }
      }
    }
  }
  interval_spikes_.clear();
}

void Simulation::check_finite(int64_t step) const {
  for (const auto& pop : net_.populations) {
    if (pop.model->kind != ModelKind::neuron) continue;
    auto v = pop.group->state(0);
    // a branch-free scan (vectorised); the offending neuron is searched only on failure
    int bad = 0;
    for (uint32_t i = 0; i < pop.size; ++i) bad |= !(std::fabs(v[i]) < 1e6);  // NaN fails too
    if (!bad) continue;
    for (uint32_t i = 0; i < pop.size; ++i) {
      if (std::fabs(v[i]) < 1e6) continue;
      throw RuntimeFailure(fmt::format(
          "numerical blow-up: population '{}' neuron {} has {} = {} at t = {:g} ms; the inputs "
          "are too strong for the model or the time step is too large (try a smaller dt)",
          pop.name, i, pop.model->state[0].name, v[i], static_cast<double>(step + 1) * net_.dt));
    }
  }
}

void Simulation::run(const ProgressFn& progress) {
  auto t0 = std::chrono::steady_clock::now();
  const int64_t m = net_.projections.empty() ? 1 : net_.min_delay;
  const double total_ms = static_cast<double>(n_steps_) * net_.dt;
  std::vector<StepInput> inputs(net_.populations.size());
  std::vector<std::vector<SynInput*>> syn(net_.populations.size());
  for (size_t p = 0; p < net_.populations.size(); ++p)
    syn[p].resize(net_.populations[p].inputs.receptors());

  const int64_t check_every = std::max<int64_t>(1, std::llround(1.0 / net_.dt));
  int64_t next_check = 0;
  recorders_.sample(0, net_);
  for (int64_t T = 0; T < n_steps_; T += m) {
    const int64_t end = std::min(T + m, n_steps_);
    for (int64_t s = T; s < end; ++s) {
      for (auto& pop : net_.populations)
        if (!pop.i_stim.empty()) std::fill(pop.i_stim.begin(), pop.i_stim.end(), 0.0);
      for (auto& st : stimuli_) st.apply(s, net_);
      for (uint32_t p = 0; p < net_.populations.size(); ++p) {
        Population& pop = net_.populations[p];
        for (uint32_t r = 0; r < syn[p].size(); ++r) syn[p][r] = pop.inputs.slot(r, s);
        StepInput in{s, syn[p], pop.i_stim.empty() ? nullptr : pop.i_stim.data()};
        spiked_.clear();
        pop.group->update(in, 0, pop.size, spiked_);
        if (spiked_.empty()) continue;
        auto& st = stats_[p];
        for (uint32_t n : spiked_) st.add(n, s);
        recorders_.on_spikes(p, s, spiked_);
        if (!pop.outgoing.empty())
          for (uint32_t n : spiked_) interval_spikes_.push_back(Spike{s, p, n});
      }
      recorders_.sample(s + 1, net_);
    }
    deliver();
    // a blow-up is caught within about a millisecond of simulated time; checking every step
    // would cost as much as a cheap neuron update
    if (end >= next_check || end == n_steps_) {
      check_finite(end - 1);
      next_check = end + check_every;
    }
    if (progress) progress(static_cast<double>(end) * net_.dt, total_ms);
  }
  sim_s_ = seconds_since(t0);
}

}  // namespace engram
