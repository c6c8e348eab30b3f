#include "engram/io/recorder.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "engram/core/pages.hpp"

namespace engram {

Recorders::Recorders(const ModelSpec& spec, const Network& net, int64_t n_steps)
    : dt_(net.dt), threads_(net.threads), by_population_(net.populations.size(), -1) {
  for (const auto& r : spec.records) {
    if (r.projection >= 0) continue;  // weights: the simulation records them
    const auto pop = static_cast<uint32_t>(r.population);
    const uint32_t size = net.populations[pop].size;
    if (r.spikes) {
      // several spike records of one population merge into one recording
      int& idx = by_population_[pop];
      const int64_t first =
          std::max<int64_t>(0, std::llround(std::ceil(r.start / net.dt - 1e-9)) - 1);
      const int64_t last = std::isfinite(r.stop)
                               ? std::llround(std::floor(r.stop / net.dt + 1e-9)) - 1
                               : std::numeric_limits<int64_t>::max();
      if (idx < 0) {
        idx = static_cast<int>(spikes_.size());
        spikes_.push_back(
            SpikeRecording{pop, first, last, std::vector<uint8_t>(size, 0), 0, {}, {}, {}});
        spikes_.back().parts.resize(net.threads);
      }
      auto& rec = spikes_[idx];
      // merged records of one population cover the union of their windows
      rec.first_step = std::min(rec.first_step, first);
      rec.last_step = std::max(rec.last_step, last);
      if (r.neurons.empty()) {
        std::fill(rec.selected.begin(), rec.selected.end(), 1);
      } else {
        for (uint32_t n : r.neurons) rec.selected[n] = 1;
      }
      rec.recorded_neurons = 0;
      for (auto s : rec.selected) rec.recorded_neurons += s;
    } else {
      StateRecording rec;
      rec.population = pop;
      rec.injected = r.state == RecordSpec::kInjectedCurrent;
      if (rec.injected) {
        rec.variable = "i_stim";
        rec.dim = Dim::current;
      } else {
        rec.state = static_cast<uint32_t>(r.state);
        rec.variable = net.populations[pop].model->state[rec.state].name;
        rec.dim = net.populations[pop].model->state[rec.state].dim;
      }
      rec.neurons = r.neurons;
      if (rec.neurons.empty())
        for (uint32_t i = 0; i < size; ++i) rec.neurons.push_back(i);
      rec.interval_steps = std::max<int64_t>(1, std::llround(r.interval / net.dt));
      // sampling points: multiples of the interval inside the window
      const int64_t start_k = std::llround(std::ceil(r.start / net.dt - 1e-9));
      rec.first_k = (start_k + rec.interval_steps - 1) / rec.interval_steps * rec.interval_steps;
      rec.last_k = std::isfinite(r.stop) ? std::llround(std::floor(r.stop / net.dt + 1e-9))
                                         : std::numeric_limits<int64_t>::max();
      rec.last_k = std::min(rec.last_k, n_steps);
      rec.samples = rec.last_k >= rec.first_k
                        ? static_cast<size_t>((rec.last_k - rec.first_k) / rec.interval_steps + 1)
                        : 0;
      rec.data.assign(rec.samples * rec.neurons.size(), 0.0);
      rec.columns_of_partition.resize(net.partitions());
      for (uint32_t c = 0; c < rec.neurons.size(); ++c)
        for (uint32_t u = 0; u < net.partitions(); ++u) {
          auto [lo, hi] = net.partition_range(pop, u);
          if (rec.neurons[c] >= lo && rec.neurons[c] < hi) rec.columns_of_partition[u].push_back(c);
        }
      states_.push_back(std::move(rec));
    }
  }
  for (auto& rec : spikes_)
    if (rec.recorded_neurons == net.populations[rec.population].size) rec.selected.clear();
}

void Recorders::on_spikes(uint32_t population, int64_t step, std::span<const uint32_t> spiked,
                          uint32_t thread, const double* offsets) {
  const int idx = by_population_[population];
  if (idx < 0 || spiked.empty()) return;
  auto& rec = spikes_[idx];
  if (step < rec.first_step || step > rec.last_step) return;
  auto& part = rec.parts[thread];
  uint32_t n_kept = 0;
  for (uint32_t n : spiked) {
    if (!rec.selected.empty() && !rec.selected[n]) continue;
    part.neuron.push_back(n);
    if (offsets) part.offset.push_back(offsets[n]);  // a model gives all times or none
    ++n_kept;
  }
  if (n_kept == 0) return;
  part.step.push_back(step);
  part.count.push_back(n_kept);
}

namespace {
// Plain values into and out of a byte buffer, for gathering recordings to the root rank.
template <class T>
void put(std::vector<std::byte>& out, std::span<const T> values) {
  const uint64_t n = values.size();
  const auto* p = reinterpret_cast<const std::byte*>(&n);
  out.insert(out.end(), p, p + sizeof n);
  const auto bytes = std::as_bytes(values);
  out.insert(out.end(), bytes.begin(), bytes.end());
}
template <class T>
void put(std::vector<std::byte>& out, const BlockVector<T>& values) {
  const uint64_t n = values.size();
  const auto* p = reinterpret_cast<const std::byte*>(&n);
  out.insert(out.end(), p, p + sizeof n);
  values.for_each_block([&](std::span<const T> block) {
    const auto bytes = std::as_bytes(block);
    out.insert(out.end(), bytes.begin(), bytes.end());
  });
}
template <class T>
std::vector<T> take(const std::vector<std::byte>& in, size_t& at) {
  uint64_t n = 0;
  std::memcpy(&n, in.data() + at, sizeof n);
  at += sizeof n;
  std::vector<T> values(n);
  std::memcpy(values.data(), in.data() + at, n * sizeof(T));
  at += n * sizeof(T);
  return values;
}
template <class T>
void take(const std::vector<std::byte>& in, size_t& at, BlockVector<T>& into) {
  for (T v : take<T>(in, at)) into.push_back(v);
}
}  // namespace

void Recorders::gather_to_root(const Communicator& comm) {
  std::vector<std::byte> mine;
  for (const auto& rec : spikes_)
    for (const auto& part : rec.parts) {
      put(mine, part.step);
      put(mine, part.count);
      put(mine, part.neuron);
      put(mine, part.offset);
    }
  const auto partition = [&](int rank, uint32_t t) {
    return static_cast<uint32_t>(rank) * threads_ + t;
  };
  for (const auto& rec : states_) {
    std::vector<double> values;
    const size_t n = rec.neurons.size();
    for (uint32_t t = 0; t < threads_; ++t)
      for (size_t row = 0; row < rec.samples; ++row)
        for (uint32_t c : rec.columns_of_partition[partition(comm.rank(), t)])
          values.push_back(rec.data[row * n + c]);
    put<double>(mine, values);
  }
  auto all = comm.gather_to_root(mine);
  if (!comm.is_root()) {
    // nothing to write on this rank: free what it recorded
    for (auto& rec : spikes_) rec.parts.clear();
    for (auto& rec : states_) rec.data = {};
    return;
  }
  // partitions in (rank, thread) order own ascending neuron ranges: the parts stay in order
  std::vector<std::vector<SpikeRecording::Part>> parts(spikes_.size());
  for (int r = 0; r < comm.size(); ++r) {
    size_t at = 0;
    const auto& in = all[r];
    for (size_t i = 0; i < spikes_.size(); ++i)
      for (uint32_t t = 0; t < threads_; ++t) {
        SpikeRecording::Part& part = parts[i].emplace_back();
        take(in, at, part.step);
        take(in, at, part.count);
        take(in, at, part.neuron);
        take(in, at, part.offset);
      }
    for (auto& rec : states_) {
      const auto values = take<double>(in, at);
      if (r == 0) continue;  // the root's own samples are in place
      const size_t n = rec.neurons.size();
      size_t k = 0;
      for (uint32_t t = 0; t < threads_; ++t)
        for (size_t row = 0; row < rec.samples; ++row)
          for (uint32_t c : rec.columns_of_partition[partition(r, t)])
            rec.data[row * n + c] = values[k++];
    }
  }
  for (size_t i = 0; i < spikes_.size(); ++i) spikes_[i].parts = std::move(parts[i]);
}

void Recorders::finish(const Communicator& comm) {
  if (comm.size() > 1) gather_to_root(comm);
  // each part is in step order and thread t's neurons precede thread t+1's: merging the
  // parts step by step in thread order gives (time, neuron) order. The outputs are sized
  // once and filled front to back, reading the parts' blocks in runs: the merge of COBA x10's
  // 1.5 million spikes went from 11-14 ms to 2-3 ms (an index computation and a resize per
  // value or step before); what remains is the first write to the fresh output pages.
  for (auto& rec : spikes_) {
    size_t total = 0;
    for (const auto& part : rec.parts) total += part.neuron.size();
    const size_t base = rec.neuron.size();
    reserve_populated(rec.t_ms, base + total);
    reserve_populated(rec.neuron, base + total);
    rec.t_ms.resize(base + total);
    rec.neuron.resize(base + total);
    struct Cursor {
      BlockVector<int64_t>::Reader step;
      BlockVector<uint32_t>::Reader count, neuron;
      BlockVector<double>::Reader offset;
      bool precise;
    };
    std::vector<Cursor> cursors;
    for (const auto& part : rec.parts)
      cursors.push_back(Cursor{BlockVector<int64_t>::Reader(part.step),
                               BlockVector<uint32_t>::Reader(part.count),
                               BlockVector<uint32_t>::Reader(part.neuron),
                               BlockVector<double>::Reader(part.offset), !part.offset.empty()});
    double* t_out = rec.t_ms.data() + base;
    uint32_t* n_out = rec.neuron.data() + base;
    for (;;) {
      int64_t step = std::numeric_limits<int64_t>::max();
      for (const auto& c : cursors)
        if (!c.step.done()) step = std::min(step, c.step.peek());
      if (step == std::numeric_limits<int64_t>::max()) break;
      const double t = static_cast<double>(step + 1) * dt_, t0 = static_cast<double>(step) * dt_;
      for (auto& c : cursors) {
        if (c.step.done() || c.step.peek() != step) continue;
        c.step.next();
        const uint32_t n = c.count.next();
        c.neuron.take(n, [&](std::span<const uint32_t> run) {
          n_out = std::copy(run.begin(), run.end(), n_out);
        });
        if (!c.precise) {
          t_out = std::fill_n(t_out, n, t);
        } else {
          c.offset.take(n, [&](std::span<const double> run) {
            for (double o : run) *t_out++ = t0 + o;
          });
        }
      }
    }
    for (auto& part : rec.parts) part = {};
  }
}

void Recorders::sample(int64_t k, Network& net, uint32_t thread) {
  for (auto& rec : states_) {
    if (k % rec.interval_steps != 0 || k < rec.first_k || k > rec.last_k) continue;
    const auto row = static_cast<size_t>((k - rec.first_k) / rec.interval_steps);
    const size_t n = rec.neurons.size();
    auto& pop = net.populations[rec.population];
    // i_stim is sized only when a current stimulus targets the population; else it is 0
    std::span<const double> values =
        rec.injected ? std::span<const double>(pop.i_stim) : pop.group->state(rec.state);
    if (values.empty()) continue;
    for (uint32_t c : rec.columns_of_partition[net.partition_of(thread)])
      rec.data[row * n + c] = values[rec.neurons[c]];
  }
}

}  // namespace engram
