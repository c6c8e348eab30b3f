#pragma once
// Running per-neuron spike statistics, kept for every neuron whatever is recorded, so the
// summary (rate, CV of ISI) never depends on the recording choice.
#include <cmath>
#include <cstdint>
#include <vector>

namespace engram {

class SpikeStatistics {
 public:
  explicit SpikeStatistics(uint32_t size)
      : count_(size, 0), last_(size, -1), isi_sum_(size, 0), isi_sq_(size, 0) {}

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

 private:
  std::vector<uint32_t> count_;
  std::vector<int64_t> last_;
  std::vector<double> isi_sum_, isi_sq_;
};

}  // namespace engram
