// McCulloch-Pitts binary threshold unit (McCulloch & Pitts 1943) with synchronous
// discrete-time update:  n_i(t+1) = Θ(Σ_j W_ij n_j(t) - μ_i),  Θ(x) = 1 for x >= 0.
//
// One engine step is one tick of the discrete time. A unit whose state is 1 emits a spike,
// and with a delay of one step (the minimum) that spike is the input n_j(t) of the next
// update, so all units update synchronously from the previous tick's states. Weights are
// dimensionless and may be negative (inhibition); McCulloch-Pitts networks do not respect
// Dale's principle.
#include "engram/models/model.hpp"

namespace engram {
namespace {

enum P { theta };
constexpr ParamSpec kParams[] = {
    {"theta", Dim::none, 1.0, -kInf, kInf, false, false,
     "threshold μ: the unit fires when the weighted input sum reaches it"},
};
enum S { n, h };
constexpr StateSpec kState[] = {
    {"n", Dim::none, "binary state (1 = firing) after the last update"},
    {"h", Dim::none, "weighted input sum of the last update"},
};
constexpr ReceptorSpec kReceptors[] = {
    {"exc", Dim::none, "weighted input (any sign)"},
    {"inh", Dim::none, "weighted input (any sign; same as exc, for readability)"},
};
constexpr std::string_view kIntegrators[] = {"discrete"};

ParamProblem check(std::span<const double>, double) {
  return {};
}

class McCullochPitts final : public NeuronGroup {
 public:
  explicit McCullochPitts(const GroupSetup& s)
      : NeuronGroup(s.size), theta_(s.params[theta]), n_(s.size), h_(s.size) {}

  void update(const StepInput& in, uint32_t begin, uint32_t end,
              std::vector<uint32_t>& spiked) override {
    SynInput* a = in.syn[0];
    SynInput* b = in.syn[1];
    for (uint32_t i = begin; i < end; ++i) {
      h_[i] = a[i] + b[i];
      a[i] = 0.0;
      b[i] = 0.0;
      n_[i] = h_[i] >= theta_ ? 1.0 : 0.0;
      if (n_[i] != 0.0) spiked.push_back(i);
    }
  }

  std::span<double> state(size_t index) override { return index == n ? n_ : h_; }

 private:
  double theta_;
  std::vector<double> n_, h_;
};

}  // namespace

extern const ModelInfo kMcCullochPitts{
    .name = "mcculloch_pitts",
    .kind = ModelKind::neuron,
    .summary = "binary threshold unit, synchronous discrete-time update",
    .doc = "n(t+1) = Θ(Σ_j W_ij n_j(t) - theta); one step = one tick; use delay = one step.",
    .params = kParams,
    .state = kState,
    .receptors = kReceptors,
    .accepts_current = false,
    .integrators = kIntegrators,
    .check = check,
    .create = create_group<McCullochPitts>,
};

}  // namespace engram
