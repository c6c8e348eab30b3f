#pragma once
// Stimuli applied before each step's neuron update: current clamps (DC, steps, waveforms,
// Ornstein-Uhlenbeck noise) add to the target's injected current, constant over the step;
// Poisson input adds weight × count to the target's receptor slot of the step, with an
// independent train per target neuron.
//
// A voltage clamp adds the current of a single electrode with series resistance (NEURON's
// SEClamp), computed from the start-of-step membrane potential; the scheme is derived at the
// top of stimulus.cpp.
//
// RNG keys: (seed, noise|poisson stimulus index, target global id); each target neuron's
// stream advances once per step, so trains do not depend on the partition.
#include <memory>
#include <vector>

#include "engram/core/random.hpp"
#include "engram/engine/network.hpp"
#include "engram/spec/model_spec.hpp"

namespace engram {

class Stimulus {
 public:
  Stimulus(const StimulusSpec& spec, uint32_t index, const Network& net);
  // Adds this stimulus's contribution for step `step` to the targets owned by `thread`.
  void apply(int64_t step, Network& net, uint32_t thread = 0);

 private:
  double amplitude_at(double t) const;  // current clamps, pA
  double level_at(double t) const;      // voltage clamp: command potential, mV

  StimulusSpec spec_;
  std::vector<uint32_t> targets_;     // local indices, ascending
  std::vector<double> per_target_;    // dc amplitudes aligned with targets_, if given
  std::vector<size_t> thread_first_;  // targets_[thread_first_[t], thread_first_[t+1]) are t's
  int64_t first_step_, last_step_;    // active steps [first, last]
  double dt_;
  // noise: OU state per target; noise & poisson: a stream per target
  std::vector<double> ou_;
  std::vector<RandomStream> streams_;
  double ou_decay_ = 0, ou_kick_ = 0;
  // a draw of zero mean and unit variance for target k: Gaussian, or uniform on
  // [-sqrt 3, sqrt 3] (noise with distribution = "uniform")
  double innovation(size_t k) {
    return spec_.uniform ? 1.7320508075688772 * (2 * streams_[k].uniform() - 1)
                         : streams_[k].normal();
  }
  PoissonSampler poisson_;
  // voltage clamp: level k is held in [bounds_[k], bounds_[k+1]) ms; per target, the clamp
  // current (pA) and the membrane potential (mV) at the start of the previous step
  std::vector<double> bounds_, i_prev_, v_prev_;
  double g_s_ = 0;       // 1/rs, nS
  double c_per_dt_ = 0;  // C_m/dt, nS
  double phi_ = 1;       // (1 - e^{-x})/x, x = dt/(rs C_m)
};

std::vector<Stimulus> make_stimuli(const ModelSpec& spec, const Network& net);

}  // namespace engram
