#pragma once
// Runtime state of a projection's plastic synapses (one per shard, so one per thread):
// short-term plasticity per presynaptic neuron, spike-timing-dependent plasticity with
// traces per presynaptic neuron and a short spike history per postsynaptic neuron.
//
// Why this layout: a plastic synapse then stores only its target and its weight (8 bytes,
// plus 2 for its own delay), as a static one with its own weight does. Potentiation is
// applied lazily, as NEST does: the post spikes that a synapse has not yet seen are applied
// in time order when its presynaptic neuron next fires, or when the shard is brought up to
// date (flush) for a weight recording, before the history is trimmed, and at the end of the
// run. The operations on each weight are the same, in the same order, as if every post
// spike had walked the incoming synapses at once, so the weights are the same as with an
// eager update whichever way the work is split.
//
// Everything here is touched only by the thread that owns the shard's targets: the
// presynaptic state is a private copy per shard (every shard sees every presynaptic spike
// and updates its copy identically), the histories are those of the shard's own targets.
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engram/engine/ring_buffer.hpp"
#include "engram/network/projection.hpp"
#include "engram/plasticity/clopath_rule.hpp"
#include "engram/plasticity/rule_spec.hpp"

namespace engram {

class SynapseDynamics {
 public:
  // A shard of a projection from n_pre neurons onto the targets [post_lo, post_hi).
  // n_synapses: the shard's synapses (their eligibility traces, for stdp_dopamine).
  SynapseDynamics(const StpSpec& stp, const StdpSpec& stdp, double dt, uint32_t n_pre,
                  uint32_t post_lo, uint32_t post_hi, size_t n_synapses = 0,
                  const ScalingSpec& scaling = {});

  bool has_stdp() const { return stdp_.rule != StdpRule::none; }
  bool has_stp() const { return stp_.enabled; }
  bool has_scaling() const { return scaling_.enabled; }
  // Whether the shard must hear its targets' spikes (on_post_spike).
  bool needs_post_spikes() const { return has_stdp() || has_scaling(); }
  // Synaptic scaling at step s (weights up to date: flush first): every incoming weight of
  // a target times 1 + beta · interval · (target_rate - its rate).
  void scale_weights(Projection& pr, int64_t s);
  // The rate estimate (Hz) of own target `post` at step s (synaptic scaling).
  double rate(uint32_t post, int64_t s) const;
  const StdpSpec& stdp() const { return stdp_; }

  // Presynaptic neuron `pre` fired at step s: brings its synapses up to date (pending
  // potentiation), transmits weight · (STP factor) into the target slots s + delay, then
  // applies depression. `scale` multiplies every weight change (protocol phase).
  void on_pre_spike(Projection& pr, InputSlots inputs, uint32_t pre, int64_t s, double scale);
  // The shard's own target `post` fired at step s; called after the step's pre spikes.
  void on_post_spike(uint32_t post, int64_t s);
  // stdp_dopamine: `spikes` neurons of the dopamine population fired at step s (after the
  // step's pre and post spikes); every shard hears every release (volume transmission).
  void on_dopamine(int64_t s, uint32_t spikes);
  // stdp_dopamine: the eligibility trace of each synapse of the shard (CSR order).
  const std::vector<float>& eligibility() const { return eligibility_; }
  // Applies every post spike before step `until` to every synapse and trims the histories.
  void flush(Projection& pr, int64_t until, double scale);
  // Steps between automatic flushes (bounds the history memory).
  int64_t flush_interval() const { return flush_every_; }

  // Bytes of per-neuron state and spike history (not per synapse).
  size_t state_bytes() const;
  // The clopath rule's runtime (it reads the targets' voltages each step), or null.
  ClopathRule* clopath() const { return clopath_.get(); }

 private:
  // exp(-n·dt/tau) for whole steps n: a table up to a few tens of tau (the same values
  // std::exp gives, looked up; the exp per synapse and spike dominated the plastic run)
  struct Decay {
    double tau = 1, dt = 0.1;
    std::vector<double> table;
    void init(double tau_ms, double dt_ms);
    double operator()(int64_t steps) const {
      return steps < static_cast<int64_t>(table.size())
                 ? table[static_cast<size_t>(steps)]
                 : std::exp(-static_cast<double>(steps) * dt / tau);
    }
  };
  // w after the post spikes of own target i in [from, until) (pair/triplet potentiation);
  // last, x1: the presynaptic neuron's last spike and its trace just after it
  template <WeightDependence D, bool kTriplet>
  double potentiated(double w, uint32_t i, int64_t last, double x1, int64_t from, int64_t until,
                     double scale) const;
  // on_pre_spike and flush of the pair and triplet rules, per weight dependence
  template <WeightDependence D, bool kTriplet>
  void pre_spike_stdp(Projection& pr, InputSlots inputs, uint32_t pre, int64_t s, double scale,
                      double efficacy);
  template <WeightDependence D, bool kTriplet>
  void flush_stdp(Projection& pr, int64_t until, double scale);
  // Calls f(step, o2 before the spike) for the spikes of own target i in [from, until).
  template <class F>
  void each_post_spike(uint32_t i, int64_t from, int64_t until, F&& f) const;
  // stdp_dopamine
  struct Release {
    int64_t step;
    double level;  // dopamine above the baseline just after the release
  };
  double dopamine_integral(int64_t from, int64_t until) const;
  void catch_up_dopamine(float& w, float& c, uint32_t post, uint32_t pre, int64_t from,
                         int64_t until, double scale) const;
  void on_pre_spike_dopamine(Projection& pr, InputSlots inputs, uint32_t pre, int64_t s,
                             double scale, double efficacy);

  StpSpec stp_;
  StdpSpec stdp_;
  ScalingSpec scaling_;
  Decay decay_rate_;
  std::vector<double> rate_;  // per own target: rate trace (Hz) at rate_last_
  std::vector<int64_t> rate_last_;
  std::vector<double> factor_;  // scratch: per own target
  double dt_;
  uint32_t post_lo_;
  int64_t flush_every_;
  // per presynaptic neuron
  std::vector<int64_t> last_;     // step of the last spike, -1: none yet
  std::vector<int64_t> applied_;  // post spikes before this step are applied to its synapses
  std::vector<double> x1_, x2_;   // traces just after the last spike (x1: tau_plus, x2: tau_x)
  std::vector<double> u_, r_;     // STP: u and R of the last spike
  Decay decay_plus_, decay_minus_, decay_x_, decay_y_, decay_rec_, decay_facil_, decay_c_, decay_d_;
  std::vector<float> eligibility_;  // stdp_dopamine, per synapse
  std::vector<Release> dopamine_;   // releases not yet seen by every synapse, and the last
  // per own target: the steps of its spikes not yet applied to every synapse (only the steps:
  // the lazy potentiation walks them, a silent presynaptic neuron's synapses over half a
  // second of them, so they are kept dense), for the triplet rule o2(t-ε) at each, and (compact,
  // for the common case of none) the step and traces of its last spike
  std::vector<std::vector<int64_t>> history_;
  std::vector<std::vector<double>> history_y2_;
  std::vector<int64_t> post_last_;
  std::vector<double> post_y1_;  // o1 (pair: y_post) just after the last spike
  std::vector<double> post_y2_;  // o2 just after the last spike (triplet)
  // the steps (newest first, -1: none) of each target's last kRecent spikes and o1 after the
  // last (= post_last_, post_y1_): all that the synapse loop reads of a target, in one cache
  // line; and o2(t-ε) at these spikes (triplet)
  static constexpr int kRecent = 7;
  struct alignas(64) Recent {
    int64_t step[kRecent];
    double y1;
  };
  std::vector<Recent> recent_;
  std::vector<double> recent_y2_;
  std::unique_ptr<ClopathRule> clopath_;  // StdpRule::clopath: all of its state
};

}  // namespace engram
