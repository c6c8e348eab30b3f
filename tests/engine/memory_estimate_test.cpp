// The memory estimate made before building matches what is built, and a model too large for
// the memory at hand is refused with what it needs, what there is and what to change.
#include "engram/engine/memory_estimate.hpp"
#include "engram/engine/simulation.hpp"

#include <gtest/gtest.h>

#include "engram/engine/network.hpp"
#include "test_support.hpp"

namespace engram {
namespace {

TEST(MemoryEstimate, MatchesTheBuiltSynapses) {
  // fixed in-degree with uniform weights: the count is exact
  const auto brunel = load_model_file(test::source_path("examples/brunel_ai.toml"),
                                      {{"population.exc.size", "400"},
                                       {"population.inh.size", "100"},
                                       {"projection.0.connect.k", "100"},
                                       {"projection.1.connect.k", "100"},
                                       {"projection.2.connect.k", "25"},
                                       {"projection.3.connect.k", "25"}});
  const MemoryEstimate e = estimate_memory(brunel);
  const Simulation sim(brunel);
  const Network& net = sim.network();
  EXPECT_DOUBLE_EQ(e.synapses, static_cast<double>(net.synapse_count()));
  EXPECT_DOUBLE_EQ(e.synapse_bytes, static_cast<double>(net.synapse_bytes()));
  // the CSR offsets of every shard, and the delivery's row index beside them (each source
  // population has two static projections)
  EXPECT_GT(sim.row_index_bytes(), 0u);
  EXPECT_DOUBLE_EQ(e.index_bytes, static_cast<double>(net.index_bytes() + sim.row_index_bytes()));
  // fixed probability: the expected count, within a few standard deviations
  const auto coba = load_model_file(test::source_path("examples/coba.toml"));
  const MemoryEstimate c = estimate_memory(coba);
  const Network cnet = build_network(coba);
  EXPECT_NEAR(c.synapses, static_cast<double>(cnet.synapse_count()), 4 * std::sqrt(c.synapses));
  // ring buffers are inside the neuron estimate
  EXPECT_GT(c.neuron_bytes, static_cast<double>(cnet.buffer_bytes()));
  EXPECT_LT(c.neuron_bytes, 4.0 * static_cast<double>(cnet.buffer_bytes()) + 4000 * 200.0);
}

TEST(MemoryEstimate, RefusesAModelThatDoesNotFit) {
  // 200 000 x 200 000 all-to-all: 4e10 synapses, 160 GB
  const auto spec = test::spec_from(R"(
[protocol]
duration = "1 ms"
[[population]]
name = "big"
size = 200000
model = "lif_psc_exp"
[[projection]]
from = "big"
to = "big"
connect = { rule = "all_to_all" }
synapse = { weight = "1 pA" }
)");
  try {
    check_memory(spec, 24.0 * 1024 * 1024 * 1024);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    const std::string msg = e.message();
    EXPECT_NE(msg.find("needs about 149.03 GiB"), std::string::npos) << msg;
    EXPECT_NE(msg.find("24.00 GiB are available"), std::string::npos) << msg;
    EXPECT_NE(msg.find("4e+10 of them"), std::string::npos) << msg;
    EXPECT_NE(msg.find("Reduce population sizes"), std::string::npos) << msg;
  }
  EXPECT_NO_THROW(check_memory(spec, 0));  // unknown memory: no check
  const auto small = test::spec_from(R"(
[protocol]
duration = "1 ms"
[[population]]
name = "n"
size = 10
model = "lif_psc_exp"
)");
  EXPECT_NO_THROW(check_memory(small, 1e9));
}

}  // namespace
}  // namespace engram
