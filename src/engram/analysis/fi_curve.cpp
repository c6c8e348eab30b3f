#include "engram/analysis/fi_curve.hpp"

#include <algorithm>
#include <functional>

#include <fmt/format.h>

#include "engram/core/error.hpp"
#include "engram/engine/simulation.hpp"

namespace engram {

double steady_rate_hz(std::span<const double> t_ms, double transient, double duration) {
  const auto first = std::upper_bound(t_ms.begin(), t_ms.end(), transient);
  const auto n = static_cast<size_t>(t_ms.end() - first);
  if (n >= 2) return 1000.0 * static_cast<double>(n - 1) / (t_ms.back() - *first);
  return 1000.0 * static_cast<double>(n) / (duration - transient);
}

double first_isi_rate_hz(std::span<const double> t_ms) {
  return t_ms.size() >= 2 ? 1000.0 / (t_ms[1] - t_ms[0]) : 0.0;
}

LinearFit linear_fit(std::span<const double> x, std::span<const double> y) {
  const size_t n = std::min(x.size(), y.size());
  if (n < 2) return {};
  double mx = 0, my = 0;
  for (size_t i = 0; i < n; ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= static_cast<double>(n);
  my /= static_cast<double>(n);
  double sxx = 0, sxy = 0;
  for (size_t i = 0; i < n; ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  if (!(sxx > 0)) return {};
  const double slope = sxy / sxx;
  return {slope, my - slope * mx};
}

double lif_rate_hz(double i_pa, double tau_m, double c_m, double theta, double t_ref) {
  const double ri = i_pa * tau_m / c_m;  // mV
  if (!(ri > theta)) return 0.0;
  return 1000.0 / (t_ref + tau_m * std::log(ri / (ri - theta)));
}

ModelSpec fi_spec(const ModelSpec& base, int pop, std::span<const double> currents, double duration,
                  double onset) {
  ModelSpec s;
  s.name = base.name;
  s.file = base.file;
  s.protocol = base.protocol;
  s.protocol.duration = duration;
  s.protocol.threads = 1;
  PopulationSpec p = base.populations.at(static_cast<size_t>(pop));
  p.size = static_cast<uint32_t>(currents.size());
  p.positions.clear();  // a single-neuron experiment: no space, no replayed spikes
  p.spike_times.clear();
  s.populations.push_back(std::move(p));
  StimulusSpec st;
  st.kind = StimulusKind::dc;
  st.target = 0;
  st.per_target.assign(currents.begin(), currents.end());
  st.start = onset;
  st.origin = s.populations[0].origin;
  s.stimuli.push_back(std::move(st));
  RecordSpec r;
  r.spikes = true;
  r.population = 0;
  r.origin = s.populations[0].origin;
  s.records.push_back(std::move(r));
  return s;
}

std::vector<std::vector<double>> run_currents(const ModelSpec& base, int pop,
                                              std::span<const double> currents, double duration,
                                              double onset) {
  // A communicator of this process alone: under mpirun only the root rank runs the
  // experiment, so no collective may wait for the other ranks.
  static const Communicator self{};
  Simulation sim(fi_spec(base, pop, currents, duration, onset), self);
  sim.run();
  const auto& rec = sim.recorders().spikes().at(0);
  std::vector<std::vector<double>> trains(currents.size());
  for (size_t k = 0; k < rec.t_ms.size(); ++k) trains[rec.neuron[k]].push_back(rec.t_ms[k]);
  return trains;
}

namespace {

// The first index whose train satisfies `ok`, or -1.
int first_satisfying(const std::vector<std::vector<double>>& trains,
                     const std::function<bool(const std::vector<double>&)>& ok) {
  for (size_t k = 0; k < trains.size(); ++k)
    if (ok(trains[k])) return static_cast<int>(k);
  return -1;
}

// Narrows [lo, hi] (lo fails `ok`, hi satisfies it) with rounds of n evenly spread currents
// until hi - lo <= precision. Returns the train at the final hi (empty if hi was never run
// inside this function).
std::vector<double> narrow(const ModelSpec& base, int pop, const FiOptions& o, double& lo,
                           double& hi, const std::function<bool(const std::vector<double>&)>& ok,
                           int& runs) {
  std::vector<double> at_hi;
  const uint32_t n = std::max<uint32_t>(1, o.refine_points);
  while (hi - lo > o.precision) {
    std::vector<double> currents(n);
    for (uint32_t j = 0; j < n; ++j)
      currents[j] = lo + (hi - lo) * static_cast<double>(j + 1) / static_cast<double>(n + 1);
    const auto trains = run_currents(base, pop, currents, o.duration, o.onset);
    ++runs;
    const int k = first_satisfying(trains, ok);
    if (k < 0) {
      lo = currents.back();
    } else {
      hi = currents[static_cast<size_t>(k)];
      at_hi = trains[static_cast<size_t>(k)];
      if (k > 0) lo = currents[static_cast<size_t>(k) - 1];
    }
  }
  return at_hi;
}

}  // namespace

FiResult fi_curve(const ModelSpec& base, int pop, const FiOptions& o) {
  const auto& ps = base.populations.at(static_cast<size_t>(pop));
  if (ps.model->kind != ModelKind::neuron || !ps.model->accepts_current)
    throw InputError(
        ps.origin.where, ps.origin.key_path,
        fmt::format("model {} takes no injected current: it has no f-I curve", ps.model->name));
  const auto& c = o.currents;
  if (c.size() < 2) throw InputError({}, "", "an f-I curve needs at least two currents");
  for (size_t k = 1; k < c.size(); ++k)
    if (!(c[k] > c[k - 1]))
      throw InputError(
          {}, "", fmt::format("the currents must increase: {:g} pA after {:g} pA", c[k], c[k - 1]));
  if (!(o.onset >= 0 && o.onset <= o.transient))
    throw InputError({}, "",
                     fmt::format("the onset ({:g} ms) must be in [0, transient = {:g} ms]", o.onset,
                                 o.transient));
  if (!(o.transient >= 0 && o.transient < o.duration))
    throw InputError({}, "",
                     fmt::format("the transient ({:g} ms) must be in [0, duration = {:g} ms)",
                                 o.transient, o.duration));
  if (!(o.precision > 0))
    throw InputError({}, "", fmt::format("the precision must be > 0 pA, got {:g}", o.precision));

  FiResult r;
  const auto trains = run_currents(base, pop, c, o.duration, o.onset);
  r.runs = 1;
  for (size_t k = 0; k < c.size(); ++k)
    r.points.push_back({c[k], steady_rate_hz(trains[k], o.transient, o.duration),
                        first_isi_rate_hz(trains[k]), static_cast<uint32_t>(trains[k].size()),
                        trains[k].empty() ? NAN : trains[k][0]});

  const auto fires = [](const std::vector<double>& t) { return !t.empty(); };
  const double transient = o.transient;
  const auto repetitive = [transient](const std::vector<double>& t) {
    return t.end() - std::upper_bound(t.begin(), t.end(), transient) >= 2;
  };

  // rheobase
  const int kf = first_satisfying(trains, fires);
  if (kf < 0) {
    r.rheobase_note = fmt::format("no spike up to {:g} pA", c.back());
  } else if (kf == 0) {
    r.rheobase_note = fmt::format("fires at the lowest current, {:g} pA: below the sweep", c[0]);
  } else {
    double lo = c[static_cast<size_t>(kf) - 1], hi = c[static_cast<size_t>(kf)];
    if (o.refine) narrow(base, pop, o, lo, hi, fires, r.runs);
    r.rheobase = hi;
    r.bracket = hi - lo;
  }

  // onset of repetitive firing and the type
  const int kr = first_satisfying(trains, repetitive);
  if (kr > 0) {
    double lo = c[static_cast<size_t>(kr) - 1], hi = c[static_cast<size_t>(kr)];
    std::vector<double> at = trains[static_cast<size_t>(kr)];
    if (o.refine) {
      auto t = narrow(base, pop, o, lo, hi, repetitive, r.runs);
      if (!t.empty()) at = std::move(t);
    }
    r.onset = hi;
    r.onset_rate = steady_rate_hz(at, o.transient, o.duration);
    r.above_current = hi + 0.1 * (c.back() - c.front());
    const double above[] = {r.above_current};
    r.above_rate = steady_rate_hz(run_currents(base, pop, above, o.duration, o.onset)[0],
                                  o.transient, o.duration);
    ++r.runs;
    r.type = 3 * r.onset_rate >= r.above_rate ? 2 : 1;
  } else if (kr == 0) {
    r.onset_rate = r.points[0].rate;
  }

  // gain over the contiguous repetitively firing currents from the first
  if (kr >= 0) {
    std::vector<double> x, y;
    for (size_t k = static_cast<size_t>(kr); k < c.size() && repetitive(trains[k]); ++k) {
      x.push_back(c[k]);
      y.push_back(r.points[k].rate);
    }
    const LinearFit f = linear_fit(x, y);
    if (std::isfinite(f.slope)) {
      r.gain = f.slope;
      r.gain_from = x.front();
      r.gain_to = x.back();
      r.gain_points = static_cast<int>(x.size());
    }
  }
  return r;
}

}  // namespace engram
