// Izhikevich (2007) Fig. 1, examples/izhikevich_2007_distal_reward.toml: dopamine-modulated
// STDP with a reward 1-3 s after each pre-before-post pairing of one chosen synapse drives
// that synapse from 0 to near its maximum (4 mV), above most of the 64 000 other
// excitatory synapses; the same synapse without the reward's dopamine stays near 0.
// Label `long` (two 1800 s runs of 1000 neurons, several minutes); CI skips it.
#include <algorithm>
#include <vector>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace engram {
namespace {

const Projection& projection(const Simulation& sim, const std::string& name) {
  for (const auto& p : sim.network().projections)
    if (p.name == name) return p;
  throw std::runtime_error("no projection " + name);
}

TEST(DistalReward, TheRewardedSynapseIsSingledOut) {
  // measured (3600 s runs): seed 1 reaches 3.9 mV at 1070 s, seed 2 3.6 mV at 330 s, both end
  // at 4 mV; the others' median stays ~0.5 mV and about 5 % of them also reach the maximum
  auto rewarded = test::run_file("examples/izhikevich_2007_distal_reward.toml",
                                 {{"protocol.duration", "\"1800 s\""}});
  const float w = projection(*rewarded, "rewarded").weight.at(0);
  std::vector<float> others = projection(*rewarded, "exc->exc").weight;
  std::nth_element(others.begin(), others.begin() + others.size() * 9 / 10, others.end());
  const float p90 = others[others.size() * 9 / 10];
  EXPECT_GE(w, 3.0f);
  EXPECT_GT(w, p90) << "the rewarded synapse is not above 90 % of the others";
  // control: the same synapse, the same rewards, but its own dopamine sensitivity off
  auto control = test::run_file("examples/izhikevich_2007_distal_reward.toml",
                                {{"protocol.duration", "\"1800 s\""},
                                 {"projection.0.synapse.plasticity.dopamine.amount", "0.0"}});
  EXPECT_LT(projection(*control, "rewarded").weight.at(0), 0.5f);
}

}  // namespace
}  // namespace engram
