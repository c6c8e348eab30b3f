// Poisson spike source: each neuron of the population fires an independent Poisson train
// at `rate` between `start` and `stop`. On the time grid this is a Bernoulli process with
// p = 1 - exp(-rate dt) per step (at most one spike per step), so the gap between spikes
// in steps is geometric; we draw those gaps from each neuron's own Philox stream, keyed by
// its global id, so the trains do not depend on threads or ranks.
#include <cmath>
#include <limits>

#include "engram/core/random.hpp"
#include "engram/models/model.hpp"

namespace engram {
namespace {

enum P { rate, start, stop };
constexpr ParamSpec kParams[] = {
    {"rate", Dim::frequency, 10.0, 0, kInf, false, false, "firing rate of each neuron"},
    {"start", Dim::time, 0.0, 0, kInf, false, false, "first time at which spikes may occur"},
    {"stop", Dim::time, kInf, 0, kInf, false, false, "no spikes after this time"},
};
constexpr StateSpec kState[] = {
    {"rate", Dim::frequency, "firing rate", "rate"},
};
constexpr std::string_view kIntegrators[] = {"discrete"};

ParamProblem check(std::span<const double> p, double dt) {
  if (p[stop] < p[start]) return {"stop", "must not be before start"};
  if (p[rate] * dt * 1e-3 > 0.1)
    return {"rate",
            "is too high for the time step (more than 0.1 spikes per step); "
            "use a smaller dt or several sources"};
  return {};
}

class PoissonSource final : public NeuronGroup {
 public:
  explicit PoissonSource(const GroupSetup& s)
      : NeuronGroup(s.size), rate_(s.size, s.params[rate]), next_(s.size) {
    const double dt = s.dt;
    first_step_ = static_cast<int64_t>(std::ceil(s.params[start] / dt - 1e-9)) - 1;
    if (first_step_ < 0) first_step_ = 0;
    last_step_ = std::isfinite(s.params[stop])
                     ? static_cast<int64_t>(std::floor(s.params[stop] / dt + 1e-9)) - 1
                     : std::numeric_limits<int64_t>::max();
    log1mp_ = -s.params[rate] * dt * 1e-3;  // log(1 - p) with p = 1 - exp(-rate dt)
    streams_.reserve(s.size);
    for (uint32_t i = 0; i < s.size; ++i) {
      streams_.emplace_back(s.seed, purpose_word(Purpose::poisson_source, s.group_index),
                            s.gid_offset + i);
      next_[i] = first_step_ + gap(streams_[i]) - 1;
    }
  }

  void update(const StepInput& in, uint32_t begin, uint32_t end,
              std::vector<uint32_t>& spiked) override {
    if (in.step > last_step_) return;
    for (uint32_t i = begin; i < end; ++i) {
      if (next_[i] == in.step) {
        spiked.push_back(i);
        next_[i] += gap(streams_[i]);
      }
    }
  }

  std::span<double> state(size_t) override { return rate_; }

 private:
  int64_t gap(RandomStream& r) const {
    if (log1mp_ == 0.0) return std::numeric_limits<int64_t>::max() / 4;
    double g = std::floor(std::log(r.uniform_open0()) / log1mp_);
    return 1 + static_cast<int64_t>(std::min(g, 1e15));
  }

  std::vector<double> rate_;
  std::vector<int64_t> next_;
  std::vector<RandomStream> streams_;
  int64_t first_step_, last_step_;
  double log1mp_;
};

}  // namespace

extern const ModelInfo kPoissonSource{
    .name = "poisson_source",
    .kind = ModelKind::source,
    .summary = "independent Poisson spike trains, one per neuron",
    .doc =
        "Bernoulli per step with p = 1 - exp(-rate dt); geometric inter-spike gaps drawn "
        "from each neuron's own Philox stream.",
    .params = kParams,
    .state = kState,
    .receptors = {},
    .accepts_current = false,
    .integrators = kIntegrators,
    .check = check,
    .create = create_group<PoissonSource>,
};

}  // namespace engram
