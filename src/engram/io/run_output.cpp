#include "engram/io/run_output.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <fstream>

#include <fmt/format.h>

#include "engram/core/error.hpp"
#include "engram/core/version.hpp"
#include "engram/engine/memory_estimate.hpp"
#include "engram/io/connection_table.hpp"
#include "engram/io/npy.hpp"
#include "engram/plasticity/consolidation.hpp"
#include "engram/plasticity/synapse_dynamics.hpp"

namespace engram {
namespace fs = std::filesystem;
using nlohmann::json;

double peak_rss_mib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

namespace {
json number_or_null(double v) {
  return std::isfinite(v) ? json(v) : json(nullptr);
}
}  // namespace

json make_summary(const Simulation& sim) {
  const ModelSpec& spec = sim.spec();
  const Network& net = sim.network();
  const Communicator& comm = sim.comm();
  // collective: every rank's share of the network and its resources
  const double build_s = comm.max(sim.build_seconds());
  const double sim_s = comm.max(sim.sim_seconds());
  std::vector<uint64_t> bytes = {net.synapse_count(), net.synapse_bytes(),
                                 net.index_bytes() + sim.row_index_bytes(), net.buffer_bytes()};
  comm.sum(bytes);
  const auto [nsyn, synapse_bytes, index_bytes, buffer_bytes] =
      std::array<uint64_t, 4>{bytes[0], bytes[1], bytes[2], bytes[3]};
  const double rss = peak_rss_mib();
  const double rss_total = comm.sum(rss), rss_max = comm.max(rss);
  const double duration_ms = static_cast<double>(sim.steps()) * net.dt;
  json s;
  s["engram_version"] = kVersion;
  s["model"] = {{"name", spec.name}, {"file", spec.file}, {"hash", spec.hash}};
  s["seed"] = spec.protocol.seed;
  s["threads"] = net.threads;
  s["ranks"] = net.ranks;
  s["dt_ms"] = net.dt;
  s["duration_ms"] = duration_ms;
  const double rtf = duration_ms > 0 ? sim_s / (duration_ms * 1e-3) : 0.0;
  s["timing"] = {{"build_s", build_s},
                 {"sim_s", sim_s},
                 {"real_time_factor", rtf},
                 {"thread_wait_s", sim.wait_seconds()},
                 {"thread_update_s", sim.update_seconds()},
                 {"thread_deliver_s", sim.deliver_seconds()},
                 {"exchange_s", sim.exchange_seconds()},
                 {"thread_wait_note",
                  "per thread of rank 0: seconds waiting at the per-interval barrier (for "
                  "slower threads, and on thread 0 for the other ranks); thread_update_s: in "
                  "its neurons' updates (stimuli, recording), thread_deliver_s: delivering "
                  "spikes onto its targets (plasticity); exchange_s: MPI spike exchange on "
                  "rank 0"},
                 {"real_time_factor_note", "wall-clock seconds per simulated second"}};
  json pops = json::array();
  uint64_t total_spikes = 0;
  for (uint32_t p = 0; p < net.populations.size(); ++p) {
    const auto& pop = net.populations[p];
    const auto& st = sim.statistics()[p];
    const uint64_t count = st.total();
    total_spikes += count;
    auto [cv, cv_n] = st.mean_cv();
    json j = {{"name", pop.name},
              {"model", std::string(pop.model->name)},
              {"size", pop.size},
              {"spike_count", count},
              {"rate_hz", duration_ms > 0 ? count / (pop.size * duration_ms * 1e-3) : 0.0},
              {"cv_isi", number_or_null(cv)},
              {"cv_isi_neurons", cv_n},
              {"population_fano_1ms", number_or_null(st.population_fano())},
              {"spikes_file", nullptr},
              {"recorded_neurons", 0}};
    if (!spec.populations[p].positions.empty())
      j["positions_file"] = "positions/" + pop.name + ".npy";
    int r = sim.recorders().spike_recording_of(p);
    if (r >= 0) {
      const auto& rec = sim.recorders().spikes()[r];
      j["spikes_file"] = "spikes/" + pop.name + ".npy";
      j["recorded_neurons"] = rec.recorded_neurons;
      // the rate of the recorded neurons inside the recording window (e.g. after a transient)
      const int64_t first = rec.first_step, last = std::min(rec.last_step, sim.steps() - 1);
      const double window_ms = static_cast<double>(last - first + 1) * net.dt;
      j["recorded_window_ms"] = {static_cast<double>(first) * net.dt,
                                 static_cast<double>(last + 1) * net.dt};
      j["recorded_rate_hz"] = window_ms > 0 && rec.recorded_neurons > 0
                                  ? json(static_cast<double>(rec.t_ms.size()) /
                                         (rec.recorded_neurons * window_ms * 1e-3))
                                  : json(nullptr);
    }
    pops.push_back(j);
  }
  s["populations"] = pops;
  s["spike_count"] = total_spikes;
  json recs = json::array();
  for (const auto& rec : sim.recorders().states()) {
    const auto& pop = net.populations[rec.population];
    recs.push_back({{"population", pop.name},
                    {"variable", std::string(rec.variable)},
                    {"unit", std::string(canonical_unit(rec.dim))},
                    {"neurons", rec.neurons},
                    {"t0_ms", static_cast<double>(rec.first_k) * net.dt},
                    {"interval_ms", static_cast<double>(rec.interval_steps) * net.dt},
                    {"samples", rec.samples},
                    {"file", fmt::format("traces/{}.{}.npy", pop.name, rec.variable)}});
  }
  const auto files = connectivity_files(spec);
  for (const auto& rec : sim.weight_recorders().recordings()) {
    const auto& pr = net.projections[rec.projection];
    const std::string stem = files[rec.projection].substr(0, files[rec.projection].size() - 4);
    recs.push_back({{"projection", pr.name},
                    {"variable", "weight"},
                    {"unit", std::string(canonical_unit(
                                 net.populations[pr.to].model->receptors[pr.receptor].weight_dim))},
                    {"synapses", comm.is_root() ? json(rec.source.size()) : json(nullptr)},
                    {"t0_ms", static_cast<double>(rec.first_k) * net.dt},
                    {"interval_ms", static_cast<double>(rec.interval_steps) * net.dt},
                    {"samples", rec.samples},
                    {"file", fmt::format("weights/{}.npy", stem)},
                    {"synapses_file", fmt::format("weights/{}.synapses.npy", stem)}});
  }
  s["recordings"] = recs;
  std::vector<uint64_t> per_projection(net.projections.size(), 0);
  for (uint32_t t = 0; t < net.threads; ++t)
    for (uint32_t j = 0; j < net.projections.size(); ++j)
      per_projection[j] += net.shard(t, j).size();
  comm.sum(per_projection);
  // weight statistics at the end of the run (a plastic projection's weights have moved)
  const size_t n_proj = net.projections.size();
  std::vector<double> w_sum(n_proj, 0), w_sq(n_proj, 0), w_lo(n_proj, kInf), w_hi(n_proj, -kInf);
  for (uint32_t t = 0; t < net.threads; ++t)
    for (uint32_t j = 0; j < n_proj; ++j) {
      const Projection& p = net.shard(t, j);
      if (p.weight.empty()) {
        if (p.size() == 0) continue;
        const double w = p.uniform_weight;
        w_sum[j] += w * static_cast<double>(p.size());
        w_sq[j] += w * w * static_cast<double>(p.size());
        w_lo[j] = std::min(w_lo[j], w);
        w_hi[j] = std::max(w_hi[j], w);
      } else {
        for (float wf : p.weight) {
          const double w = wf;
          w_sum[j] += w;
          w_sq[j] += w * w;
          w_lo[j] = std::min(w_lo[j], w);
          w_hi[j] = std::max(w_hi[j], w);
        }
      }
    }
  comm.sum(w_sum);
  comm.sum(w_sq);
  comm.min(w_lo);
  comm.max(w_hi);
  json projs = json::array();
  for (uint32_t j = 0; j < n_proj; ++j) {
    const auto& pr = net.projections[j];
    const auto& ps = spec.projections[j];
    const double n = static_cast<double>(per_projection[j]);
    json weights = nullptr;
    if (n > 0) {
      const double mean = w_sum[j] / n;
      weights = {{"unit", std::string(canonical_unit(
                              net.populations[pr.to].model->receptors[pr.receptor].weight_dim))},
                 {"mean", mean},
                 {"std", std::sqrt(std::max(0.0, w_sq[j] / n - mean * mean))},
                 {"min", w_lo[j]},
                 {"max", w_hi[j]}};
    }
    json plasticity = json::array();
    if (ps.stp.enabled) plasticity.push_back("tsodyks_markram");
    if (ps.stdp.rule != StdpRule::none) plasticity.push_back(std::string(to_string(ps.stdp.rule)));
    if (ps.scaling.enabled) plasticity.push_back("synaptic_scaling");
    projs.push_back({{"name", pr.name},
                     {"from", net.populations[pr.from].name},
                     {"to", net.populations[pr.to].name},
                     {"synapses", per_projection[j]},
                     {"plasticity", plasticity},
                     {"weights_at_end", weights},
                     {"connectivity_file", nullptr}});
  }
  s["projections"] = projs;
  if (!spec.rewards.empty()) {
    json rewards = json::array();
    const auto counts = sim.reward_counts();
    for (size_t r = 0; r < spec.rewards.size(); ++r)
      rewards.push_back({{"name", spec.rewards[r].name},
                         {"pairings", counts[r].pairings},
                         {"releases", counts[r].releases},
                         {"release_ms", counts[r].release_ms}});
    s["rewards"] = rewards;
  }
  const uint32_t nneu = net.neuron_count();
  s["network"] = {{"neurons", nneu},
                  {"synapses", nsyn},
                  {"gap_junctions", sim.gap_junctions().junction_count()},
                  {"min_delay_ms", net.min_delay * net.dt},
                  {"max_delay_ms", net.max_delay * net.dt}};
  // plastic synapses: their arrays plus the per-neuron plasticity state, per synapse
  std::vector<uint64_t> plastic = {0, 0, 0};  // synapses, synapse bytes, state bytes
  for (uint32_t t = 0; t < net.threads; ++t)
    for (uint32_t j = 0; j < net.projections.size(); ++j) {
      const Projection& p = net.shard(t, j);
      if (!p.dynamics) continue;
      plastic[0] += p.size();
      plastic[1] += p.synapse_bytes();
      plastic[2] += p.dynamics->state_bytes();
      if (p.consolidation) plastic[2] += p.consolidation->state_bytes();
    }
  comm.sum(plastic);
  s["memory"] = {
      {"plasticity_state_bytes", plastic[2]},
      {"bytes_per_plastic_synapse",
       plastic[0] ? json(static_cast<double>(plastic[1] + plastic[2]) / plastic[0])
                  : json(nullptr)},
      {"bytes_per_plastic_synapse_note",
       "weight, target and delay arrays of plastic projections plus their per-neuron traces, "
       "STP state and post-spike histories, per plastic synapse"},
      {"synapse_bytes", synapse_bytes},
      {"index_bytes", index_bytes},
      {"ring_buffer_bytes", buffer_bytes},
      {"bytes_per_synapse", nsyn ? json(static_cast<double>(synapse_bytes) / nsyn) : json(nullptr)},
      {"bytes_per_synapse_with_index",
       nsyn ? json(static_cast<double>(synapse_bytes + index_bytes) / nsyn) : json(nullptr)},
      {"ring_buffer_bytes_per_neuron", nneu ? static_cast<double>(buffer_bytes) / nneu : 0.0},
      {"estimated_bytes", estimate_memory(spec).total()},
      {"estimated_bytes_per_neuron", nneu ? estimate_memory(spec).neuron_bytes / nneu : 0.0},
      {"peak_rss_mib", rss_total},
      {"peak_rss_mib_note", "summed over ranks; each rank's peak is at most peak_rss_mib_per_rank"},
      {"peak_rss_mib_per_rank", rss_max}};
  return s;
}

namespace {

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
  if (!out) throw RuntimeFailure(fmt::format("cannot write '{}'", file.string()));
}

void write_contents(const Simulation& sim, const fs::path& dir, const json& summary) {
  const Network& net = sim.network();
  const auto& recs = sim.recorders();
  if (!recs.spikes().empty()) fs::create_directories(dir / "spikes");
  for (const auto& rec : recs.spikes())
    write_npy_spikes(dir / "spikes" / (net.populations[rec.population].name + ".npy"), rec.t_ms,
                     rec.neuron);
  if (!recs.states().empty()) fs::create_directories(dir / "traces");
  for (const auto& rec : recs.states()) {
    const auto& pop = net.populations[rec.population];
    write_npy_matrix(dir / "traces" / fmt::format("{}.{}.npy", pop.name, rec.variable), rec.data,
                     rec.samples, rec.neurons.size());
  }
  if (!sim.weight_recorders().empty()) {
    fs::create_directories(dir / "weights");
    const auto files = connectivity_files(sim.spec());
    for (const auto& rec : sim.weight_recorders().recordings()) {
      const std::string stem = files[rec.projection].substr(0, files[rec.projection].size() - 4);
      write_npy_matrix_f32(dir / "weights" / (stem + ".npy"), rec.data, rec.samples,
                           rec.source.size());
      write_npy_synapses(dir / "weights" / (stem + ".synapses.npy"), rec.source, rec.target);
    }
  }
  for (const auto& pop : sim.spec().populations) {
    if (pop.positions.empty()) continue;
    fs::create_directories(dir / "positions");
    std::vector<double> flat;
    flat.reserve(pop.positions.size() * 3);
    for (const auto& x : pop.positions) flat.insert(flat.end(), x.begin(), x.end());
    write_npy_matrix(dir / "positions" / (pop.name + ".npy"), flat, pop.positions.size(), 3);
  }
  write_text(dir / "model.toml", "# the model as run (after --set/--seed/--duration overrides)\n" +
                                     sim.spec().text + "\n");
  write_text(dir / "summary.json", summary.dump(2) + "\n");
}

}  // namespace

void check_output_dir(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  const bool is_dir = fs::is_directory(dir, ec);
  if (is_dir && (fs::is_empty(dir, ec) || fs::exists(dir / "summary.json", ec))) return;
  throw InputError(SourceLocation{"--out", 0, 0}, dir.string(),
                   is_dir ? "exists and is not an engram run directory (no summary.json); "
                            "choose another --out, engram replaces only earlier runs"
                          : "exists and is not a directory; choose another --out");
}

std::vector<std::string> connectivity_files(const ModelSpec& spec) {
  std::vector<std::string> files;
  for (const auto& p : spec.projections) {
    std::string name;
    for (size_t i = 0; i < p.name.size(); ++i) {
      if (p.name.compare(i, 2, "->") == 0) {
        name += "-to-";
        ++i;
      } else {
        const char c = p.name[i];
        name += (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')
                    ? c
                    : '_';
      }
    }
    std::string file = name + ".npy";
    for (int k = 2; std::find(files.begin(), files.end(), file) != files.end(); ++k)
      file = fmt::format("{}.{}.npy", name, k);
    files.push_back(file);
  }
  return files;
}

namespace {
// The root rank alone writes the run directory.
void write_run_directory(const Simulation& sim, const OutputOptions& o, const json& summary,
                         const std::vector<ConnectionTable>& tables) {
  check_output_dir(o.dir);
  const fs::path target = fs::absolute(o.dir).lexically_normal();
  const fs::path parent = target.parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec)
    throw RuntimeFailure(fmt::format("cannot create '{}': {}", parent.string(), ec.message()));
  const fs::path tmp = parent / fmt::format(".{}.tmp-{}", target.filename().string(), getpid());
  fs::remove_all(tmp, ec);
  try {
    fs::create_directories(tmp);
    write_contents(sim, tmp, summary);
    if (!tables.empty()) {
      fs::create_directories(tmp / "connectivity");
      const auto files = connectivity_files(sim.spec());
      for (size_t j = 0; j < tables.size(); ++j)
        write_npy_connections(tmp / "connectivity" / files[j], tables[j].source, tables[j].target,
                              tables[j].weight, tables[j].delay_ms);
    }
    if (o.plots && !o.plot_script.empty()) {
      std::string cmd = fmt::format("'{}' '{}' '{}' > /dev/null{}", o.python, o.plot_script,
                                    tmp.string(), o.quiet ? " 2>&1" : "");
      if (std::system(cmd.c_str()) != 0)
        fmt::print(stderr,
                   "engram: warning: plotting failed (is python3-matplotlib installed?); "
                   "data files are complete\n");
    }
    // swap into place: an existing run directory of the same name is replaced
    if (fs::exists(target)) {
      const fs::path old = parent / fmt::format(".{}.old-{}", target.filename().string(), getpid());
      fs::rename(target, old);
      fs::rename(tmp, target);
      fs::remove_all(old);
    } else {
      fs::rename(tmp, target);
    }
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(tmp, ec);
    throw RuntimeFailure(fmt::format("writing the run directory failed: {}", e.what()));
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
}

}  // namespace

json write_run(const Simulation& sim, const OutputOptions& o) {
  json summary = make_summary(sim);  // every rank takes part
  std::vector<ConnectionTable> tables;
  if (o.connectivity) {
    const auto files = connectivity_files(sim.spec());
    for (uint32_t j = 0; j < sim.network().projections.size(); ++j) {
      tables.push_back(gather_connections(sim.network(), j, sim.comm()));
      summary["projections"][j]["connectivity_file"] = "connectivity/" + files[j];
    }
  }
  std::exception_ptr failure;
  if (sim.comm().is_root()) {
    try {
      write_run_directory(sim, o, summary, tables);
    } catch (...) {
      failure = std::current_exception();
    }
  }
  sim.comm().agree(failure);
  return summary;
}

}  // namespace engram
