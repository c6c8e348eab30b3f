#pragma once
#include <array>
#include <chrono>
#include <functional>
#include <vector>

#include "engram/analysis/spike_statistics.hpp"
#include "engram/engine/gap_junctions.hpp"
#include "engram/engine/network.hpp"
#include "engram/io/recorder.hpp"
#include "engram/io/stimulus.hpp"
#include "engram/io/weight_recorder.hpp"
#include "engram/spec/model_spec.hpp"

namespace engram {

// Called between min-delay intervals with simulated and total time (ms).
using ProgressFn = std::function<void(double t_ms, double total_ms)>;

class Simulation {
 public:
  // Builds the network (timed as build_seconds). With several ranks every rank constructs
  // its Simulation and calls run(); each simulates its own partitions.
  explicit Simulation(const ModelSpec& spec, const Communicator& comm = world());

  // Runs the protocol's duration. Throws RuntimeFailure on numerical blow-up.
  void run(const ProgressFn& progress = {});

  const ModelSpec& spec() const { return spec_; }
  const Communicator& comm() const { return comm_; }
  Network& network() { return net_; }
  const Network& network() const { return net_; }
  const Recorders& recorders() const { return recorders_; }
  const WeightRecorders& weight_recorders() const { return weights_; }
  const GapJunctions& gap_junctions() const { return gaps_; }
  // Per [[reward]]: the pairings seen and the dopamine releases made so far.
  struct RewardCount {
    uint64_t pairings = 0, releases = 0;
    std::vector<double> release_ms;
  };
  std::vector<RewardCount> reward_counts() const;
  const std::vector<SpikeStatistics>& statistics() const { return stats_; }
  double build_seconds() const { return build_s_; }
  double sim_seconds() const { return sim_s_; }
  // The delivery's row index (row_index_), beside the network's own synapse index.
  size_t row_index_bytes() const;
  // Per local thread: seconds spent waiting for the other threads (and, on thread 0, for
  // the other ranks' spikes); the rest of sim_seconds is its own work. Unequal waits mean
  // unequal work or unequal cores.
  const std::vector<double>& wait_seconds() const { return wait_s_; }
  // Per local thread: seconds in its neurons' updates (with stimuli and recording) and in
  // delivering the interval's spikes onto its targets (with plasticity).
  const std::vector<double>& update_seconds() const { return update_s_; }
  const std::vector<double>& deliver_seconds() const { return deliver_s_; }
  double exchange_seconds() const { return exchange_s_; }
  int64_t steps() const { return n_steps_; }

 private:
  struct Fired {
    int64_t step;
    uint32_t neuron;
  };
  struct ThreadScratch {
    std::vector<std::vector<SynInput*>> syn;  // per population: the slots of the step
    std::vector<uint32_t> spiked;
  };
  // Steps [first, end) for the neurons of thread t: stimuli, update, statistics, recording;
  // the spikes go to fired_[parity][t].
  void advance(uint32_t t, int64_t first, int64_t end, int parity, ThreadScratch& scratch);
  // All threads' spikes of the interval, in (step, global id) order, onto thread t's targets.
  void deliver(uint32_t thread, int64_t first, int64_t end, int parity);
  // Between ranks, after an interval: sends this rank's spike lists, receives the others'
  // into fired_[parity]. Returns true if any rank reported a failure (`failed`).
  bool exchange(int64_t first, int parity, bool failed);
  // Plasticity of thread t's shards for the spikes of step s, after they were delivered:
  // the step's own post spikes enter the histories; weights are brought up to date and
  // sampled at sampling points and phase boundaries.
  void plasticity_after_step(uint32_t thread, int64_t s, int parity, std::vector<size_t>& at,
                             const std::vector<uint32_t>& dopamine_spikes,
                             const std::vector<uint32_t>& reward_releases);
  // The factor on weight changes at step s (the protocol phase's `plasticity`).
  double plasticity_scale(int64_t s) const;
  // Throws RuntimeFailure if a neuron of the thread's ranges has diverged.
  void check_finite(int64_t step, uint32_t thread) const;

  ModelSpec spec_;
  const Communicator& comm_;
  std::chrono::steady_clock::time_point build_start_;
  Network net_;
  GapJunctions gaps_;
  std::vector<Stimulus> stimuli_;
  Recorders recorders_;
  WeightRecorders weights_;
  std::vector<uint32_t> plastic_;  // projections with long-term plasticity or scaling
  std::vector<std::vector<uint32_t>> consolidating_;  // per target population with consolidation
  std::vector<uint8_t> dopamine_sources_;  // per population: releases dopamine (or empty)
  // [[reward]] state, one copy per thread (every thread sees every spike and keeps its own)
  struct RewardState {
    int64_t last_pre = -1;
    uint64_t pairings = 0, releases = 0;
    std::vector<int64_t> pending;  // release steps, ascending
    std::vector<double> release_ms;
  };
  std::vector<std::vector<RewardState>> reward_state_;
  int64_t flush_every_ = 1;
  std::vector<int64_t> phase_starts_;  // steps where a protocol phase begins (after the first)
  std::vector<std::vector<size_t>> post_cursor_;  // per thread and population: own spikes seen
  std::vector<SpikeStatistics> stats_;
  std::vector<std::vector<size_t>> cursor_;  // per thread: scratch of deliver
  // One projection's shard as deliver() reads it: the synapse arrays, and where the spikes
  // of the step being delivered arrive.
  struct Route {
    // source n's row is [row_offset[n * stride], row_offset[(n + 1) * stride])
    const uint32_t* row_offset = nullptr;
    uint32_t stride = 1;
    const uint32_t* target = nullptr;
    const float* weight = nullptr;    // null: uniform_weight
    const uint16_t* delay = nullptr;  // null: uniform_delay
    double uniform_weight = 0;
    uint32_t uniform_delay = 1;
    InputSlots inputs{nullptr, 1, 0};    // the thread's slots of the target population
    SynInput* receptor_slots = nullptr;  // of the target receptor (inputs.receptor_slots)
    uint32_t now = 0;                    // the step's slot index
    SynInput* slot = nullptr;            // the step's arrivals at uniform_delay
    Projection* plastic = nullptr;       // plastic synapses deliver through their dynamics
    double learning_rate = 1;
    // the slot where the step's spikes arrive after `delay` steps (delay < inputs.slots())
    SynInput* arrivals(uint32_t delay) const {
      const uint32_t at = now + delay;
      return receptor_slots +
             size_t{at < inputs.slots() ? at : at - inputs.slots()} * inputs.size();
    }
  };
  std::vector<std::vector<std::vector<Route>>> routes_;  // per thread and source population
  // Per thread and source population: the row offsets of the population's static outgoing
  // shards side by side (route r of neuron n starts at [n * R + r], R routes), so that the
  // rows of a spike are found in one cache line rather than one per projection; empty
  // where R < 2. Plastic shards keep their own offsets.
  std::vector<std::vector<std::vector<uint32_t>>> row_index_;
  void index_rows();
  std::vector<uint32_t> send_;  // exchange scratch
  std::vector<std::byte> received_;
  std::vector<size_t> received_at_;
  // [parity][partition][population]: the spikes of an interval, double-buffered
  std::array<std::vector<std::vector<std::vector<Fired>>>, 2> fired_;
  double build_s_ = 0, sim_s_ = 0, exchange_s_ = 0;
  std::vector<double> wait_s_, update_s_, deliver_s_;
  int64_t n_steps_ = 0;
};

}  // namespace engram
