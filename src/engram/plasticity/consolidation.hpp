#pragma once
// Synaptic consolidation: early-phase changes that decay over hours unless a late phase,
// fed by a protein pool of the postsynaptic neuron, captures them (synaptic tagging and
// capture, Frey & Morris 1997).
//
// Model: the tag-trigger-consolidation structure of Clopath, Ziegler, Vasilaki, Büsing &
// Gerstner 2008 (PLoS Comput Biol 4:e1000248), in the equations of its successors Li,
// Kulvicius & Tetzlaff 2016 (PLoS One 11:e0161679) and Luboeinski & Tetzlaff 2021 (Commun
// Biol 4:275), which the authors' public NEURON/Arbor mechanism
// (`expsyn_curr_calcium_plasticity.mod`) states with the parameter values used here. The
// early phase h is induced by the projection's STDP rule (it acts on the weight); h0 is the
// synapse's initial weight; the effective weight is w = h + z·h0:
//   early:    dh/dt = (h0 - h) / tau_early                        (tau_early = tau_h / 0.1)
//   tags:     tagged for LTP while h - h0 > theta_tag·h0, for LTD while h0 - h > theta_tag·h0
//   trigger:  tau_p dp/dt = -p + alpha·Θ(Σ_j |h_j - h0_j| / h0_j - theta_pro)   per target
//   late:     tau_z dz/dt = p (1 - z) [LTP tag] - p (z + 1/2) [LTD tag]
// (the paper's sum is of |h - h0| in mV against theta_pro = 0.5·h0; here each synapse's
// change is measured in its own baseline so that the thresholds are fractions.) Without
// protein the late phase z stays where it is; with protein a tagged synapse's z goes to 1
// (LTP) or −1/2 (LTD): z is stable, not decaying, which makes late LTP last.
//
// Why coarse steps: every variable here changes over minutes to hours. Every `interval`
// (and at each flush of the STDP rule) the state moves by the exact solution of the
// equations over the elapsed Δ with the tags and the trigger held at their values at the
// start of Δ (then p and z are linear):
//   h - h0 ← (h - h0) e^(−Δ/tau_early)
//   p ← a + (p − a) e^(−Δ/tau_p),   ∫p = aΔ + (p − a) tau_p (1 − e^(−Δ/tau_p)),  a = alpha·Θ
//   z ← 1 − (1 − z) e^(−∫p/tau_z)  (LTP tag),   z ← −1/2 + (z + 1/2) e^(−∫p/tau_z)  (LTD tag)
// Protein synthesis can be blocked (anisomycin) in a window of time: then a = 0.
//
// Memory: two floats per synapse (h0 and z) and two doubles per own target (p, a sum). One object
// per projection shard, touched only by the shard's thread; the sums run over the shard's
// synapses in their stored order, which is the same for any thread count.
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "engram/network/projection.hpp"
#include "engram/plasticity/rule_spec.hpp"

namespace engram {

class Consolidation {
 public:
  // A shard with targets [post_lo, post_hi); the baselines h0 are the weights now. The
  // shard has its own protein pool until share_pool joins it to others.
  Consolidation(const ConsolidationSpec& spec, double dt, uint32_t post_lo, uint32_t post_hi,
                const std::vector<float>& weights, double w_min, double w_max);
  // The protein is the target neuron's: every consolidating projection onto one population
  // (in one shard) uses the pool of the first, and the trigger sums over all their synapses.
  static void share_pool(const std::vector<Projection*>& group);
  // Moves the synapses of `group` (projections onto one population, in one shard, sharing
  // a pool) and their targets' protein from the last call to step k (the weights must hold
  // every STDP change before k: flush first).
  static void advance(const std::vector<Projection*>& group, int64_t k);
  double protein(uint32_t post) const { return pool_->p[post - post_lo_]; }
  const std::vector<float>& late() const { return z_; }
  const std::vector<float>& baseline() const { return h0_; }
  // Bytes of consolidation state: per synapse, and the pool once (its owner counts it).
  size_t state_bytes() const;

  // One step of the closed forms over dt_ms for one synapse (exposed for the tests):
  // early change d = h/h0 − 1, late z, with the integral of p over the step.
  struct Step {
    double d, z;
  };
  static Step synapse_step(const ConsolidationSpec& s, double d, double z, double p_integral,
                           double dt_ms);
  // p after dt_ms and its integral over the step, with synthesis on (triggered) or off.
  static std::pair<double, double> protein_step(const ConsolidationSpec& s, double p,
                                                bool triggered, double dt_ms);

 private:
  struct Pool {
    std::vector<double> p;    // per own target
    std::vector<double> sum;  // scratch: Σ |h − h0| / h0, then ∫p over the step
    int64_t last = 0;         // step of the last update
  };
  double early_change(const Projection& pr, size_t i) const {
    return (static_cast<double>(pr.weight[i]) - static_cast<double>(z_[i]) * h0_[i]) / h0_[i] - 1;
  }
  ConsolidationSpec spec_;
  double dt_;
  uint32_t post_lo_;
  double w_min_, w_max_;
  std::vector<float> h0_, z_;  // per synapse (CSR order)
  std::shared_ptr<Pool> pool_;
  bool owns_pool_ = true;
};

}  // namespace engram
