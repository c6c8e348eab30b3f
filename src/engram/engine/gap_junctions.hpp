#pragma once
// Gap junctions (electrical synapses): a junction of conductance g between neurons a and b
// injects g (v_b - v_a) into a and g (v_a - v_b) into b.
//
// Coupling scheme: the junction currents of step s are computed from the membrane
// potentials at the start of the step (the end of step s-1) and held constant over it, as
// an injected current (the model's i_stim); that is explicit (forward Euler) in the
// coupling, so the trajectories are first order in dt in the coupling term whatever the
// neuron's own integrator, steady states are exact, and the scheme is stable while
// dt · (sum of a neuron's junction conductances) / C_m stays well below 1. (NEST iterates
// within the min-delay interval instead, waveform relaxation; engram exchanges every step.)
//
// Parallelism: the potentials are needed across threads and ranks every step, so a network
// with gap junctions runs with a min-delay interval of one step. Each partition writes the
// potentials of its own coupled neurons into a snapshot after the step (double-buffered by
// interval parity, like the spike lists: a thread may be one interval ahead of another,
// never two); with several ranks, the master thread sends its rank's entries along with the
// spikes. Every neuron sums its junction currents in one fixed order (the order the pairs
// were drawn in, which does not depend on the partition), so results are bitwise the same
// for any number of threads and ranks.
//
// The pairs are drawn with the projection connection rules (each drawn (pre, post) pair is
// one junction, coupling both ways; a neuron is never coupled to itself), on every rank
// for the whole network: gap-junction networks are small beside chemical ones.
#include <array>
#include <cstdint>
#include <vector>

#include "engram/engine/network.hpp"
#include "engram/spec/model_spec.hpp"

namespace engram {

class GapJunctions {
 public:
  GapJunctions() = default;
  // Draws the junctions of spec.gap_junctions and sizes the injected-current arrays of the
  // coupled populations.
  GapJunctions(const ModelSpec& spec, Network& net);

  bool empty() const { return snapshot_[0].empty(); }
  uint64_t junction_count() const { return junctions_; }  // pairs (each couples both ways)
  size_t bytes() const;

  // Every coupled neuron's potential at t = 0 (before the first step).
  void initialize(const Network& net);
  // Adds the junction currents (pA) of the interval of `parity` to the injected current of
  // thread t's own neurons, from the potentials the previous interval left.
  void add_currents(Network& net, uint32_t thread, int parity) const;
  // After the interval's step: thread t's own coupled neurons' potentials.
  void publish(const Network& net, uint32_t thread, int parity);
  // Ranks: this rank's entries of the snapshot of `parity`, appended as pairs of words; and
  // rank r's entries read back from `words` (returns the words used).
  void pack(const Network& net, int parity, std::vector<uint32_t>& words) const;
  size_t unpack(uint32_t rank, int parity, const uint32_t* words);

 private:
  struct Coupled {  // the junctions of one population's neurons
    uint32_t population = 0;
    std::vector<uint32_t> row;      // CSR over the population's neurons (size + 1)
    std::vector<uint32_t> partner;  // snapshot index of the other neuron
    std::vector<double> g;          // nS
    std::vector<uint32_t> self;     // snapshot index of each neuron, kNone if uncoupled
  };
  static constexpr uint32_t kNone = UINT32_MAX;
  std::vector<Coupled> coupled_;
  std::vector<std::pair<uint32_t, uint32_t>> where_;  // snapshot index -> (population, neuron)
  std::vector<std::vector<uint32_t>> of_rank_;        // snapshot indices each rank owns
  std::array<std::vector<double>, 2> snapshot_;       // mV, by interval parity
  uint64_t junctions_ = 0;
};

}  // namespace engram
