// Spike source that replays given spike times (from the model file or a file), like
// NEST's spike_generator or Brian's SpikeGeneratorGroup. A spike at time t is emitted in
// the step that ends at or after t, i.e. it is stamped ceil(t/dt)*dt (t = 0 goes to dt).
// Several times in one step give one spike.
#include <cmath>

#include "engram/models/model.hpp"

namespace engram {
namespace {

constexpr StateSpec kState[] = {
    {"count", Dim::none, "number of spikes emitted so far"},
};
constexpr std::string_view kIntegrators[] = {"discrete"};

ParamProblem check(std::span<const double>, double) {
  return {};
}

class SpikeSource final : public NeuronGroup {
 public:
  explicit SpikeSource(const GroupSetup& s) : NeuronGroup(s.size), count_(s.size), pos_(s.size) {
    steps_.resize(s.size);
    for (uint32_t i = 0; i < s.size && i < s.spike_times.size(); ++i) {
      for (double t : s.spike_times[i]) {
        auto step = static_cast<int64_t>(std::ceil(t / s.dt - 1e-9)) - 1;
        if (step < 0) step = 0;
        if (steps_[i].empty() || steps_[i].back() != step) steps_[i].push_back(step);
      }
    }
  }

  void update(const StepInput& in, uint32_t begin, uint32_t end,
              std::vector<uint32_t>& spiked) override {
    for (uint32_t i = begin; i < end; ++i) {
      const auto& st = steps_[i];
      if (pos_[i] < st.size() && st[pos_[i]] == in.step) {
        ++pos_[i];
        count_[i] += 1.0;
        spiked.push_back(i);
      }
    }
  }

  std::span<double> state(size_t) override { return count_; }

 private:
  std::vector<std::vector<int64_t>> steps_;
  std::vector<double> count_;
  std::vector<size_t> pos_;
};

}  // namespace

extern const ModelInfo kSpikeSource{
    .name = "spike_source",
    .kind = ModelKind::source,
    .summary = "replays given spike times (list in the model file or a file)",
    .doc =
        "Set spike_times = [[t, ...], ...] (one list per neuron, or one list for a "
        "population of size 1) or spike_file = \"path\" (lines 'neuron,time_ms'). Spikes "
        "are stamped at the end of the step containing them.",
    .params = {},
    .state = kState,
    .receptors = {},
    .accepts_current = false,
    .integrators = kIntegrators,
    .check = check,
    .create = create_group<SpikeSource>,
};

}  // namespace engram
