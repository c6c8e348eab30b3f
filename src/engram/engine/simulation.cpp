// The simulation loop.
//
// Ordering contract, per min-delay interval [T, T+m):
//   for each step s in the interval:
//     1. stimuli add their input of step s (currents into i_stim, Poisson counts into the
//        receptor slot s);
//     2. each population in declaration order updates all its neurons from s·dt to
//        (s+1)·dt, reading and zeroing ring-buffer slot s; spikes are appended to the
//        interval's list, which is thereby ordered by (step, global id);
//     3. recorders see the spikes and sample state at time (s+1)·dt.
//   then all spikes of the interval are delivered in (step, global id) order; each source
//   row in projection order, each row's synapses in CSR order, into slot step + delay.
// Since every delay is >= m, a delivered spike always lands in a slot not yet read. The
// fixed delivery order makes every floating-point sum into a target's slot happen in the
// same order for any partition of the neurons.
//
// Threads (OpenMP): thread t owns a contiguous range of every population (Network::range)
// and does steps 1-3 and the delivery for those neurons only, into its own shard of every
// projection; no two threads write the same memory. The threads meet once per interval,
// after step 3: then every thread reads all threads' spike lists of the interval in
// (step, population, thread) order, which is (step, global id) order, and delivers the
// synapses onto its own targets. So the spikes are bitwise the same for any number of
// threads. The spike lists are double-buffered by interval parity: a thread may start the
// next interval while another still delivers this one, but never get two intervals ahead.
//
// Ranks (MPI): the partitions are ranks × threads (Network::partition_range); partition
// rank·threads + t is thread t of a rank. After the barrier, each rank's master thread sends
// its partitions' spike lists of the interval to every rank (one MPI_Allgatherv) and
// receives theirs into the lists of their partitions; a second barrier, and the threads
// deliver as above, now over all partitions of all ranks, still in (step, global id) order.
// A failure flag rides along with the spikes, so every rank stops after the same interval.
//
// Gap junctions (gap_junctions.hpp) need the potentials of other partitions every step:
// with them, every step is an interval, and the coupled neurons' potentials ride along with
// the spikes.

#include "engram/engine/simulation.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <exception>
#include <limits>

#ifdef _OPENMP
#include <omp.h>
#endif

#include <fmt/format.h>

#include "engram/core/error.hpp"
#include "engram/core/random.hpp"
#include "engram/network/connectivity.hpp"
#include "engram/parallel/thread_barrier.hpp"
#include "engram/plasticity/consolidation.hpp"
#include "engram/plasticity/synapse_dynamics.hpp"

namespace engram {

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

Simulation::Simulation(const ModelSpec& spec, const Communicator& comm)
    : spec_(spec),
      comm_(comm),
      build_start_(std::chrono::steady_clock::now()),
      net_(build_network(spec_, comm_)),
      gaps_(spec_, net_),
      stimuli_(make_stimuli(spec_, net_)),
      recorders_(spec_, net_, std::llround(spec_.protocol.duration / spec_.protocol.dt)),
      weights_(spec_, net_, std::llround(spec_.protocol.duration / spec_.protocol.dt)) {
  n_steps_ = static_cast<int64_t>(std::llround(spec_.protocol.duration / spec_.protocol.dt));
  const auto bin = std::max<int64_t>(1, std::llround(1.0 / spec_.protocol.dt));  // 1 ms bins
  for (const auto& p : net_.populations) stats_.emplace_back(p.size, n_steps_, bin);
  for (uint32_t j = 0; j < spec_.projections.size(); ++j) {
    const auto& stdp = spec_.projections[j].stdp;
    if (stdp.rule != StdpRule::none || spec_.projections[j].scaling.enabled) plastic_.push_back(j);
    if (stdp.dopamine_population >= 0) {
      dopamine_sources_.resize(spec_.populations.size(), 0);
      dopamine_sources_[stdp.dopamine_population] = 1;
    }
  }
  // post-spike histories are trimmed this often (bounds their memory; results do not
  // depend on it)
  flush_every_ = std::max<int64_t>(1, std::llround(500.0 / spec_.protocol.dt));
  for (size_t i = 1; i < spec_.protocol.phases.size(); ++i)
    phase_starts_.push_back(std::llround(spec_.protocol.phases[i].start / spec_.protocol.dt));
  // consolidating projections, grouped by target population (they share its protein pool)
  for (uint32_t to = 0; to < spec_.populations.size(); ++to) {
    std::vector<uint32_t> group;
    for (uint32_t j = 0; j < spec_.projections.size(); ++j)
      if (spec_.projections[j].consolidation.enabled &&
          spec_.projections[j].to == static_cast<int>(to))
        group.push_back(j);
    if (group.empty()) continue;
    for (uint32_t t = 0; t < net_.threads; ++t) {
      std::vector<Projection*> shards;
      for (uint32_t j : group) shards.push_back(&net_.shard(t, j));
      Consolidation::share_pool(shards);
    }
    consolidating_.push_back(group);
  }
  index_rows();
  build_s_ = seconds_since(build_start_);
}

void Simulation::index_rows() {
  // (COBA x10 on 2 threads: 2 routes per source, one line a spike instead of two)
  const auto n_pops = static_cast<uint32_t>(net_.populations.size());
  row_index_.assign(net_.threads, std::vector<std::vector<uint32_t>>(n_pops));
  for (uint32_t t = 0; t < net_.threads; ++t)
    for (uint32_t p = 0; p < n_pops; ++p) {
      std::vector<const Projection*> fixed;
      for (uint32_t pj : net_.populations[p].outgoing)
        if (!net_.shard(t, pj).dynamics) fixed.push_back(&net_.shard(t, pj));
      const size_t routes = fixed.size(), n = net_.populations[p].size;
      if (routes < 2) continue;
      auto& index = row_index_[t][p];
      index.resize((n + 1) * routes);
      for (size_t r = 0; r < routes; ++r)
        for (size_t i = 0; i <= n; ++i) index[i * routes + r] = fixed[r]->row_offset[i];
    }
}

size_t Simulation::row_index_bytes() const {
  size_t bytes = 0;
  for (const auto& per_thread : row_index_)
    for (const auto& index : per_thread) bytes += index.capacity() * sizeof(uint32_t);
  return bytes;
}

std::vector<Simulation::RewardCount> Simulation::reward_counts() const {
  std::vector<RewardCount> out;
  if (reward_state_.empty()) return std::vector<RewardCount>(spec_.rewards.size());
  for (const auto& st : reward_state_[0]) out.push_back({st.pairings, st.releases, st.release_ms});
  return out;
}

double Simulation::plasticity_scale(int64_t s) const {
  const auto& phases = spec_.protocol.phases;
  if (phases.empty()) return 1.0;
  size_t i = 0;
  while (i < phase_starts_.size() && s >= phase_starts_[i]) ++i;
  return phases[i].plasticity;
}

void Simulation::plasticity_after_step(uint32_t thread, int64_t s, int parity,
                                       std::vector<size_t>& at,
                                       const std::vector<uint32_t>& dopamine_spikes,
                                       const std::vector<uint32_t>& reward_releases) {
  const uint32_t own = net_.partition_of(thread);
  for (uint32_t j : plastic_) {
    Projection& pr = net_.shard(thread, j);
    const auto& list = fired_[parity][own][pr.to];
    for (size_t c = at[pr.to]; c < list.size() && list[c].step == s; ++c)
      pr.dynamics->on_post_spike(list[c].neuron, s);
    const int da = spec_.projections[j].stdp.dopamine_population;
    if (da >= 0 && dopamine_spikes[da] > 0) pr.dynamics->on_dopamine(s, dopamine_spikes[da]);
    const int rw = spec_.projections[j].stdp.dopamine_reward;
    if (rw >= 0 && reward_releases[rw] > 0) pr.dynamics->on_dopamine(s, reward_releases[rw]);
  }
  for (uint32_t j : plastic_) {
    const auto& list = fired_[parity][own][net_.projections[j].to];
    size_t& c = at[net_.projections[j].to];
    while (c < list.size() && list[c].step == s) ++c;
  }
  // the weights at time (s+1)·dt: every event of steps <= s applied
  const int64_t k = s + 1;
  const bool boundary = std::binary_search(phase_starts_.begin(), phase_starts_.end(), k);
  const bool sampled = weights_.any_due(k);
  const bool last = k == n_steps_;
  const bool trim = k % flush_every_ == 0;
  bool scaling = false;
  for (uint32_t j : plastic_) {
    const auto& sc = spec_.projections[j].scaling;
    if (sc.enabled && k % std::llround(sc.interval / net_.dt) == 0) scaling = true;
  }
  // consolidation: every interval, and wherever the weights must be current
  bool consolidate = boundary || sampled || last;
  for (const auto& group : consolidating_) {
    const auto& cs = spec_.projections[group[0]].consolidation;
    if (k % std::llround(cs.interval / net_.dt) == 0) consolidate = true;
  }
  if (boundary || sampled || last || trim || scaling || consolidate)
    for (uint32_t j : plastic_) {
      Projection& pr = net_.shard(thread, j);
      pr.dynamics->flush(pr, k, spec_.projections[j].stdp.learning_rate * plasticity_scale(s));
      const auto& sc = spec_.projections[j].scaling;
      // homeostasis is plasticity too: a frozen phase freezes it
      if (sc.enabled && k % std::llround(sc.interval / net_.dt) == 0 && plasticity_scale(s) > 0)
        pr.dynamics->scale_weights(pr, k);
    }
  if (consolidate)
    // the slow early/late-phase dynamics run on what the flush left (they go on in a frozen
    // phase: time passes), per target population: the protein is its neurons'
    for (const auto& group : consolidating_) {
      std::vector<Projection*> shards;
      for (uint32_t j : group) shards.push_back(&net_.shard(thread, j));
      Consolidation::advance(shards, k);
    }
  if (sampled) weights_.sample(k, net_, thread);
}

void Simulation::deliver(uint32_t thread, int64_t first, int64_t end, int parity) {
  const auto n_pops = static_cast<uint32_t>(net_.populations.size());
  const uint32_t n_parts = net_.partitions();
  auto& lists = fired_[parity];
  auto& cursor = cursor_[thread];
  cursor.assign(static_cast<size_t>(n_parts) * n_pops, 0);
  const bool plasticity = !plastic_.empty() || !weights_.empty();
  auto& post_cursor = post_cursor_[thread];
  post_cursor.assign(n_pops, 0);
  // Per source population, its outgoing shards as the synapse loops need them: looked up
  // once here rather than at every spike.
  auto& routes = routes_[thread];
  routes.resize(n_pops);
  for (uint32_t p = 0; p < n_pops; ++p) {
    routes[p].clear();
    const auto& index = row_index_[thread][p];
    uint32_t fixed = 0;  // static routes so far: the column in the row index
    for (uint32_t pj : net_.populations[p].outgoing) {
      Projection& pr = net_.shard(thread, pj);
      const InputSlots inputs = net_.populations[pr.to].inputs.of(thread);
      Route r;
      r.row_offset = pr.row_offset.data();
      if (!pr.dynamics && !index.empty()) {
        r.stride = static_cast<uint32_t>(index.size() / (net_.populations[p].size + 1));
        r.row_offset = index.data() + fixed++;
      }
      r.target = pr.target.data();
      r.weight = pr.weight.empty() ? nullptr : pr.weight.data();
      r.delay = pr.delay.empty() ? nullptr : pr.delay.data();
      r.uniform_weight = pr.uniform_weight;
      r.uniform_delay = pr.uniform_delay;
      r.inputs = inputs;
      r.receptor_slots = inputs.receptor_slots(pr.receptor);
      r.plastic = pr.dynamics ? &pr : nullptr;
      r.learning_rate = spec_.projections[pj].stdp.learning_rate;
      routes[p].push_back(r);
    }
  }
  std::vector<uint32_t> dopamine_spikes;  // per population, in the current step
  std::vector<uint32_t> reward_releases;  // per [[reward]], in the current step
  for (int64_t s = first; s < end; ++s) {
    const double scale = plastic_.empty() ? 1.0 : plasticity_scale(s);
    if (!dopamine_sources_.empty()) dopamine_spikes.assign(n_pops, 0);
    // the slots of this step's arrivals: slot (s + d) mod slots
    for (auto& rs : routes)
      for (Route& r : rs) {
        r.now = static_cast<uint32_t>(s % r.inputs.slots());
        r.slot = r.arrivals(r.uniform_delay);
      }
    // The rows of the step's spikes lie at random in memory, mostly outside the caches: ask
    // for all their row offsets at once, then for the start of every row (long rows go on
    // in order, which the hardware prefetcher follows), so that the misses overlap instead
    // of following one another. At most kLines lines a step, well inside L2: fetched lines
    // must not evict each other before they are used.
    // (COBA x10, 2 s, min of 6 runs: delivery on 1 thread 0.23 -> 0.16-0.18 s.)
    constexpr int kRowLines = 4, kLines = 2048;
    int lines_left = kLines;
    // f(route, source neuron) for every outgoing route of every spike of step s
    const auto for_each_row = [&](auto&& f) {
      for (uint32_t p = 0; p < n_pops; ++p) {
        if (routes[p].empty()) continue;
        for (uint32_t u = 0; u < n_parts; ++u) {
          const auto& list = lists[u][p];
          for (size_t c = cursor[u * n_pops + p]; c < list.size() && list[c].step == s; ++c)
            for (const Route& r : routes[p]) f(r, list[c].neuron);
        }
      }
    };
    for_each_row([](const Route& r, uint32_t n) {
      __builtin_prefetch(r.row_offset + size_t{n} * r.stride);
    });
    for_each_row([&](const Route& r, uint32_t n) {
      const uint32_t begin = r.row_offset[size_t{n} * r.stride],
                     stop = r.row_offset[size_t{n + 1} * r.stride];
      // 16 targets (and weights) a line; a row may start anywhere in its first line
      const uint32_t last = std::min(stop, begin + 16 * kRowLines);
      for (uint32_t k = begin; k < last && lines_left > 0; k += 16, --lines_left) {
        __builtin_prefetch(r.target + k);
        if (r.weight) __builtin_prefetch(r.weight + k);
      }
      if (last > begin && lines_left > 0) __builtin_prefetch(r.target + last - 1);
    });
    for (uint32_t p = 0; p < n_pops; ++p) {
      uint32_t population_spikes = 0;
      for (uint32_t u = 0; u < n_parts; ++u) {
        const auto& list = lists[u][p];
        size_t& c = cursor[u * n_pops + p];
        const size_t c0 = c;
        for (; c < list.size() && list[c].step == s; ++c) {
          const uint32_t neuron = list[c].neuron;
          if (!dopamine_sources_.empty() && dopamine_sources_[p]) ++dopamine_spikes[p];
          for (size_t r = 0; r < spec_.rewards.size(); ++r) {
            const RewardSpec& rw = spec_.rewards[r];
            RewardState& st = reward_state_[thread][r];
            if (p == static_cast<uint32_t>(rw.pre) && neuron == rw.pre_neuron) st.last_pre = s;
            if (p == static_cast<uint32_t>(rw.post) && neuron == rw.post_neuron &&
                st.last_pre >= 0 && s > st.last_pre &&
                static_cast<double>(s - st.last_pre) * net_.dt <= rw.window + 1e-9) {
              // the reward's delay, drawn per pairing: the same on every thread and rank
              RandomStream stream(net_.seed,
                                  purpose_word(Purpose::reward_delay, static_cast<uint32_t>(r)),
                                  static_cast<uint32_t>(st.pairings));
              const double delay_ms = draw(rw.delay, stream);
              const int64_t at = s + std::max<int64_t>(1, std::llround(delay_ms / net_.dt));
              st.pending.insert(std::upper_bound(st.pending.begin(), st.pending.end(), at), at);
              ++st.pairings;
              st.last_pre = -1;  // one reward per pairing
            }
          }
          for (const Route& r : routes[p]) {
            if (r.plastic) {
              // even an empty row: the presynaptic traces and STP state follow every spike
              r.plastic->dynamics->on_pre_spike(*r.plastic, r.inputs, neuron, s,
                                                r.learning_rate * scale);
              continue;
            }
            const uint32_t begin = r.row_offset[size_t{neuron} * r.stride],
                           stop = r.row_offset[size_t{neuron + 1} * r.stride];
            const uint32_t* tgt = r.target;
            if (!r.delay) {
              SynInput* slot = r.slot;
              if (!r.weight) {
                const double w = r.uniform_weight;
                for (uint32_t k = begin; k < stop; ++k) slot[tgt[k]] += w;
              } else {
                for (uint32_t k = begin; k < stop; ++k) slot[tgt[k]] += r.weight[k];
              }
            } else {
              for (uint32_t k = begin; k < stop; ++k) {
                r.arrivals(r.delay[k])[tgt[k]] +=
                    r.weight ? static_cast<double>(r.weight[k]) : r.uniform_weight;
              }
            }
          }
        }
        population_spikes += static_cast<uint32_t>(c - c0);
      }
      // thread 0 sees every spike of every partition (and, after the exchange, rank)
      if (thread == 0) stats_[p].count_step(s, population_spikes);
    }
    if (!spec_.rewards.empty()) {
      reward_releases.assign(spec_.rewards.size(), 0);
      for (size_t r = 0; r < spec_.rewards.size(); ++r) {
        RewardState& st = reward_state_[thread][r];
        size_t n = 0;
        while (n < st.pending.size() && st.pending[n] <= s) ++n;
        if (n == 0) continue;
        st.pending.erase(st.pending.begin(), st.pending.begin() + static_cast<ptrdiff_t>(n));
        reward_releases[r] = static_cast<uint32_t>(n);
        st.releases += n;
        for (size_t i = 0; i < n; ++i)
          st.release_ms.push_back(static_cast<double>(s + 1) * net_.dt);
      }
    }
    if (plasticity)
      plasticity_after_step(thread, s, parity, post_cursor, dopamine_spikes, reward_releases);
  }
}

void Simulation::check_finite(int64_t step, uint32_t thread) const {
  for (uint32_t p = 0; p < net_.populations.size(); ++p) {
    const auto& pop = net_.populations[p];
    if (pop.model->kind != ModelKind::neuron) continue;
    auto v = pop.group->state(0);
    auto [lo, hi] = net_.range(p, thread);
    // a branch-free scan (vectorised); the offending neuron is searched only on failure
    int bad = 0;
    for (uint32_t i = lo; i < hi; ++i) bad |= !(std::fabs(v[i]) < 1e6);  // NaN fails too
    if (!bad) continue;
    for (uint32_t i = lo; i < hi; ++i) {
      if (std::fabs(v[i]) < 1e6) continue;
      // the model's stable step for its integrator, when it knows one and dt is above it
      const auto& ps = spec_.populations[p];
      const double bound =
          pop.model->stable_dt ? pop.model->stable_dt(ps.params, ps.integrator).dt : 0;
      throw RuntimeFailure(fmt::format(
          "numerical blow-up: population '{}' neuron {} has {} = {} at t = {:g} ms; the inputs "
          "are too strong for the model or the time step is too large (try {})",
          pop.name, i, pop.model->state[0].name, v[i], static_cast<double>(step + 1) * net_.dt,
          bound > 0 && bound < net_.dt ? fmt::format("a smaller dt: dt <= {:g} ms", bound)
                                       : "a smaller dt"));
    }
  }
}

void Simulation::advance(uint32_t t, int64_t first, int64_t end, int parity,
                         ThreadScratch& scratch) {
  const auto n_pops = static_cast<uint32_t>(net_.populations.size());
  const uint32_t part = net_.partition_of(t);
  for (uint32_t p = 0; p < n_pops; ++p) fired_[parity][part][p].clear();
  for (int64_t s = first; s < end; ++s) {
    for (uint32_t p = 0; p < n_pops; ++p) {
      auto& pop = net_.populations[p];
      auto [lo, hi] = net_.range(p, t);
      if (!pop.i_stim.empty()) std::fill(pop.i_stim.begin() + lo, pop.i_stim.begin() + hi, 0.0);
    }
    for (auto& st : stimuli_) st.apply(s, net_, t);
    if (!gaps_.empty()) gaps_.add_currents(net_, t, parity);
    for (uint32_t p = 0; p < n_pops; ++p) {
      Population& pop = net_.populations[p];
      auto [lo, hi] = net_.range(p, t);
      if (lo == hi) continue;
      auto& syn = scratch.syn[p];
      for (uint32_t r = 0; r < syn.size(); ++r) syn[r] = pop.inputs.slot(r, s, t);
      StepInput in{s, syn, pop.i_stim.empty() ? nullptr : pop.i_stim.data()};
      scratch.spiked.clear();
      pop.group->update(in, lo, hi, scratch.spiked);
      // the clopath rule reads its targets' voltages after every step
      for (uint32_t j : plastic_)
        if (net_.projections[j].to == p)
          if (ClopathRule* c = net_.shard(t, j).dynamics->clopath())
            c->record(*pop.model, *pop.group, s, net_.min_delay);
      if (scratch.spiked.empty()) continue;
      // everything about its own neurons' spikes the thread keeps itself
      auto& st = stats_[p];
      auto& list = fired_[parity][part][p];
      for (uint32_t n : scratch.spiked) {
        st.add(n, s);
        list.push_back(Fired{s, n});
      }
      recorders_.on_spikes(p, s, scratch.spiked, t, pop.group->spike_offsets());
    }
    recorders_.sample(s + 1, net_, t);
  }
  if (!gaps_.empty()) gaps_.publish(net_, t, parity);
}

bool Simulation::exchange(int64_t first, int parity, bool failed) {
  const uint32_t n_threads = net_.threads;
  const auto n_pops = static_cast<uint32_t>(net_.populations.size());
  auto& lists = fired_[parity];
  // one word for the failure flag, then per local partition and population: the count and
  // (step within the interval, neuron) per spike
  send_.clear();
  send_.push_back(failed ? 1u : 0u);
  for (uint32_t t = 0; t < n_threads; ++t)
    for (uint32_t p = 0; p < n_pops; ++p) {
      const auto& list = lists[net_.partition_of(t)][p];
      send_.push_back(static_cast<uint32_t>(list.size()));
      for (const Fired& f : list) {
        send_.push_back(static_cast<uint32_t>(f.step - first));
        send_.push_back(f.neuron);
      }
    }
  gaps_.pack(net_, parity, send_);
  comm_.all_gather(std::as_bytes(std::span<const uint32_t>(send_)), received_, received_at_);
  bool any_failed = false;
  std::vector<uint32_t>& words = send_;  // reused: this rank's part is no longer needed
  for (uint32_t r = 0; r < net_.ranks; ++r) {
    const size_t n_words = (received_at_[r + 1] - received_at_[r]) / sizeof(uint32_t);
    words.resize(n_words);
    std::memcpy(words.data(), received_.data() + received_at_[r], n_words * sizeof(uint32_t));
    any_failed |= words[0] != 0;
    if (r == net_.rank) continue;
    size_t at = 1;
    for (uint32_t t = 0; t < n_threads; ++t)
      for (uint32_t p = 0; p < n_pops; ++p) {
        auto& list = lists[r * n_threads + t][p];
        list.clear();
        const uint32_t n = words[at++];
        for (uint32_t i = 0; i < n; ++i, at += 2)
          list.push_back(Fired{first + words[at], words[at + 1]});
      }
    at += gaps_.unpack(r, parity, words.data() + at);
  }
  return any_failed;
}

void Simulation::run(const ProgressFn& progress) {
  auto t0 = std::chrono::steady_clock::now();
  // gap junctions couple the neurons' potentials every step: then every step is an interval
  const int64_t m = net_.projections.empty() || !gaps_.empty() ? 1 : net_.min_delay;
  const double total_ms = static_cast<double>(n_steps_) * net_.dt;
  const uint32_t n_threads = net_.threads;
  const bool ranks = net_.ranks > 1;
  const auto n_pops = static_cast<uint32_t>(net_.populations.size());
  // a blow-up is caught within about a millisecond of simulated time; checking every step
  // would cost as much as a cheap neuron update
  const int64_t check_every = std::max<int64_t>(1, std::llround(1.0 / net_.dt));
  // Each partition's list headers are written at every spike (push_back) by its own thread:
  // three spare headers (72 bytes) after them keep two threads' headers off one cache line
  // (false sharing cost 2-thread runs ~10 % of their time).
  for (auto& buffer : fired_)
    buffer.assign(net_.partitions(), std::vector<std::vector<Fired>>(n_pops + 3));
  cursor_.assign(n_threads, {});
  routes_.assign(n_threads, {});
  auto make_scratch = [&] {
    ThreadScratch sc;
    sc.syn.resize(n_pops);
    for (uint32_t p = 0; p < n_pops; ++p) sc.syn[p].resize(net_.populations[p].inputs.receptors());
    return sc;
  };

  post_cursor_.assign(n_threads, {});
  reward_state_.assign(n_threads, std::vector<RewardState>(spec_.rewards.size()));
  for (uint32_t t = 0; t < n_threads; ++t) {
    recorders_.sample(0, net_, t);
    weights_.sample(0, net_, t);
  }
  wait_s_.assign(n_threads, 0.0);
  update_s_.assign(n_threads, 0.0);
  deliver_s_.assign(n_threads, 0.0);
  exchange_s_ = 0;
  gaps_.initialize(net_);
  std::exception_ptr failure;
  if (n_threads == 1) {
    // no OpenMP constructs at all: even a one-thread team pays for its barriers
    ThreadScratch scratch = make_scratch();
    int64_t next_check = 0;
    for (int64_t T = 0, k = 0; T < n_steps_; T += m, ++k) {
      const int64_t end = std::min(T + m, n_steps_);
      const int parity = static_cast<int>(k & 1);
      const auto a0 = std::chrono::steady_clock::now();
      advance(0, T, end, parity, scratch);
      update_s_[0] += seconds_since(a0);
      if (end >= next_check || end == n_steps_) {
        next_check = end + check_every;
        try {
          check_finite(end - 1, 0);
        } catch (...) {
          failure = std::current_exception();
        }
      }
      // every rank stops after the same interval, whichever failed
      if (ranks) {
        const auto x0 = std::chrono::steady_clock::now();
        const bool stop = exchange(T, parity, failure != nullptr);
        exchange_s_ += seconds_since(x0);
        if (stop) break;
      } else if (failure) {
        break;
      }
      const auto d0 = std::chrono::steady_clock::now();
      deliver(0, T, end, parity);
      deliver_s_[0] += seconds_since(d0);
      if (progress) progress(static_cast<double>(end) * net_.dt, total_ms);
    }
  } else {
    // the first interval in which some thread failed; every thread stops after it together
    std::atomic<int64_t> stop_after{std::numeric_limits<int64_t>::max()};
    ThreadBarrier barrier(n_threads,
                          ThreadBarrier::default_spin(
                              n_threads, n_threads * static_cast<uint32_t>(comm_.ranks_on_node())));
#pragma omp parallel num_threads(n_threads)
    {
#ifdef _OPENMP
      const auto t = static_cast<uint32_t>(omp_get_thread_num());
#else
      const uint32_t t = 0;
#endif
      ThreadScratch scratch = make_scratch();
      int64_t next_check = 0;
      double wait = 0, update = 0, delivery = 0;
      for (int64_t T = 0, k = 0; T < n_steps_; T += m, ++k) {
        const int64_t end = std::min(T + m, n_steps_);
        const int parity = static_cast<int>(k & 1);
        const auto a0 = std::chrono::steady_clock::now();
        advance(t, T, end, parity, scratch);
        update += seconds_since(a0);
        if (end >= next_check || end == n_steps_) {
          next_check = end + check_every;
          try {
            check_finite(end - 1, t);
          } catch (...) {
            // exceptions must not leave the parallel region: record, stop all after this k
#pragma omp critical(engram_failure)
            if (!failure) failure = std::current_exception();
            int64_t seen = stop_after.load();
            while (k < seen && !stop_after.compare_exchange_weak(seen, k)) {
            }
          }
        }
        const auto w0 = std::chrono::steady_clock::now();
        barrier.arrive_and_wait();
        if (ranks) {
#pragma omp master
          {
            // the thread that started MPI: tell the others this rank's news, hear theirs
            const auto x0 = std::chrono::steady_clock::now();
            if (exchange(T, parity, stop_after.load() <= k)) {
              int64_t seen = stop_after.load();
              while (k < seen && !stop_after.compare_exchange_weak(seen, k)) {
              }
            }
            exchange_s_ += seconds_since(x0);
          }
          barrier.arrive_and_wait();
        }
        wait += seconds_since(w0);
        if (stop_after.load() <= k) break;
        const auto d0 = std::chrono::steady_clock::now();
        deliver(t, T, end, parity);
        delivery += seconds_since(d0);
        if (t == 0 && progress) progress(static_cast<double>(end) * net_.dt, total_ms);
      }
      wait_s_[t] = wait;
      update_s_[t] = update;
      deliver_s_[t] = delivery;
    }
  }
  // a rank without a failure of its own learns the failing rank's message here
  comm_.agree(failure);
  recorders_.finish(comm_);
  weights_.finish(net_, comm_);
  for (auto& st : stats_) st.merge_ranks(comm_);
  sim_s_ = seconds_since(t0);
}

}  // namespace engram
