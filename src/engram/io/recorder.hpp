#pragma once
// Recorders observe the engine through two calls: the spikes of a population in a step,
// and a sampling point after a step. They never reach into the engine's internals.
#include <cstdint>
#include <span>
#include <vector>

#include "engram/core/block_vector.hpp"
#include "engram/engine/network.hpp"
#include "engram/spec/model_spec.hpp"

namespace engram {

struct SpikeRecording {
  uint32_t population = 0;
  int64_t first_step = 0, last_step = 0;  // spikes of steps [first, last] (stamps in (start, stop])
  std::vector<uint8_t> selected;          // per neuron; empty: all neurons
  uint32_t recorded_neurons = 0;
  std::vector<double> t_ms;  // complete after Recorders::finish(), in (time, neuron) order
  std::vector<uint32_t> neuron;
  // while running: each local thread's spikes of the neurons it owns, a batch per step with
  // spikes (a cache line each: the headers change with every spike, and threads must not
  // share them)
  struct alignas(64) Part {
    BlockVector<int64_t> step;    // the steps with spikes, ascending
    BlockVector<uint32_t> count;  // how many in each
    BlockVector<uint32_t> neuron;
    BlockVector<double> offset;  // ms into the step; only for models with precise times
  };
  std::vector<Part> parts;
};

struct StateRecording {
  uint32_t population = 0;
  uint32_t state = 0;
  // the population's injected current (Population::i_stim, pA: the current of all current
  // stimuli and voltage clamps over the step that ends at the sample) rather than a state
  bool injected = false;
  std::string_view variable;  // its name, as in traces/<population>.<variable>.npy
  Dim dim = Dim::none;
  std::vector<uint32_t> neurons;
  int64_t interval_steps = 1;
  int64_t first_k = 0, last_k = 0;  // sampling points k·dt within [start, stop]
  std::vector<double> data;         // samples × neurons, row-major, allocated up front
  size_t samples = 0;
  // the columns each partition (thread of a rank) samples
  std::vector<std::vector<uint32_t>> columns_of_partition;
};

class Recorders {
 public:
  // n_steps: the steps the run will take (state recordings are allocated for them).
  Recorders(const ModelSpec& spec, const Network& net, int64_t n_steps);

  // A population's spikes in a step, stamped (step+1)·dt, of the neurons a thread owns.
  // `offsets`: per neuron of the population, the spike's time after the step's start (ms),
  // for models that locate threshold crossings inside the step; null: stamp (step+1)·dt.
  void on_spikes(uint32_t population, int64_t step, std::span<const uint32_t> spiked,
                 uint32_t thread = 0, const double* offsets = nullptr);
  // After the run: the threads' spikes merged into (time, neuron) order. With several ranks
  // every rank must call it; the root (rank 0) then holds every rank's spikes and samples,
  // the other ranks hold nothing to write.
  void finish(const Communicator& comm = world());
  // Sampling point at time index k (time k·dt), after the update of step k-1 (k=0: initial).
  // Each thread samples the neurons it owns; threads write disjoint entries.
  void sample(int64_t k, Network& net, uint32_t thread);

  // Index into spikes() for a population, or -1.
  int spike_recording_of(uint32_t population) const { return by_population_[population]; }
  const std::vector<SpikeRecording>& spikes() const { return spikes_; }
  const std::vector<StateRecording>& states() const { return states_; }

 private:
  void gather_to_root(const Communicator& comm);

  double dt_;
  uint32_t threads_ = 1;  // per rank
  std::vector<int> by_population_;
  std::vector<SpikeRecording> spikes_;
  std::vector<StateRecording> states_;
};

}  // namespace engram
