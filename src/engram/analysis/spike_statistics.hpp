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
  // bin_steps: width of the bins of the population spike count (synchrony measure), over
  // the n_steps / bin_steps whole bins of the run. Threads add the spikes of their own
  // neurons (the per-neuron entries are disjoint); the population count comes separately,
  // step by step from one thread that sees every spike (count_step).
  SpikeStatistics(uint32_t size, int64_t n_steps, int64_t bin_steps)
      : count_(size, 0),
        last_(size, -1),
        isi_sum_(size, 0),
        isi_sq_(size, 0),
        bin_steps_(std::max<int64_t>(1, bin_steps)),
        n_bins_(std::max<int64_t>(1, n_steps / bin_steps_)),
        n_steps_(n_steps) {}

  // The spikes of the whole population at `step`, for every step in increasing order. Each
  // bin is folded into running sums as it closes, so a run of hours needs no more memory
  // than one of a second; the sums are the same, in the same order, for any partition.
  void count_step(int64_t step, uint32_t spikes) {
    const int64_t b = step / bin_steps_;
    if (b >= n_bins_) return;  // the partial bin at the end is left out
    open_ += spikes;
    if ((step + 1) % bin_steps_ == 0 || step + 1 == n_steps_) {
      const auto c = static_cast<double>(open_);
      bin_sum_ += c;
      bin_sq_ += c * c;
      open_ = 0;
    }
  }

  void add(uint32_t neuron, int64_t step) {
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
    const double n = static_cast<double>(n_bins_);
    const double mean = bin_sum_ / n;
    return mean > 0 ? (bin_sq_ / n - mean * mean) / mean : std::nan("");
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
    // the population count came from the exchanged spikes: every rank has all of it
  }

 private:
  std::vector<uint32_t> count_;
  std::vector<int64_t> last_;
  std::vector<double> isi_sum_, isi_sq_;
  int64_t bin_steps_, n_bins_, n_steps_;
  // written at every step by the one thread that counts (count_step), while the others read
  // the vectors above at their spikes (add): a cache line of their own
  alignas(64) uint64_t open_ = 0;    // spikes in the bin not yet closed
  double bin_sum_ = 0, bin_sq_ = 0;  // over closed bins: sum of counts, of squares
};

}  // namespace engram
