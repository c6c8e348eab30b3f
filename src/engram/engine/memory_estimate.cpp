#include "engram/engine/memory_estimate.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "engram/core/error.hpp"
#include "engram/network/connectivity.hpp"

namespace engram {

std::string format_bytes(double b) {
  if (b >= 1024.0 * 1024 * 1024) return fmt::format("{:.2f} GiB", b / (1024.0 * 1024 * 1024));
  if (b >= 1024.0 * 1024) return fmt::format("{:.1f} MiB", b / (1024.0 * 1024));
  if (b >= 1024.0) return fmt::format("{:.1f} KiB", b / 1024.0);
  return fmt::format("{:.0f} B", b);
}

MemoryEstimate estimate_memory(const ModelSpec& m) {
  MemoryEstimate e;
  const double threads = m.protocol.threads;
  double max_delay_steps = 1;
  std::vector<int> static_routes(m.populations.size(), 0);
  for (const auto& p : m.projections)
    if (!p.stp.enabled && p.stdp.rule == StdpRule::none && !p.scaling.enabled)
      ++static_routes[p.from];
  for (const auto& p : m.projections) {
    const double n_pre = m.populations[p.from].size;
    const double n = expected_synapses(m, static_cast<uint32_t>(&p - m.projections.data()));
    const auto& c = p.connect;
    const bool plastic = p.stdp.rule != StdpRule::none || p.scaling.enabled;
    const bool own_weight = !p.weight.is_constant() || c.rule == ConnectRule::from_list || plastic;
    const bool own_delay =
        !p.delay.is_constant() || c.rule == ConnectRule::from_list || p.velocity > 0;
    e.synapses += n;
    e.synapse_bytes += n * (4.0 + (own_weight ? 4.0 : 0.0) + (own_delay ? 2.0 : 0.0));
    e.index_bytes += 4.0 * (n_pre + 1) * threads;
    // the delivery's row index repeats the offsets of a source's static projections when it
    // has two or more (Simulation::index_rows)
    if (!(p.stp.enabled || plastic) && static_routes[p.from] >= 2)
      e.index_bytes += 4.0 * (n_pre + 1) * threads;
    // plastic: presynaptic state per shard, and a few post spikes per target
    if (p.stp.enabled || plastic)
      e.index_bytes +=
          48.0 * n_pre * threads + (plastic ? 24.0 + 32.0 * 8 : 0.0) * m.populations[p.to].size;
    // while drawing, each thread holds a count and a cursor per source
    double build = 12.0 * (n_pre + 1);
    if ((c.rule == ConnectRule::fixed_indegree || c.rule == ConnectRule::fixed_outdegree) &&
        c.profile.kind != DistanceProfile::Kind::none) {
      // and a distance sampler: a cell list of the pool (12 B per neuron) and a bound with
      // its alias table (20 B per cell displacement: about one per pool neuron in a
      // periodic box, up to 4 in an open one)
      const auto& pool = m.populations[c.rule == ConnectRule::fixed_indegree ? p.from : p.to];
      const bool periodic = m.populations[p.to].periodic;
      build += pool.size * (12.0 + 20.0 * (periodic ? 1.0 : 4.0));
    }
    e.build_bytes = std::max(e.build_bytes, build * threads);
    const double d = p.delay.kind == Distribution::Kind::constant ? p.delay.a
                     : p.delay.kind == Distribution::Kind::uniform
                         ? p.delay.b
                         : p.delay.a + 5 * p.delay.b;  // normal/lognormal: a generous tail
    max_delay_steps = std::max(max_delay_steps, std::min(65535.0, std::round(d / m.protocol.dt)));
  }
  for (const auto& p : m.populations) {
    // state variables and hidden per-neuron arrays (refractory step, second alpha states),
    // statistics (28 B), input ring buffers (4 B per receptor and slot), injected current
    const double state = 8.0 * (static_cast<double>(p.model->state.size()) + 3);
    const double buffers =
        4.0 * static_cast<double>(p.model->receptors.size()) * (max_delay_steps + 1);
    const double sources = p.model->name == "poisson_source" ? 72.0 : 0.0;  // stream per neuron
    e.neuron_bytes += p.size * (state + 28.0 + buffers + 8.0 + sources);
  }
  for (const auto& st : m.stimuli) {
    const double targets = st.neurons.empty() ? m.populations[st.target].size : st.neurons.size();
    if (st.kind == StimulusKind::noise || st.kind == StimulusKind::poisson)
      e.neuron_bytes += targets * 80.0;  // a Philox stream (and an OU state) per target
  }
  for (const auto& r : m.records) {
    if (r.spikes) continue;
    if (r.projection >= 0) {
      // weights: float samples per thread while running, double on the root when written
      const double n =
          r.synapses ? r.synapses : expected_synapses(m, static_cast<uint32_t>(r.projection));
      const double span = std::min(r.stop, m.protocol.duration) - r.start;
      e.recording_bytes += 12.0 * n * (std::max(0.0, span) / r.interval + 1);
      continue;
    }
    const double n = r.neurons.empty() ? m.populations[r.population].size : r.neurons.size();
    const double span = std::min(r.stop, m.protocol.duration) - r.start;
    e.recording_bytes += 8.0 * n * (std::max(0.0, span) / r.interval + 1);
  }
  return e;
}

double available_memory() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kib = 0;
  std::string unit;
  while (in >> key >> kib >> unit)
    if (key == "MemAvailable:") return kib * 1024.0;
  return 0;
}

void check_memory(const ModelSpec& spec, double available, int ranks, int ranks_on_node) {
  if (available <= 0) return;
  const MemoryEstimate e = estimate_memory(spec);
  const double share = static_cast<double>(ranks_on_node) / std::max(1, ranks);
  const double needed = (e.synapse_bytes + e.index_bytes + e.build_bytes) * share +
                        (e.neuron_bytes + e.recording_bytes) * ranks_on_node;
  if (needed <= 0.9 * available) return;
  throw InputError(
      SourceLocation{spec.file, 0, 0}, "",
      fmt::format("the model needs about {} of memory but {} are available: synapses {} ({:.3g} "
                  "of them), neurons {}, state recordings {}. Reduce population sizes, "
                  "connection probabilities or in-degrees, record fewer neurons or at a longer "
                  "interval, or run on a machine with more memory",
                  format_bytes(needed), format_bytes(available),
                  format_bytes(e.synapse_bytes + e.index_bytes), e.synapses,
                  format_bytes(e.neuron_bytes), format_bytes(e.recording_bytes)));
}

}  // namespace engram
