// The `engram` command line: run, check, models, fi, trace.
// Exit codes: 0 success, 1 runtime failure, 2 bad input or usage.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "default_model.hpp"
#include "engram/analysis/step_bounds.hpp"
#include "engram/core/error.hpp"
#include "engram/core/version.hpp"
#include "engram/engine/memory_estimate.hpp"
#include "engram/engine/simulation.hpp"
#include "engram/io/run_output.hpp"
#include "engram/parallel/communicator.hpp"
#include "engram/spec/parse.hpp"
#include "models_listing.hpp"
#include "neuron_commands.hpp"

namespace fs = std::filesystem;
using namespace engram;

namespace {

struct RunArgs {
  std::string file;
  std::string out;
  std::optional<uint64_t> seed;
  std::optional<uint32_t> threads;
  std::string duration;
  std::vector<std::string> sets;
  bool quiet = false;
  bool no_plots = false;
  bool connectivity = false;
};

ModelSpec load(const std::string& file, const RunArgs& a) {
  std::vector<Override> overrides;
  for (const auto& s : a.sets) overrides.push_back(parse_override(s));
  if (a.seed) overrides.push_back({"protocol.seed", std::to_string(*a.seed)});
  if (a.threads) overrides.push_back({"protocol.threads", std::to_string(*a.threads)});
  if (!a.duration.empty()) overrides.push_back({"protocol.duration", "\"" + a.duration + "\""});
  ModelSpec spec =
      file.empty() ? load_model_text(kDefaultModel, "<default: brunel_ai>", kExamplesDir, overrides)
                   : load_model_file(file, overrides);
  check_step_bounds(spec);  // an explicit integrator certainly unstable at this dt: exit 2
  return spec;
}

std::string plot_script() {
  if (const char* env = std::getenv("ENGRAM_PLOT_SCRIPT")) return env;
  for (const char* p : {kPlotScriptBuild, kPlotScriptInstalled})
    if (fs::exists(p)) return p;
  return {};
}

// A one-line progress bar on a terminal: simulated time, ETA, real-time factor.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled), t0_(std::chrono::steady_clock::now()) {}
  void operator()(double t_ms, double total_ms) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (t_ms < total_ms && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    double wall = std::chrono::duration<double>(now - t0_).count();
    double rtf = t_ms > 0 ? wall / (t_ms * 1e-3) : 0;
    double eta = t_ms > 0 ? wall * (total_ms - t_ms) / t_ms : 0;
    int width = 30, filled = static_cast<int>(width * t_ms / total_ms);
    fmt::print(stderr, "\r[{}{}] {:.2f}/{:.2f} s  ETA {:.1f} s  RTF {:.2f}  ",
               std::string(filled, '#'), std::string(width - filled, '.'), t_ms * 1e-3,
               total_ms * 1e-3, eta, rtf);
    if (t_ms >= total_ms) fmt::print(stderr, "\n");
  }

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point t0_, last_{};
};

int cmd_run(const RunArgs& a) {
  const Communicator& comm = world();
  ModelSpec spec;
  fs::path out;
  std::exception_ptr failure;
  try {
    spec = load(a.file, a);
    out = a.out.empty() ? fs::path("runs") / spec.name : fs::path(a.out);
    if (comm.is_root()) check_output_dir(out);  // before simulating: refuse early, lose nothing
    // before building: refuse rather than be killed
    check_memory(spec, available_memory(), comm.size(), comm.ranks_on_node());
  } catch (...) {
    failure = std::current_exception();
  }
  comm.agree(failure);  // all ranks go on, or all stop with the same error
  const bool root = comm.is_root();
  const bool tty = isatty(STDERR_FILENO) && !a.quiet && root;
  if (!a.quiet && root)
    fmt::print(stderr,
               "engram {}: {} ({} populations, {} projections), {:g} ms at dt {:g} ms, seed {}, "
               "{} thread{}{}\n",
               kVersion, spec.name, spec.populations.size(), spec.projections.size(),
               spec.protocol.duration, spec.protocol.dt, spec.protocol.seed, spec.protocol.threads,
               spec.protocol.threads == 1 ? "" : "s",
               comm.size() > 1 ? fmt::format(" on each of {} MPI ranks", comm.size()) : "");
  Simulation sim(spec, comm);
  ProgressBar bar(tty);
  sim.run([&](double t, double total) { bar(t, total); });
  OutputOptions o;
  o.dir = out;
  o.plots = !a.no_plots;
  o.plot_script = plot_script();
  o.quiet = a.quiet;
  o.connectivity = a.connectivity;
  auto summary = write_run(sim, o);
  if (a.quiet || !root) return 0;
  // the summary a user reads first
  fmt::print("run directory: {}\n", out.string());
  fmt::print(
      "build {:.3f} s, simulation {:.3f} s, real-time factor {:.3f} (wall s per simulated s)\n",
      sim.build_seconds(), sim.sim_seconds(), summary["timing"]["real_time_factor"].get<double>());
  fmt::print("{} neurons, {} synapses, {:.2f} bytes/synapse, peak memory {:.0f} MiB\n",
             summary["network"]["neurons"].get<uint64_t>(),
             summary["network"]["synapses"].get<uint64_t>(),
             summary["memory"]["bytes_per_synapse"].is_null()
                 ? 0.0
                 : summary["memory"]["bytes_per_synapse"].get<double>(),
             summary["memory"]["peak_rss_mib"].get<double>());
  fmt::print("{:<16} {:>8} {:>10} {:>10} {:>8}\n", "population", "size", "spikes", "rate (Hz)",
             "CV ISI");
  for (const auto& p : summary["populations"]) {
    std::string cv = p["cv_isi"].is_null() ? "-" : fmt::format("{:.3f}", p["cv_isi"].get<double>());
    fmt::print("{:<16} {:>8} {:>10} {:>10.3f} {:>8}\n", p["name"].get<std::string>(),
               p["size"].get<uint32_t>(), p["spike_count"].get<uint64_t>(),
               p["rate_hz"].get<double>(), cv);
  }
  for (const char* png : {"raster.png", "traces.png"})
    if (fs::exists(out / png)) fmt::print("plot: {}\n", (out / png).string());
  return 0;
}

int cmd_check(const RunArgs& a) {
  ModelSpec spec = load(a.file, a);
  if (!world().is_root()) return 0;
  uint64_t neurons = 0;
  for (const auto& p : spec.populations) neurons += p.size;
  const MemoryEstimate e = estimate_memory(spec);
  fmt::print(
      "{}: ok ({} populations, {} neurons, {} projections, {} stimuli, {} recorders; {:g} ms "
      "at dt {:g} ms)\n",
      a.file.empty() ? "default model" : a.file, spec.populations.size(), neurons,
      spec.projections.size(), spec.stimuli.size(), spec.records.size(), spec.protocol.duration,
      spec.protocol.dt);
  fmt::print(
      "memory estimate: {} ({:.3g} synapses: {}; neurons: {}; state recordings: {}); {} "
      "available\n",
      format_bytes(e.total()), e.synapses, format_bytes(e.synapse_bytes + e.index_bytes),
      format_bytes(e.neuron_bytes), format_bytes(e.recording_bytes),
      format_bytes(available_memory()));
  check_memory(spec, available_memory());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  MpiSession mpi(argc, argv);
  if (!built_with_mpi()) {
    // independent copies would race for one run directory: refuse
    const char* n = std::getenv("OMPI_COMM_WORLD_SIZE");
    if (!n) n = std::getenv("PMI_SIZE");
    if (n && std::atoi(n) > 1) {
      fmt::print(stderr,
                 "engram: error: started by mpirun with {} processes, but this engram was built "
                 "without MPI; install libopenmpi-dev and rebuild (cmake finds it), or use "
                 "--threads\n",
                 n);
      return 2;
    }
  }
  CLI::App app{"engram: a simulator of biological neural networks that learn"};
  app.set_version_flag("--version", std::string("engram ") + kVersion);
  app.require_subcommand(1);
  app.footer(
      "Model files: see README.md (model-file reference) and docs/models.md.\n"
      "Exit codes: 0 success, 1 runtime failure (e.g. numerical blow-up), 2 bad input or usage.");
  RunArgs a;
  auto* run = app.add_subcommand(
      "run", "run a model file (or the default Brunel network) and write a run directory");
  run->add_option("file", a.file, "model file (TOML); omit for the embedded default network");
  run->add_option("--out,-o", a.out,
                  "run directory (default runs/<model name>); an earlier run directory there is "
                  "replaced, anything else is refused");
  run->add_option("--seed", a.seed, "override protocol.seed");
  run->add_option("--threads,-t", a.threads,
                  "threads (override protocol.threads; default 1); the spikes do not depend on it");
  run->add_option("--duration", a.duration, "override protocol.duration, e.g. \"2 s\"");
  run->add_option("--set", a.sets, "override a model key: KEY=VALUE, e.g. population.exc.size=400")
      ->allow_extra_args(false);
  run->add_flag("--quiet,-q", a.quiet, "no progress bar or summary");
  run->add_flag("--no-plots", a.no_plots, "skip the PNG plots");
  run->add_flag("--connectivity", a.connectivity,
                "also write every synapse: connectivity/<projection>.npy (source, target, weight, "
                "delay_ms)");
  auto* check = app.add_subcommand("check", "validate a model file without running it");
  check->add_option("file", a.file, "model file (TOML); omit to check the embedded default");
  check->add_option("--set", a.sets, "override a model key: KEY=VALUE");
  ModelsArgs m;
  auto* models = app.add_subcommand(
      "models", "list every model with its parameters, units, defaults and ranges");
  models->add_option("name", m.name, "show one model");
  models->add_flag("--markdown", m.markdown, "print Markdown tables (for the docs)");
  cli::NeuronArgs fa, ta;
  auto neuron_options = [](CLI::App* c, cli::NeuronArgs& n) {
    c->add_option("model", n.target, "a model name (`engram models`) or a model file")->required();
    c->add_option("--preset", n.preset, "a preset of the model (`engram models NAME` lists them)");
    c->add_option("--population", n.population,
                  "model file: the population (default: the first that takes current)");
    c->add_option("--set", n.sets,
                  "override: PARAM=VALUE for a model name (e.g. tau_m=\"10 ms\"), or any model "
                  "key KEY=VALUE")
        ->allow_extra_args(false);
    c->add_option("--integrator", n.integrator, "one of the model's integrators");
    c->add_option("--dt", n.dt, "time step, e.g. \"0.01 ms\" (default: the file's, or 0.1 ms)");
    c->add_option("--out,-o", n.out, "output directory (an earlier one is replaced)");
    c->add_flag("--quiet,-q", n.quiet, "no summary");
    c->add_flag("--no-plots", n.no_plots, "skip the PNG plot");
  };
  auto* fi = app.add_subcommand(
      "fi", "f-I curve of one neuron: rate against DC current, rheobase, gain, type I/II");
  neuron_options(fi, fa);
  fi->add_option("--from", fa.from, "lowest current (default 0 pA)");
  fi->add_option("--to", fa.to,
                 "highest current (default: 3 x the first of 1, 2, 5, 10, ... pA that fires)");
  fi->add_option("--steps", fa.steps, "number of currents from --from to --to (default 31)");
  fi->add_option("--currents", fa.currents, "the currents instead, e.g. \"100,200,400\" (pA)");
  fi->add_option("--duration", fa.duration, "duration of each run (default 1 s)");
  fi->add_option("--transient", fa.transient,
                 "steady rate from the spikes after this time (default 200 ms)");
  fi->add_option("--onset", fa.onset, "the currents turn on at this time (default 0 ms)");
  fi->add_option("--precision", fa.precision,
                 "rheobase and onset bisection to this width (default 0.01 pA)");
  auto* trace = app.add_subcommand(
      "trace", "voltage response of one neuron to a current step (or a protocol file)");
  neuron_options(trace, ta);
  trace->add_option("--step", ta.step,
                    "step amplitude, e.g. \"200 pA\" (default: the preset's published step)");
  trace->add_option("--start", ta.start, "step onset (default 10 ms)");
  trace->add_option("--stop", ta.stop, "step offset (default: the end of the run)");
  trace->add_option("--protocol", ta.protocol,
                    "a current waveform file: lines time_ms,amplitude_pA (piecewise constant)");
  trace->add_option("--duration", ta.duration, "duration (default 300 ms)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  try {
    if (*run) return cmd_run(a);
    if (*check) return cmd_check(a);
    if (*models) return list_models(m);
    if (*fi) return cli::cmd_fi(fa);
    if (*trace) return cli::cmd_trace(ta);
  } catch (const InputError& e) {
    // every rank has the same error (Communicator::agree): the root alone reports it
    if (world().is_root()) fmt::print(stderr, "engram: error: {}\n", e.what());
    return 2;
  } catch (const RuntimeFailure& e) {
    if (world().is_root())
      fmt::print(stderr, "{}engram: run failed: {}\n", isatty(STDERR_FILENO) ? "\n" : "", e.what());
    return 1;
  } catch (const std::exception& e) {
    // not known to be shared by the other ranks: end the whole job rather than hang it
    fmt::print(stderr, "engram: internal error (rank {}): {}\n", world().rank(), e.what());
    if (world().size() > 1) MpiSession::abort(1);
    return 1;
  }
  return 0;
}
