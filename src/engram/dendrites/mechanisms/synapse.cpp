#include "engram/dendrites/mechanisms/synapse.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace engram::dendrites {
namespace {

constexpr std::array<std::string_view, 4> kKindNames = {"exp2", "ampa", "nmda", "gaba_a"};

}  // namespace

std::string_view synapse_kind_name(SynapseKind k) {
  return kKindNames[static_cast<size_t>(k)];
}

std::span<const std::string_view> synapse_kind_names() {
  return kKindNames;
}

bool parse_synapse_kind(std::string_view name, SynapseKind& out) {
  for (size_t k = 0; k < kKindNames.size(); ++k)
    if (kKindNames[k] == name) {
      out = static_cast<SynapseKind>(k);
      return true;
    }
  return false;
}

Synapse Synapse::of_kind(SynapseKind kind, Location where) {
  Synapse s{.kind = kind, .where = where};
  switch (kind) {
    case SynapseKind::exp2:
      break;
    case SynapseKind::ampa:
      s.tau1 = 0.2;
      s.tau2 = 2.0;
      break;
    case SynapseKind::nmda:
      s.tau1 = 2.0;
      s.tau2 = 100.0;
      break;
    case SynapseKind::gaba_a:
      s.tau1 = 0.5;
      s.tau2 = 5.0;
      s.e = -70.0;
      break;
  }
  return s;
}

void SynapseSet::add(int32_t node, const Synapse& s, double dt) {
  // NEURON's Exp2Syn INITIAL block
  double tau1 = s.tau1;
  const double tau2 = s.tau2;
  if (tau1 / tau2 > 0.9999) tau1 = 0.9999 * tau2;
  if (tau1 / tau2 < 1e-9) tau1 = tau2 * 1e-9;
  const double tp = (tau1 * tau2) / (tau2 - tau1) * std::log(tau2 / tau1);
  node_.push_back(node);
  nmda_.push_back(s.kind == SynapseKind::nmda ? 1 : 0);
  e_.push_back(s.e);
  mg_k_.push_back(s.mg / 3.57);
  factor_.push_back(1.0 / (std::exp(-tp / tau2) - std::exp(-tp / tau1)));
  decay1_.push_back(std::exp(-dt / tau1));
  decay2_.push_back(std::exp(-dt / tau2));
  a_.push_back(0.0);
  b_.push_back(0.0);
}

void SynapseSet::add_current(const double* v, double* d, double* rhs) const {
  for (size_t k = 0; k < node_.size(); ++k) {  // several synapses may share a node
    const double g = b_[k] - a_[k];
    if (g == 0) continue;
    const int32_t n = node_[k];
    const double dv = v[n] - e_[k];
    double i, di;
    if (nmda_[k]) {
      // B = 1 / (1 + k exp(-0.062 v)), dB/dv = 0.062 B (1 - B)
      const double block = 1.0 / (1.0 + mg_k_[k] * std::exp(-0.062 * v[n]));
      i = g * block * dv;
      di = g * block * (1.0 + dv * 0.062 * (1.0 - block));
    } else {
      i = g * dv;
      di = g;
    }
    d[n] += di;
    rhs[n] += di * v[n] - i;
  }
}

void SynapseSet::advance() {
  for (size_t k = 0; k < node_.size(); ++k) {
    a_[k] *= decay1_[k];
    b_[k] *= decay2_[k];
  }
}

void SynapseSet::reset() {
  std::fill(a_.begin(), a_.end(), 0.0);
  std::fill(b_.begin(), b_.end(), 0.0);
}

}  // namespace engram::dendrites
