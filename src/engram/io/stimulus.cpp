#include "engram/io/stimulus.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace engram {

Stimulus::Stimulus(const StimulusSpec& spec, uint32_t index, const Network& net)
    : spec_(spec), dt_(net.dt), poisson_(spec.rate * net.dt * 1e-3) {
  const auto& pop = net.populations[spec.target];
  if (spec.neurons.empty()) {
    targets_.resize(pop.size);
    for (uint32_t i = 0; i < pop.size; ++i) targets_[i] = i;
    per_target_ = spec.per_target;
  } else {
    // ascending, so each thread's targets are one contiguous span
    std::vector<size_t> order(spec.neurons.size());
    for (size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return spec.neurons[a] < spec.neurons[b]; });
    for (size_t k : order) {
      targets_.push_back(spec.neurons[k]);
      if (!spec.per_target.empty()) per_target_.push_back(spec.per_target[k]);
    }
  }
  // this rank's threads' ranges are adjacent: thread t's targets are [first[t], first[t+1])
  for (uint32_t t = 0; t <= net.threads; ++t) {
    const uint32_t first = t < net.threads ? net.range(spec.target, t).first
                                           : net.range(spec.target, net.threads - 1).second;
    thread_first_.push_back(static_cast<size_t>(
        std::lower_bound(targets_.begin(), targets_.end(), first) - targets_.begin()));
  }
  // step s covers [s dt, (s+1) dt); it is active when start <= s dt < stop
  first_step_ = static_cast<int64_t>(std::ceil(spec.start / dt_ - 1e-9));
  last_step_ = std::isfinite(spec.stop)
                   ? static_cast<int64_t>(std::ceil(spec.stop / dt_ - 1e-9)) - 1
                   : std::numeric_limits<int64_t>::max();
  if (spec.kind == StimulusKind::noise || spec.kind == StimulusKind::poisson) {
    const Purpose purpose =
        spec.kind == StimulusKind::noise ? Purpose::noise_stimulus : Purpose::poisson_stimulus;
    streams_.reserve(targets_.size());
    for (uint32_t t : targets_)
      streams_.emplace_back(net.seed, purpose_word(purpose, index), pop.gid_offset + t);
  }
  if (spec.kind == StimulusKind::noise) {
    // Exact update of the Ornstein-Uhlenbeck process over one step (Gillespie 1996):
    // I <- mean + (I - mean) e^{-dt/tau} + std sqrt(1 - e^{-2 dt/tau}) xi
    ou_decay_ = std::exp(-dt_ / spec.tau);
    ou_kick_ = spec.std * std::sqrt(-std::expm1(-2.0 * dt_ / spec.tau));
    ou_.resize(targets_.size());
    // start in the stationary distribution
    for (size_t k = 0; k < targets_.size(); ++k)
      ou_[k] = spec.mean + spec.std * streams_[k].normal();
  }
}

double Stimulus::amplitude_at(double t) const {
  if (spec_.kind == StimulusKind::dc) return spec_.amplitude;
  const auto& ts = spec_.times;
  const auto& as = spec_.amplitudes;
  auto it = std::upper_bound(ts.begin(), ts.end(), t + 1e-9 * dt_);
  if (it == ts.begin()) return 0.0;
  size_t k = static_cast<size_t>(it - ts.begin()) - 1;
  if (!spec_.linear || k + 1 >= ts.size()) return as[k];
  double f = (t - ts[k]) / (ts[k + 1] - ts[k]);
  return as[k] + f * (as[k + 1] - as[k]);
}

void Stimulus::apply(int64_t step, Network& net, uint32_t thread) {
  if (step < first_step_ || step > last_step_) return;
  const size_t k0 = thread_first_[thread], k1 = thread_first_[thread + 1];
  auto& pop = net.populations[spec_.target];
  switch (spec_.kind) {
    case StimulusKind::dc:
    case StimulusKind::step_current:
    case StimulusKind::waveform: {
      // piecewise-linear waveforms are sampled at the middle of the step (second order)
      const double t = (static_cast<double>(step) + (spec_.linear ? 0.5 : 0.0)) * dt_;
      if (!per_target_.empty()) {
        for (size_t k = k0; k < k1; ++k) pop.i_stim[targets_[k]] += per_target_[k];
        break;
      }
      const double a = amplitude_at(t);
      for (size_t k = k0; k < k1; ++k) pop.i_stim[targets_[k]] += a;
      break;
    }
    case StimulusKind::noise:
      for (size_t k = k0; k < k1; ++k) {
        pop.i_stim[targets_[k]] += ou_[k];
        ou_[k] = spec_.mean + (ou_[k] - spec_.mean) * ou_decay_ + ou_kick_ * streams_[k].normal();
      }
      break;
    case StimulusKind::poisson: {
      SynInput* slot = pop.inputs.slot(static_cast<uint32_t>(spec_.receptor), step);
      for (size_t k = k0; k < k1; ++k) {
        slot[targets_[k]] += spec_.weight * poisson_(streams_[k]);
      }
      break;
    }
  }
}

std::vector<Stimulus> make_stimuli(const ModelSpec& spec, const Network& net) {
  std::vector<Stimulus> out;
  for (uint32_t i = 0; i < spec.stimuli.size(); ++i) out.emplace_back(spec.stimuli[i], i, net);
  return out;
}

}  // namespace engram
