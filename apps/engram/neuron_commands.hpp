#pragma once
// `engram fi` and `engram trace`: what a user does first with a new neuron model. Included
// by main.cpp only (one translation unit: the command's sources are listed in CMakeLists).
//
// Both run on the root rank alone (under mpirun the other ranks return at once) and on a
// communicator of that process, so no collective waits for ranks that do not take part.
// Output directories are written under a temporary name and renamed when complete, and an
// earlier output directory is replaced, as `engram run` does.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engram/analysis/fi_curve.hpp"
#include "engram/analysis/single_neuron.hpp"
#include "engram/core/error.hpp"
#include "engram/core/units.hpp"
#include "engram/core/version.hpp"
#include "engram/io/npy.hpp"
#include "engram/io/run_output.hpp"
#include "engram/parallel/communicator.hpp"
#include "engram/spec/list_files.hpp"

namespace engram::cli {

namespace fs = std::filesystem;
using nlohmann::json;

struct NeuronArgs {
  std::string target;  // model name or model file
  std::string preset, population, integrator, dt, duration, out;
  std::vector<std::string> sets;
  bool quiet = false, no_plots = false;
  // fi
  std::string from, to, currents, transient = "200 ms", precision = "0.01 pA", onset = "0 ms";
  std::optional<int> steps;
  // trace
  std::string step, start, stop, protocol;
};

// A quantity of dimension `d` given to option `option`: "200 ms", "1 nA" or a bare number in
// the canonical unit. Bad input names the option.
inline double option_quantity(const std::string& option, const std::string& text, Dim d) {
  const auto q = parse_quantity(text);
  if (!q || !(q->dim == d || q->dim == Dim::none) || !std::isfinite(q->value))
    throw InputError(
        {}, "",
        fmt::format("{}: expected a {} such as \"{}\" (or a number in {}), got \"{}\"", option,
                    dimension_name(d), format_quantity(d == Dim::time ? 100 : 10, d),
                    canonical_unit(d), text));
  return q->value;
}

inline NeuronSource neuron_source(const NeuronArgs& a) {
  NeuronSource s;
  s.model_or_file = a.target;
  s.preset = a.preset;
  s.population = a.population;
  s.integrator = a.integrator;
  s.sets = a.sets;
  if (!a.dt.empty()) {
    s.dt = option_quantity("--dt", a.dt, Dim::time);
    if (!(*s.dt > 0)) throw InputError({}, "", fmt::format("--dt: must be > 0 ms, got {}", a.dt));
  }
  return s;
}

// runs/<what>_<model>[_<preset>] by default
inline fs::path default_out(const std::string& what, const NeuronModel& m) {
  const auto& p = m.spec.populations[static_cast<size_t>(m.pop)];
  std::string name =
      what + "_" + (find_model(m.spec.name) ? m.spec.name : m.spec.name + "_" + p.name);
  if (!p.preset.empty()) name += "_" + p.preset;
  return fs::path("runs") / name;
}

// Writes the files given by `write(tmp)` into `out`, via a temporary directory renamed into
// place, then draws the plot with `script` (Python, read from stdin) when plots are wanted.
template <class Write>
void write_output_dir(const fs::path& out, Write&& write, const char* script, bool plots,
                      bool quiet) {
  check_output_dir(out);
  const fs::path target = fs::absolute(out).lexically_normal();
  const fs::path parent = target.parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec)
    throw RuntimeFailure(fmt::format("cannot create '{}': {}", parent.string(), ec.message()));
  const fs::path tmp = parent / fmt::format(".{}.tmp-{}", target.filename().string(), getpid());
  fs::remove_all(tmp, ec);
  try {
    fs::create_directories(tmp);
    write(tmp);
    if (plots) {
      const std::string cmd =
          fmt::format("/usr/bin/python3 - '{}' > /dev/null{}", tmp.string(), quiet ? " 2>&1" : "");
      FILE* py = popen(cmd.c_str(), "w");
      const bool ok = py && std::fputs(script, py) >= 0 && pclose(py) == 0;
      if (!ok)
        fmt::print(stderr,
                   "engram: warning: plotting failed (is python3-matplotlib installed?); data "
                   "files are complete\n");
    }
    if (fs::exists(target)) fs::remove_all(target);
    fs::rename(tmp, target);
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
}

inline json opt(const std::optional<double>& v) {
  return v ? json(*v) : json(nullptr);
}
inline json finite(double v) {
  return std::isfinite(v) ? json(v) : json(nullptr);
}

inline constexpr const char* kFiPlot = R"PY(
import json, os, sys
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
d = sys.argv[1]
s = json.load(open(os.path.join(d, "summary.json")))
c = np.loadtxt(os.path.join(d, "fi.csv"), delimiter=",", skiprows=1, ndmin=2)
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(c[:, 0], c[:, 1], "o-", ms=3, label=f"steady (after {s['transient_ms']:g} ms)")
ax.plot(c[:, 0], c[:, 2], "s--", ms=3, alpha=0.7, label="first ISI")
if s["rheobase_pA"] is not None:
    ax.axvline(s["rheobase_pA"], color="grey", lw=0.8, ls=":", label=f"rheobase {s['rheobase_pA']:.4g} pA")
t = s["type"]
ax.set_title(f"{s['model']}" + (f" ({s['preset']})" if s["preset"] else "") + (f": type {t}" if t else ""))
ax.set_xlabel("current (pA)")
ax.set_ylabel("rate (Hz)")
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(os.path.join(d, "fi.png"), dpi=120)
)PY";

inline constexpr const char* kTracePlot = R"PY(
import json, os, sys
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
d = sys.argv[1]
s = json.load(open(os.path.join(d, "summary.json")))
a = np.load(os.path.join(d, "trace.npy"))
cols = s["columns"]
fig, (ax, ai) = plt.subplots(2, 1, figsize=(7, 4.5), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
ax.plot(a[:, 0], a[:, 1], lw=0.8)
for t in s["spike_times_ms"]:
    ax.axvline(t, color="r", lw=0.4, alpha=0.4)
ax.set_ylabel(cols[1])
ax.set_title(f"{s['model']}" + (f" ({s['preset']})" if s["preset"] else "") + f": {s['spike_count']} spikes")
ai.plot(a[:, 0], a[:, -1], color="k", lw=0.8)
ai.set_ylabel("I (pA)")
ai.set_xlabel("time (ms)")
fig.tight_layout()
fig.savefig(os.path.join(d, "trace.png"), dpi=120)
)PY";

inline int cmd_fi(const NeuronArgs& a) {
  if (!world().is_root()) return 0;  // one neuron per current: the root alone runs it
  const NeuronModel m = load_neuron(neuron_source(a));
  const auto& pop = m.spec.populations[static_cast<size_t>(m.pop)];
  FiOptions o;
  o.duration = a.duration.empty() ? 1000.0 : option_quantity("--duration", a.duration, Dim::time);
  o.transient = option_quantity("--transient", a.transient, Dim::time);
  o.precision = option_quantity("--precision", a.precision, Dim::current);
  o.onset = option_quantity("--onset", a.onset, Dim::time);
  if (!(o.onset >= 0 && o.onset <= o.transient))
    throw InputError({}, "",
                     fmt::format("--onset: must be in [0, --transient = {:g} ms], got {}",
                                 o.transient, a.onset));
  if (!(o.duration > 0))
    throw InputError({}, "", fmt::format("--duration: must be > 0 ms, got {}", a.duration));
  if (!(o.transient >= 0 && o.transient < o.duration))
    throw InputError({}, "",
                     fmt::format("--transient: must be in [0, --duration = {:g} ms), got {}",
                                 o.duration, a.transient));
  if (!(o.precision > 0))
    throw InputError({}, "", fmt::format("--precision: must be > 0 pA, got {}", a.precision));
  std::string range_note;
  if (!a.currents.empty()) {
    if (!a.from.empty() || !a.to.empty() || a.steps)
      throw InputError({}, "", "--currents: give either --currents or --from/--to/--steps");
    std::stringstream ss(a.currents);
    for (std::string item; std::getline(ss, item, ',');)
      o.currents.push_back(option_quantity("--currents", item, Dim::current));
    if (o.currents.size() < 2)
      throw InputError({}, "", "--currents: needs at least two currents, comma separated");
    for (size_t k = 1; k < o.currents.size(); ++k)
      if (!(o.currents[k] > o.currents[k - 1]))
        throw InputError({}, "",
                         fmt::format("--currents: must increase, got {:g} pA after {:g} pA",
                                     o.currents[k], o.currents[k - 1]));
  } else {
    const int steps = a.steps.value_or(31);
    if (steps < 2)
      throw InputError({}, "", fmt::format("--steps: must be at least 2, got {}", steps));
    if (steps > 100000)
      throw InputError({}, "", fmt::format("--steps: at most 100000, got {}", steps));
    const double from = a.from.empty() ? 0.0 : option_quantity("--from", a.from, Dim::current);
    double to = 0;
    if (!a.to.empty()) {
      to = option_quantity("--to", a.to, Dim::current);
    } else {
      // no range given: three times the first of 1, 2, 5, 10, 20, ... pA (above --from) that
      // makes the neuron fire, a decade per run (a far too strong current may blow a model up)
      double decade = 1;
      for (; decade <= 1e6 && to == 0; decade *= 10) {
        std::vector<double> probe;
        for (double f : {1.0, 2.0, 5.0})
          if (f * decade > from) probe.push_back(f * decade);
        if (probe.empty()) continue;
        const auto trains = run_currents(m.spec, m.pop, probe, o.duration);
        for (size_t k = 0; k < probe.size() && to == 0; ++k)
          if (!trains[k].empty()) to = 3 * probe[k];
      }
      if (to == 0)
        throw InputError({}, "",
                         "--to: the neuron does not fire up to 5e6 pA; give the range "
                         "with --from and --to");
      range_note =
          fmt::format(" (--to: 3 x {:g} pA, the first of 1, 2, 5, 10, ... pA that fires)", to / 3);
    }
    if (!(to > from))
      throw InputError({}, "",
                       fmt::format("--to: must be above --from ({:g} pA), got {:g} pA", from, to));
    for (int k = 0; k < steps; ++k) o.currents.push_back(from + (to - from) * k / (steps - 1));
  }
  const FiResult r = fi_curve(m.spec, m.pop, o);
  const fs::path out = a.out.empty() ? default_out("fi", m) : fs::path(a.out);

  json s;
  s["engram_version"] = kVersion;
  s["model"] = std::string(pop.model->name);
  s["source"] = m.spec.file.empty() ? std::string(pop.model->name) : m.spec.file;
  s["population"] = pop.name;
  s["preset"] = pop.preset;
  s["integrator"] = pop.integrator;
  s["dt_ms"] = m.spec.protocol.dt;
  s["duration_ms"] = o.duration;
  s["transient_ms"] = o.transient;
  s["onset_ms"] = o.onset;
  s["steady_rate"] =
      "spikes after the transient: (n - 1) / (t_n - t_1) for n >= 2, else n / window";
  s["rheobase_pA"] = opt(r.rheobase);
  s["rheobase_note"] = r.rheobase_note;
  s["rheobase_bracket_pA"] = finite(r.bracket);
  s["rheobase_definition"] = "smallest current with at least one spike in the run, by bisection";
  s["repetitive_onset_pA"] = opt(r.onset);
  s["onset_rate_hz"] = finite(r.onset_rate);
  s["rate_above_onset_hz"] = finite(r.above_rate);
  s["above_onset_current_pA"] = finite(r.above_current);
  s["gain_hz_per_pA"] = opt(r.gain);
  s["gain_range_pA"] = r.gain ? json::array({r.gain_from, r.gain_to}) : json(nullptr);
  s["gain_points"] = r.gain_points;
  s["type"] = r.type == 0 ? json(nullptr) : json(r.type == 1 ? "I" : "II");
  s["type_criterion"] =
      "II when the steady rate at the onset of repetitive firing is at least a third of the rate "
      "10 % of the sweep's range above it (a jump), I otherwise (continuous onset)";
  s["simulations"] = r.runs;
  write_output_dir(
      out,
      [&](const fs::path& dir) {
        std::ofstream csv(dir / "fi.csv");
        csv << "current_pA,rate_hz,first_isi_rate_hz\n";
        for (const auto& p : r.points)
          csv << fmt::format("{},{},{}\n", p.current, p.rate, p.first_isi_rate);
        std::ofstream(dir / "summary.json") << s.dump(2) << "\n";
      },
      kFiPlot, !a.no_plots, a.quiet);
  if (a.quiet) return 0;
  fmt::print("f-I curve of {}{}: {} currents {:g}..{:g} pA{}, {:g} ms at dt {:g} ms ({})\n",
             pop.model->name, pop.preset.empty() ? "" : " (" + pop.preset + ")", o.currents.size(),
             o.currents.front(), o.currents.back(), range_note, o.duration, m.spec.protocol.dt,
             pop.integrator);
  if (r.rheobase)
    fmt::print("rheobase: {:.6g} pA (within {:.2g} pA)\n", *r.rheobase, r.bracket);
  else
    fmt::print("rheobase: - ({})\n", r.rheobase_note);
  if (r.onset)
    fmt::print("repetitive firing from {:.6g} pA at {:.3g} Hz ({:.3g} Hz at {:.6g} pA)\n", *r.onset,
               r.onset_rate, r.above_rate, r.above_current);
  if (r.gain)
    fmt::print("gain: {:.4g} Hz/pA (linear fit over {:g}..{:g} pA, {} points)\n", *r.gain,
               r.gain_from, r.gain_to, r.gain_points);
  fmt::print("type: {}\n", r.type == 0   ? "- (no repetitive firing in the range)"
                           : r.type == 1 ? "I (continuous onset)"
                                         : "II (discontinuous onset)");
  fmt::print("output: {}\n", out.string());
  return 0;
}

inline int cmd_trace(const NeuronArgs& a) {
  if (!world().is_root()) return 0;
  const NeuronModel m = load_neuron(neuron_source(a));
  const auto& pop = m.spec.populations[static_cast<size_t>(m.pop)];
  const double duration =
      a.duration.empty() ? 300.0 : option_quantity("--duration", a.duration, Dim::time);
  if (!(duration > 0))
    throw InputError({}, "", fmt::format("--duration: must be > 0 ms, got {}", a.duration));
  CurrentProtocol protocol;
  if (!a.protocol.empty()) {
    if (!a.step.empty() || !a.start.empty() || !a.stop.empty())
      throw InputError({}, "", "--protocol: give either --protocol or --step/--start/--stop");
    std::string hash;
    auto [times, amps] =
        read_waveform_file(a.protocol, SourceLocation{"--protocol", 0, 0}, "--protocol", hash);
    protocol.times = std::move(times);
    protocol.amplitudes = std::move(amps);
    protocol.description = "from " + a.protocol;
  } else if (!a.step.empty() || a.preset.empty() || !a.start.empty() || !a.stop.empty()) {
    if (a.step.empty())
      throw InputError({}, "",
                       "--step: give the step's amplitude, e.g. --step \"200 pA\" (`engram fi` "
                       "finds the rheobase), or a --protocol file");
    const double amp = option_quantity("--step", a.step, Dim::current);
    const double start = a.start.empty() ? 10.0 : option_quantity("--start", a.start, Dim::time);
    const double stop = a.stop.empty() ? INFINITY : option_quantity("--stop", a.stop, Dim::time);
    if (!(start >= 0))
      throw InputError({}, "", fmt::format("--start: must be >= 0 ms, got {}", a.start));
    if (!(stop > start))
      throw InputError(
          {}, "", fmt::format("--stop: must be after --start ({:g} ms), got {}", start, a.stop));
    protocol = CurrentProtocol::step(amp, start, stop);
  } else {
    const Preset* preset = find_preset(*pop.model, pop.preset);
    auto step = preset ? preset_step(preset->protocol) : std::nullopt;
    if (!step)
      throw InputError({}, "",
                       fmt::format("--step: preset {}'s published stimulus ({}) is not a single "
                                   "step; give it with --step or --protocol",
                                   pop.preset, preset ? preset->protocol : "none"));
    protocol = *step;
  }
  const Trace t = run_trace(m, protocol, duration);
  const fs::path out = a.out.empty() ? default_out("trace", m) : fs::path(a.out);

  // the stimulus window: from the first time the protocol turns on to when it is off again
  double on = NAN, off = duration;
  for (size_t k = 0; k < protocol.times.size(); ++k) {
    if (protocol.amplitudes[k] != 0 && std::isnan(on)) on = protocol.times[k];
    if (protocol.amplitudes[k] == 0 && !std::isnan(on)) off = protocol.times[k];
  }
  if (std::isnan(on)) on = 0;
  off = std::min(off, duration);
  uint32_t in_window = 0;
  for (double s : t.spikes) in_window += s > on && s <= off;
  const double rate = off > on ? 1000.0 * in_window / (off - on) : 0.0;
  const double latency = t.spikes.empty() ? NAN : t.spikes[0] - on;

  json s;
  s["engram_version"] = kVersion;
  s["model"] = std::string(pop.model->name);
  s["source"] = m.spec.file.empty() ? std::string(pop.model->name) : m.spec.file;
  s["population"] = pop.name;
  s["preset"] = pop.preset;
  s["integrator"] = pop.integrator;
  s["dt_ms"] = m.spec.protocol.dt;
  s["duration_ms"] = duration;
  s["stimulus"] = protocol.description;
  s["stimulus_times_ms"] = protocol.times;
  s["stimulus_amplitudes_pA"] = protocol.amplitudes;
  s["spike_count"] = t.spikes.size();
  s["spike_times_ms"] = t.spikes;
  s["rate_hz"] = rate;
  s["rate_window_ms"] = json::array({on, off});
  s["first_spike_latency_ms"] = finite(latency);
  json cols = json::array({"t_ms"});
  for (size_t i = 0; i < t.variables.size(); ++i) {
    const auto& st = pop.model->state[i];
    cols.push_back(st.dim == Dim::none ? std::string(st.name)
                                       : fmt::format("{}_{}", st.name, canonical_unit(st.dim)));
  }
  cols.push_back("i_stim_pA");
  s["columns"] = cols;
  write_output_dir(
      out,
      [&](const fs::path& dir) {
        const size_t n = t.t_ms.size(), c = t.variables.size() + 2;
        std::vector<double> data(n * c);
        std::ofstream csv(dir / "trace.csv");
        for (size_t j = 0; j < c; ++j) csv << (j ? "," : "") << cols[j].get<std::string>();
        csv << "\n";
        for (size_t k = 0; k < n; ++k) {
          data[k * c] = t.t_ms[k];
          for (size_t j = 0; j < t.variables.size(); ++j) data[k * c + 1 + j] = t.data[j][k];
          // the current over the step that starts at this sample
          data[k * c + c - 1] = protocol.current_at(t.t_ms[k]);
          for (size_t j = 0; j < c; ++j)
            csv << (j ? "," : "") << fmt::format("{}", data[k * c + j]);
          csv << "\n";
        }
        write_npy_matrix(dir / "trace.npy", data, n, c);
        std::ofstream(dir / "summary.json") << s.dump(2) << "\n";
      },
      kTracePlot, !a.no_plots, a.quiet);
  if (a.quiet) return 0;
  fmt::print("{}{} under {}, {:g} ms at dt {:g} ms ({})\n", pop.model->name,
             pop.preset.empty() ? "" : " (" + pop.preset + ")", protocol.description, duration,
             m.spec.protocol.dt, pop.integrator);
  std::string times;
  for (size_t k = 0; k < t.spikes.size() && k < 20; ++k)
    times += fmt::format("{}{:g}", k ? ", " : "", t.spikes[k]);
  if (t.spikes.size() > 20) times += ", ...";
  fmt::print("spikes: {}{}\n", t.spikes.size(), t.spikes.empty() ? "" : " at " + times + " ms");
  fmt::print("rate: {:.4g} Hz over {:g}..{:g} ms; first spike latency: {}\n", rate, on, off,
             std::isfinite(latency) ? fmt::format("{:g} ms", latency) : "-");
  fmt::print("output: {}\n", out.string());
  return 0;
}

}  // namespace engram::cli
