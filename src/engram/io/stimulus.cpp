// Stimuli: current clamps, noise, Poisson input and the voltage clamp.
//
// The voltage clamp (kind "voltage_clamp"): one electrode with series resistance rs holds the
// cell at a command potential v_c, injecting i = (v_c - v)/rs, as NEURON's SEClamp. The engine
// injects currents that are constant over a step and computed before the model's update
// (StepInput::i_stim), so the clamp current of step n is computed from v_n, the potential at
// the start of the step. Taken literally, i_n = (v_c - v_n)/rs is explicit Euler on a time
// constant tau = rs C_m, unstable for dt > 2 rs C_m: a 100 pF cell at rs = 1 MOhm has
// tau = 0.1 ms, at rs = 0.01 MOhm 1 us, far below any dt used. NEURON solves the clamp
// implicitly with the membrane's linearised currents; a stimulus cannot see those, so the
// clamp here integrates its own stiff part exactly and estimates the rest from the last step.
//
// Scheme. Over step n the membrane obeys C dv/dt = (v_c - v)/rs - I_m, where I_m is
// everything else (ionic, synaptic and other injected currents, membrane current positive
// outward). Freeze I_m at the estimate
//     I_hat = i_{n-1} - C (v_n - v_{n-1})/dt,
// which is exactly the mean of I_m over the previous step (charge balance over that step).
// Then v relaxes exactly toward v_inf = v_c - rs I_hat with time constant tau = rs C, and the
// mean clamp current over the step is
//     i_n = I_hat + phi ((v_c - v_n)/rs - I_hat),   phi = (1 - e^{-x})/x,  x = dt/tau.
// Injected as a constant, i_n moves exactly the charge the continuous clamp would move if I_m
// kept its estimated value. Properties:
//  - the fixed point is exact at any dt: when v stops changing, I_hat = i and
//    v = v_c - rs i, the two-resistor divider of the continuous clamp (a passive cell ends at
//    (v_c R_m + E_L rs)/(R_m + rs); tests/validation/voltage_clamp_test.cpp);
//  - stable for every rs and dt: coupled to a membrane of conductance G (integrated exactly),
//    the error map (v_n, v_{n-1}, i_{n-1}) has spectral radius < 1 for all rs C/dt in
//    [1e-4, 1e4] and G dt/C in [0, 1e3] (it tends to 1 only where both rs C/dt -> 0 and
//    G dt/C -> infinity);
//  - rs -> infinity gives phi -> 1, i_n = (v_c - v_n)/rs: the explicit clamp, accurate there
//    because tau >> dt; rs -> 0 gives phi -> 0, i_n = I_hat + C (v_c - v_n)/dt: the charge that
//    takes v to v_c within the step, plus the membrane current of the last step;
//  - the price is a one-step lag of I_hat: where the membrane current changes fast within a
//    step (the sodium current of a Hodgkin-Huxley cell just after a command step, or the step
//    after a command change in a cell with a large conductance) v strays from v_c by
//    about (change of I_m over a step) x dt/C until the next step corrects it. Against
//    NEURON's SEClamp on hh_squid (100 pF, rs 0.01 MOhm, -65 -> 0 mV), the peak sodium current
//    is within 2 % at dt 0.025 ms; the clamp current settles to NEURON's within a few steps
//    of each command change. Use a smaller dt where the first 0.1 ms after a step matter.
// The first active step takes I_hat from the step before the clamp starts (I_hat = 0 when it
// starts at t = 0). A neuron's clamp state is its own, so the current does not depend on the
// partition. After the last duration the clamp releases the cell, as SEClamp does.
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
  if (spec.kind == StimulusKind::voltage_clamp) {
    bounds_.push_back(spec.start);
    for (double d : spec.durations) bounds_.push_back(bounds_.back() + d);
    g_s_ = 1000.0 / spec.rs;  // 1/MOhm = 1000 nS
    c_per_dt_ = spec.c_m / dt_;
    const double x = dt_ / (spec.rs * spec.c_m * 1e-3);  // MOhm x pF = 1e-3 ms
    phi_ = -std::expm1(-x) / x;
    i_prev_.assign(targets_.size(), 0.0);
    v_prev_.resize(targets_.size());
    auto v = net.populations[spec.target].group->state(0);
    for (size_t k = 0; k < targets_.size(); ++k) v_prev_[k] = v[targets_[k]];
  }
  if (spec.kind == StimulusKind::noise) {
    // Exact update of the Ornstein-Uhlenbeck process over one step (Gillespie 1996):
    // I <- mean + (I - mean) e^{-dt/tau} + std sqrt(1 - e^{-2 dt/tau}) xi.
    // tau = 0: an independent value each step, held over it (NEST's noise_generator), drawn
    // from a Gaussian or a uniform distribution of the same mean and std.
    ou_decay_ = spec.tau > 0 ? std::exp(-dt_ / spec.tau) : 0.0;
    ou_kick_ = spec.tau > 0 ? spec.std * std::sqrt(-std::expm1(-2.0 * dt_ / spec.tau)) : spec.std;
    ou_.resize(targets_.size());
    // start in the stationary distribution
    for (size_t k = 0; k < targets_.size(); ++k) ou_[k] = spec.mean + spec.std * innovation(k);
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

double Stimulus::level_at(double t) const {
  auto it = std::upper_bound(bounds_.begin(), bounds_.end(), t + 1e-9 * dt_);
  const auto k = std::clamp<ptrdiff_t>(it - bounds_.begin() - 1, 0,
                                       static_cast<ptrdiff_t>(spec_.levels.size()) - 1);
  return spec_.levels[static_cast<size_t>(k)];
}

void Stimulus::apply(int64_t step, Network& net, uint32_t thread) {
  const size_t k0 = thread_first_[thread], k1 = thread_first_[thread + 1];
  auto& pop = net.populations[spec_.target];
  if (spec_.kind == StimulusKind::voltage_clamp && step == first_step_ - 1) {
    // the step before the clamp starts: its charge balance gives the first step's I_hat
    auto v = pop.group->state(0);
    for (size_t k = k0; k < k1; ++k) v_prev_[k] = v[targets_[k]];
    return;
  }
  if (step < first_step_ || step > last_step_) return;
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
        ou_[k] = spec_.mean + (ou_[k] - spec_.mean) * ou_decay_ + ou_kick_ * innovation(k);
      }
      break;
    case StimulusKind::poisson: {
      SynInput* slot = pop.inputs.slot(static_cast<uint32_t>(spec_.receptor), step, thread);
      for (size_t k = k0; k < k1; ++k) {
        slot[targets_[k]] += spec_.weight * poisson_(streams_[k]);
      }
      break;
    }
    case StimulusKind::voltage_clamp: {
      const double v_c = level_at(static_cast<double>(step) * dt_);
      auto v = pop.group->state(0);
      for (size_t k = k0; k < k1; ++k) {
        const double v0 = v[targets_[k]];
        const double i_m = i_prev_[k] - c_per_dt_ * (v0 - v_prev_[k]);  // I_hat, pA
        const double i = i_m + phi_ * (g_s_ * (v_c - v0) - i_m);
        i_prev_[k] = i;
        v_prev_[k] = v0;
        pop.i_stim[targets_[k]] += i;
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
