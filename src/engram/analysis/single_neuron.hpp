#pragma once
// Single-neuron experiments (`engram fi`, `engram trace`): the neuron is a registered model
// (optionally with a preset) or a population of a model file, and it is driven by a current
// protocol on this process alone.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engram/spec/model_spec.hpp"

namespace engram {

// Where the neuron comes from.
struct NeuronSource {
  std::string model_or_file;      // a model name (`engram models`) or a model file
  std::string preset;             // optional
  std::string population;         // model file: the population (default: the first neuron one)
  std::string integrator;         // optional
  std::vector<std::string> sets;  // KEY=VALUE; for a model name a bare KEY is a parameter
  std::optional<double> dt;       // ms
};

struct NeuronModel {
  ModelSpec spec;
  int pop = 0;
};

// Loads the neuron. Throws InputError with a did-you-mean for an unknown model, preset or
// population, and for a model that takes no current.
NeuronModel load_neuron(const NeuronSource& src);

// A current protocol: piecewise constant, amplitudes[k] (pA) from times[k] (ms) until
// times[k+1] (the last until the end of the run); no current before times[0].
struct CurrentProtocol {
  std::vector<double> times, amplitudes;
  std::string description;  // in words, for the summary
  double current_at(double t_ms) const;
  static CurrentProtocol step(double amplitude, double start, double stop);
};

// The published stimulus of a preset when its description is a step or a pulse ("14 pA step
// from 15 ms", "500 pA step", "7.04 pA from 10 to 13 ms"); nullopt otherwise (ramps,
// several pulses).
std::optional<CurrentProtocol> preset_step(std::string_view description);

struct Trace {
  std::vector<std::string> variables;     // the model's state variables, in table order
  std::vector<double> t_ms;               // sampling times, every dt from 0
  std::vector<std::vector<double>> data;  // per variable, one sample per time
  std::vector<double> spikes;             // ms
};

// Runs one neuron of `m` under `protocol` for `duration` ms, every state variable sampled at
// every step.
Trace run_trace(const NeuronModel& m, const CurrentProtocol& protocol, double duration);

}  // namespace engram
