// Same seed, same spikes (bitwise); another seed, other spikes. A golden checksum of the
// default network's spikes guards against unnoticed changes of the numerics (as Auryn's
// coba_test); update it only with a reason in the commit message.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace engram {
namespace {

uint64_t checksum(const Simulation& sim) {
  uint64_t h = 1469598103934665603ull;
  for (const auto& rec : sim.recorders().spikes())
    for (size_t k = 0; k < rec.t_ms.size(); ++k) {
      const auto step = static_cast<uint64_t>(std::llround(rec.t_ms[k] * 10));
      h = (h ^ step) * 1099511628211ull;
      h = (h ^ (rec.neuron[k] + (uint64_t{rec.population} << 32))) * 1099511628211ull;
    }
  return h;
}

// Golden checksums. The build uses ISO C++ (no FMA contraction) and no -ffast-math, so they
// hold for any x86-64 vector width.
constexpr uint64_t kGoldenBrunel = 7781659896684166579ull;
constexpr uint64_t kGoldenCoba = 6512449993411076284ull;

std::vector<Override> small() {
  return {{"population.exc.size", "800"},     {"population.inh.size", "200"},
          {"projection.0.connect.k", "200"},  {"projection.1.connect.k", "200"},
          {"projection.2.connect.k", "50"},   {"projection.3.connect.k", "50"},
          {"protocol.duration", "\"200 ms\""}};
}

TEST(Determinism, SameSeedSameSpikesOtherSeedOtherSpikes) {
  auto a = test::run_file("examples/brunel_ai.toml", small());
  auto b = test::run_file("examples/brunel_ai.toml", small());
  auto o = small();
  o.push_back({"protocol.seed", "999"});
  auto c = test::run_file("examples/brunel_ai.toml", o);
  ASSERT_GT(a->recorders().spikes()[0].t_ms.size(), 1000u);
  EXPECT_EQ(a->recorders().spikes()[0].t_ms, b->recorders().spikes()[0].t_ms);
  EXPECT_EQ(a->recorders().spikes()[0].neuron, b->recorders().spikes()[0].neuron);
  EXPECT_EQ(checksum(*a), checksum(*b));
  EXPECT_NE(checksum(*a), checksum(*c));
  RecordProperty("checksum", std::to_string(checksum(*a)));
  EXPECT_EQ(checksum(*a), kGoldenBrunel) << "spikes changed: if intended, say why in the commit";
}

TEST(Determinism, CobaNetworkIsReproducible) {
  auto o = std::vector<Override>{{"protocol.duration", "\"200 ms\""}};
  auto a = test::run_file("examples/coba.toml", o);
  auto b = test::run_file("examples/coba.toml", o);
  EXPECT_EQ(checksum(*a), checksum(*b));
  EXPECT_EQ(checksum(*a), kGoldenCoba) << "spikes changed: if intended, say why in the commit";
  EXPECT_GT(a->statistics()[0].total(), 0u);
}

}  // namespace
}  // namespace engram
