#pragma once
// Conductance synapses as point processes of the cable solver: NEURON's Exp2Syn kinetics
// (difference of exponentials, peak-normalised) at one location, with the receptor kinds of
// engram's point neurons (receptor_bank.hpp):
//
//   g(t) = B - A,  A' = -A / tau1,  B' = -B / tau2;  a spike of weight w (uS) adds w f to both
//   A and B, f = 1 / (exp(-t_p / tau2) - exp(-t_p / tau1)), t_p = tau1 tau2 / (tau2 - tau1)
//   ln(tau2 / tau1): one spike alone gives a conductance peaking at w.
//   i = g (v - e)                 ampa, gaba_a, exp2
//   i = g B(v) (v - e)            nmda, B(v) = 1 / (1 + [Mg2+] / 3.57 mM exp(-0.062 v / mV))
//                                 (Jahr & Stevens 1990, the block of engram's point neurons)
//
// Like NEURON's Exp2Syn, tau1 is raised to 1e-9 tau2 when smaller (tau1 = 0: an instant
// rise) and lowered to 0.9999 tau2 when closer to tau2; tau1 > tau2 is an error here.
// Timing follows NEURON's fixed step: weights delivered before a step (deliver()) enter A
// and B at once, the step's current uses g and v at its start, linearised about v (d, rhs as
// the density mechanisms), and A, B then decay exactly over dt.
//
// Units: tau ms, e mV, weights and g uS, mg mM; currents nA, outward positive.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engram/dendrites/mechanisms/iclamp.hpp"

namespace engram::dendrites {

enum class SynapseKind { exp2, ampa, nmda, gaba_a };

// "exp2", "ampa", "nmda", "gaba_a"; the names, for messages.
std::string_view synapse_kind_name(SynapseKind k);
// Parses a kind name; false when unknown.
bool parse_synapse_kind(std::string_view name, SynapseKind& out);
std::span<const std::string_view> synapse_kind_names();

struct Synapse {
  SynapseKind kind = SynapseKind::exp2;
  Location where{};
  double tau1 = 0.1;   // ms, rise
  double tau2 = 10.0;  // ms, decay
  double e = 0.0;      // mV, reversal
  double mg = 1.0;     // mM, [Mg2+] (nmda only)

  // The defaults of a kind (those of receptor_bank.hpp; exp2 NEURON's Exp2Syn):
  //   exp2 0.1 / 10 ms, 0 mV; ampa 0.2 / 2 ms, 0 mV; nmda 2 / 100 ms, 0 mV, 1 mM;
  //   gaba_a 0.5 / 5 ms, -70 mV.
  static Synapse of_kind(SynapseKind kind, Location where = {});
};

// The synapses of one cell, placed on their compartments (structure of arrays).
class SynapseSet {
 public:
  void add(int32_t node, const Synapse& s, double dt);
  void deliver(size_t k, double weight_us) {
    a_[k] += weight_us * factor_[k];
    b_[k] += weight_us * factor_[k];
  }
  void add_current(const double* v, double* d, double* rhs) const;
  void advance();
  void reset();
  double conductance(size_t k) const { return b_[k] - a_[k]; }  // uS, before any block
  size_t size() const { return node_.size(); }
  int32_t node(size_t k) const { return node_[k]; }

 private:
  std::vector<int32_t> node_;
  std::vector<char> nmda_;
  std::vector<double> e_, mg_k_, factor_, decay1_, decay2_, a_, b_;
};

}  // namespace engram::dendrites
