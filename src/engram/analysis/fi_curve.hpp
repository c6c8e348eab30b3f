#pragma once
// The f-I curve of a single neuron model: firing rate against injected DC current, with
// rheobase, gain and excitability type. What `engram fi` computes.
//
// Experiment. One population of the model, one neuron per current, neuron k clamped with
// currents[k] (pA) from t = `onset` (default 0) to the end of the run (a `dc` stimulus with one
// amplitude per neuron), starting from the model's (or preset's) initial state: one simulation
// gives the whole curve, and every neuron sees exactly the protocol a single-neuron run would.
//
// Measures (spike times t_1 < t_2 < ... in ms):
//  - steady rate: over the spikes after `transient` (default 200 ms): (n - 1) / (t_n - t_1)
//    for n >= 2 spikes there, the inverse mean ISI, which does not depend on where the window
//    cuts the train; n / (duration - transient) for n < 2 (0 or one spike).
//  - first-ISI rate: 1 / (t_2 - t_1) over the whole run, 0 with fewer than two spikes.
//  - rheobase: the smallest current that gives at least one spike within the run. Bracketed
//    by the sweep, then narrowed by rounds of `refine_points` neurons spread evenly over the
//    bracket until it is at most `precision` pA wide; the upper end is reported.
//  - onset of repetitive firing: the smallest current with at least two spikes after the
//    transient, bracketed and narrowed the same way. It differs from the rheobase for cells
//    that answer a step with a single spike (Hodgkin-Huxley below its repetitive threshold).
//  - gain (Hz/pA): least-squares slope of the steady rate over the sweep's currents from the
//    first one that fires repetitively to the last of the contiguous run of such currents
//    (currents beyond a silent one, e.g. depolarisation block, are left out).
//  - type (Hodgkin 1948): I when the rate rises continuously from zero at the onset, II when
//    it jumps to a finite value. Criterion: type II when the steady rate at the onset (within
//    `precision`) is at least a third of the steady rate 10 % of the sweep's range above the
//    onset; type I otherwise. What is measurable of a continuous onset is limited by the
//    window (two spikes after the transient: >= 1.25 Hz in 800 ms), so the comparison is made
//    well above it. Measured ratios (default sweeps of `engram fi`): lif_psc_exp 0.11 (dt
//    0.01 ms), izhikevich class_1 0.20 (type I); izhikevich class_2 0.49, hh_squid 0.72
//    (type II).
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engram/spec/model_spec.hpp"

namespace engram {

// Steady rate (Hz) of a spike train (ms, increasing) in (transient, duration]; see above.
double steady_rate_hz(std::span<const double> t_ms, double transient, double duration);

// 1 / first ISI (Hz); 0 with fewer than two spikes.
double first_isi_rate_hz(std::span<const double> t_ms);

struct LinearFit {
  double slope = NAN, intercept = NAN;
};
// Least-squares line through (x, y); NaN with fewer than two distinct x.
LinearFit linear_fit(std::span<const double> x, std::span<const double> y);

// Rate (Hz) of a leaky integrate-and-fire neuron under a constant current i (pA):
// 1 / (t_ref + tau_m ln(R i / (R i - theta))), R = tau_m / c_m, theta = v_thresh - e_l,
// 0 at or below the rheobase c_m theta / tau_m (ms, pF, mV).
double lif_rate_hz(double i_pa, double tau_m, double c_m, double theta, double t_ref);

struct FiOptions {
  std::vector<double> currents;  // pA, increasing, at least 2
  double duration = 1000;        // ms
  double transient = 200;        // ms, < duration
  double onset = 0;              // ms: the current turns on here, in [0, transient]
  double precision = 0.01;       // pA: width of the final rheobase and onset brackets
  uint32_t refine_points = 15;   // neurons per refinement run
  bool refine = true;            // false: rheobase and onset only to the sweep's resolution
};

struct FiPoint {
  double current = 0;         // pA
  double rate = 0;            // Hz, steady
  double first_isi_rate = 0;  // Hz
  uint32_t spikes = 0;        // in the whole run
  double first_spike = NAN;   // ms, latency of the first spike
};

struct FiResult {
  std::vector<FiPoint> points;
  // rheobase (pA): null when no current of the sweep fires, or the lowest one does already
  // (`rheobase_note` says which)
  std::optional<double> rheobase;
  std::string rheobase_note;
  double bracket = NAN;                   // pA: width of the final bracket (the precision reached)
  std::optional<double> onset;            // pA, onset of repetitive firing
  double onset_rate = NAN;                // Hz, steady rate at `onset`
  double above_rate = NAN;                // Hz, steady rate at onset + 10 % of the sweep's range
  double above_current = NAN;             // pA
  std::optional<double> gain;             // Hz/pA
  double gain_from = NAN, gain_to = NAN;  // pA, range of the fit
  int gain_points = 0;
  int type = 0;  // 1, 2; 0: unknown (no repetitive firing in the sweep)
  int runs = 0;  // simulations made
};

// The model: population `pop` of `base` alone, one neuron per current (neuron k with
// currents[k] pA from t = onset), spikes recorded, `duration` ms, one thread. Its parameters,
// preset, initial state and integrator and the protocol's dt and seed are kept.
ModelSpec fi_spec(const ModelSpec& base, int pop, std::span<const double> currents, double duration,
                  double onset = 0);

// Runs fi_spec on this process alone (no MPI collectives) and returns each neuron's spike
// times (ms). Throws RuntimeFailure on a numerical blow-up.
std::vector<std::vector<double>> run_currents(const ModelSpec& base, int pop,
                                              std::span<const double> currents, double duration,
                                              double onset = 0);

// The whole experiment. Throws InputError on options that make no sense (fewer than two
// currents, not increasing, transient not below duration, a model that takes no current).
FiResult fi_curve(const ModelSpec& base, int pop, const FiOptions& o);

}  // namespace engram
