#pragma once
// Runtime of the voltage-based STDP rule of Clopath et al. (2010) for one projection shard
// (rule_spec.hpp: StdpRule::clopath), owned by its SynapseDynamics.
//
// Time grid. The target's state after step e (time (e+1)·dt) gives, per target,
//   LTP amount  g(e) = a_ltp · [u - theta_plus]+ · [ū+ - theta_minus]+ · dt
//   LTD amount  d(e) = a_ltd · [ū- - theta_minus]+  (· ū̄² / u_ref_squared with homeostasis)
// (u = V, ū± the delayed filters of the model; rows v, u_bar_plus_delayed,
// u_bar_minus_delayed, u_bar_bar). A presynaptic spike of step s (stamped (s+1)·dt) first
// takes the potentiation of the steps e <= s it has not yet seen, each with its trace
// x̄((e+1)·dt) (before its own jump), then depression d(s), then transmits the new weight, and
// its trace jumps by 1/tau_x. This is NEST's clopath_synapse with the projection's delay
// taken as axonal (NEST takes it as dendritic: its synapse reads the target's history at
// t_pre - delay, so NEST's pre spike at t is ours at t - delay; the validation test maps
// the spike times so).
//
// Lazy form, as NEST's: per target a history of the steps with g > 0 (a few tens of steps
// per postsynaptic spike: u > theta_plus only around a spike), which a synapse walks when its
// presynaptic neuron next fires or at a flush (weight recording, phase boundary, every
// 500 ms, end), and per target a ring of d over the last min-delay interval (the engine
// updates the neurons of a whole interval before it delivers its spikes). A synapse
// therefore does the same operations in the same order as an eager per-step update (each
// LTP step w <- min(w + g·x̄, w_max), each LTD w <- max(w - d, w_min)), for any split of the
// work among threads and ranks; only the weight is rounded to float at each catch-up
// rather than each step. The synapse stays 8 bytes (target and weight).
#include <cstdint>
#include <vector>

#include "engram/engine/ring_buffer.hpp"
#include "engram/models/model.hpp"
#include "engram/network/projection.hpp"
#include "engram/plasticity/rule_spec.hpp"

namespace engram {

class ClopathRule {
 public:
  ClopathRule(const StdpSpec& spec, double dt, uint32_t n_pre, uint32_t post_lo, uint32_t post_hi);

  // The state rows a target model must have (the model file check names them).
  static constexpr std::string_view kRows[] = {"v", "u_bar_plus_delayed", "u_bar_minus_delayed",
                                               "u_bar_bar"};
  // The shard's targets were updated through step s: record their LTP and LTD amounts.
  // `interval`: steps per min-delay interval (the engine delivers after a whole one).
  void record(const ModelInfo& model, NeuronGroup& group, int64_t s, int64_t interval);
  // Presynaptic neuron `pre` fired at step s.
  void on_pre_spike(Projection& pr, InputSlots inputs, uint32_t pre, int64_t s, double scale,
                    double efficacy);
  // Applies the potentiation of every step before `until` to every synapse; trims.
  void flush(Projection& pr, int64_t until, double scale);
  size_t state_bytes() const;

 private:
  struct Ltp {
    int64_t step;
    double amount;  // g: a_ltp [u - theta_plus]+ [ū+ - theta_minus]+ dt
  };
  // exp(-n·dt/tau_x) for whole steps n (a table; std::exp beyond it)
  double decay(int64_t steps) const;
  // the potentiation of steps [from, until) of target i onto a synapse of `pre`
  double potentiate(double w, uint32_t i, uint32_t pre, int64_t from, int64_t until,
                    double scale) const;

  StdpSpec spec_;
  double dt_;
  uint32_t post_lo_, n_post_;
  std::vector<double> decay_table_;
  int rows_[4] = {-1, -1, -1, -1};  // state rows of kRows in the target model
  // per presynaptic neuron
  std::vector<int64_t> last_;     // step of its last spike, -1: none
  std::vector<double> x_;         // x̄ just after that spike (1/ms)
  std::vector<int64_t> applied_;  // LTP steps before this one applied to its synapses
  // per own target
  std::vector<std::vector<Ltp>> ltp_;  // steps with g > 0 not yet seen by every synapse
  std::vector<double> ltd_;            // [step % ring_][target]: d of the recent steps
  int64_t ring_ = 0;
};

}  // namespace engram
