#pragma once
// Running per-neuron spike statistics, kept for every neuron whatever is recorded, so the
// summary (rate, CV of ISI) never depends on the recording choice.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "engram/parallel/communicator.hpp"

namespace engram {

class SpikeStatistics {
 public:
  // bin_steps: width of the bins of the population spike count (synchrony measure).
  // threads: each thread adds the spikes of its own neurons (the per-neuron entries are
  // disjoint) into its own bins, so no two threads write the same memory.
  SpikeStatistics(uint32_t size, int64_t n_steps, int64_t bin_steps, uint32_t threads = 1)
      : count_(size, 0),
        last_(size, -1),
        isi_sum_(size, 0),
        isi_sq_(size, 0),
        bin_steps_(std::max<int64_t>(1, bin_steps)),
        bins_(threads, std::vector<uint32_t>(
                           static_cast<size_t>(std::max<int64_t>(1, n_steps / bin_steps_)))) {}

  void add(uint32_t neuron, int64_t step, uint32_t thread = 0) {
    const auto b = static_cast<size_t>(step / bin_steps_);
    if (b < bins_[thread].size()) ++bins_[thread][b];
    if (last_[neuron] >= 0) {
      const double isi = static_cast<double>(step - last_[neuron]);
      isi_sum_[neuron] += isi;
      isi_sq_[neuron] += isi * isi;
    }
    last_[neuron] = step;
    ++count_[neuron];
  }

  uint64_t total() const {
    uint64_t n = 0;
    for (auto c : count_) n += c;
    return n;
  }
  uint32_t count(uint32_t neuron) const { return count_[neuron]; }

  // Fano factor (variance / mean) of the population spike count in bins: about 1 for
  // independent Poisson neurons, far above 1 when neurons fire together.
  double population_fano() const {
    double sum = 0, sq = 0;
    for (size_t b = 0; b < bins_[0].size(); ++b) {
      double c = 0;
      for (const auto& bins : bins_) c += bins[b];
      sum += c;
      sq += c * c;
    }
    const double n = static_cast<double>(bins_[0].size());
    const double mean = sum / n;
    return mean > 0 ? (sq / n - mean * mean) / mean : std::nan("");
  }

  // Mean over neurons with at least 3 spikes (2 ISIs) of each neuron's ISI CV; also
  // returns how many neurons contributed.
  std::pair<double, uint32_t> mean_cv() const {
    double sum = 0;
    uint32_t n = 0;
    for (size_t i = 0; i < count_.size(); ++i) {
      if (count_[i] < 3) continue;
      const double k = count_[i] - 1.0;
      const double mean = isi_sum_[i] / k;
      const double var = std::max(0.0, isi_sq_[i] / k - mean * mean) * k / (k - 1.0);
      sum += std::sqrt(var) / mean;
      ++n;
    }
    return {n ? sum / n : std::nan(""), n};
  }

  // After a run on several ranks: every rank's statistics become those of the whole
  // population (each rank kept its own neurons' entries; the others stayed zero).
  void merge_ranks(const Communicator& comm) {
    if (comm.size() == 1) return;
    std::vector<uint64_t> wide(count_.begin(), count_.end());
    comm.sum(wide);
    std::copy(wide.begin(), wide.end(), count_.begin());
    comm.max(last_);
    comm.sum(isi_sum_);  // a neuron's sums are non-zero on its own rank only: exact
    comm.sum(isi_sq_);
    wide.assign(bins_[0].size(), 0);
    for (const auto& bins : bins_)
      for (size_t b = 0; b < bins.size(); ++b) wide[b] += bins[b];
    comm.sum(wide);
    bins_.assign(1, std::vector<uint32_t>(wide.begin(), wide.end()));
  }

 private:
  std::vector<uint32_t> count_;
  std::vector<int64_t> last_;
  std::vector<double> isi_sum_, isi_sq_;
  int64_t bin_steps_;
  std::vector<std::vector<uint32_t>> bins_;  // [thread][bin]
};

}  // namespace engram
