#pragma once
// What a model will need in memory, estimated from the spec before anything is built, so a
// model too large for the machine is refused with a clear message instead of being killed.
#include <cstdint>
#include <string>

#include "engram/spec/model_spec.hpp"

namespace engram {

struct MemoryEstimate {
  double synapses = 0;         // expected number of synapses
  double synapse_bytes = 0;    // target, weight and delay arrays
  double index_bytes = 0;      // CSR row offsets (per thread)
  double neuron_bytes = 0;     // state, ring buffers, statistics, stimulus streams
  double recording_bytes = 0;  // state recordings (spike recordings grow with the rate)
  double build_bytes = 0;      // transient while connectivity is drawn
  double total() const {
    return synapse_bytes + index_bytes + neuron_bytes + recording_bytes + build_bytes;
  }
};

MemoryEstimate estimate_memory(const ModelSpec& spec);

// Bytes of memory available to this process (MemAvailable of /proc/meminfo), or 0 if unknown.
double available_memory();

// Throws InputError (exit code 2) if the estimate exceeds `available` (bytes; 0: skip),
// saying how much is needed, how much there is, and what to change. With MPI, `ranks` share
// the synapses and `ranks_on_node` of them share this machine's memory; each holds its own
// copy of the neuron state.
void check_memory(const ModelSpec& spec, double available, int ranks = 1, int ranks_on_node = 1);

std::string format_bytes(double bytes);

}  // namespace engram
