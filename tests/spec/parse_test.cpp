// Good model files: units resolved, defaults from the parameter tables, distributions,
// spike times, --set overrides and the model hash.
#include <cmath>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "engram/models/model.hpp"
#include "engram/spec/parse.hpp"
#include "test_support.hpp"

namespace engram {
namespace {

using test::spec_from;
namespace fs = std::filesystem;

// Value of parameter `name` of population `pop`.
double param(const ModelSpec& m, int pop, std::string_view name) {
  const auto& p = m.populations.at(pop);
  int i = find_index(p.model->params, name);
  EXPECT_GE(i, 0) << name;
  return i >= 0 ? p.params.at(i) : NAN;
}

const Distribution* init_of(const PopulationSpec& p, std::string_view state) {
  int s = find_index(p.model->state, state);
  for (const auto& [idx, d] : p.init)
    if (idx == s) return &d;
  return nullptr;
}

constexpr std::string_view kModel = R"([model]
name = "tiny"

[protocol]
dt = "100 us"
duration = "1 s"
seed = 7

[[population]]
name = "exc"
size = 20
model = "lif_psc_exp"
kind = "excitatory"
params = { c_m = "0.25 nF", tau_m = "0.02 s", v_thresh = "-0.05 V", i_e = "1 nA" }
init = { v = { uniform = ["-70 mV", "-60 mV"] } }

[[population]]
name = "inh"
size = 5
model = "lif_psc_exp"
kind = "inhibitory"
init = { v = { normal = { mean = "-65 mV", sd = "2 mV" } } }

[[projection]]
from = "exc"
to = "inh"
connect = { rule = "fixed_probability", p = 0.5 }
synapse = { weight = { lognormal = { median = "20 pA", sigma = 0.5 } }, delay = "1.5 ms" }

[[projection]]
name = "back"
from = "inh"
to = "exc"
connect = { rule = "fixed_indegree", k = 3, autapses = false }
synapse = { weight = "-50 pA", delay = { uniform = { low = "1 ms", high = "2 ms" } } }

[[stimulus]]
kind = "poisson"
to = "exc"
rate = "2 kHz"
inputs = 10
weight = "30 pA"

[[record]]
what = "spikes"
of = "exc"

[[record]]
what = "v"
of = "inh"
interval = "0.5 ms"
sample = 2
)";

TEST(Parse, ConvertsUnitsToCanonicalUnits) {
  ModelSpec m = spec_from(kModel);
  EXPECT_DOUBLE_EQ(m.protocol.duration, 1000.0);  // "1 s" -> ms
  EXPECT_DOUBLE_EQ(m.protocol.dt, 0.1);           // "100 us" -> ms
  EXPECT_EQ(m.protocol.seed, 7u);
  EXPECT_DOUBLE_EQ(param(m, 0, "c_m"), 250.0);       // nF -> pF
  EXPECT_DOUBLE_EQ(param(m, 0, "tau_m"), 20.0);      // s -> ms
  EXPECT_DOUBLE_EQ(param(m, 0, "v_thresh"), -50.0);  // V -> mV
  EXPECT_DOUBLE_EQ(param(m, 0, "i_e"), 1000.0);      // nA -> pA
  ASSERT_EQ(m.stimuli.size(), 1u);
  EXPECT_DOUBLE_EQ(m.stimuli[0].rate, 2000.0 * 10);  // kHz -> Hz, times 10 inputs
  EXPECT_DOUBLE_EQ(m.stimuli[0].weight, 30.0);
  EXPECT_DOUBLE_EQ(m.projections[0].delay.a, 1.5);
  EXPECT_DOUBLE_EQ(m.records[1].interval, 0.5);
}

TEST(Parse, BareNumbersAreInCanonicalUnits) {
  ModelSpec m = spec_from(R"([protocol]
dt = 0.1
duration = 250

[[population]]
name = "a"
size = 1
model = "lif_psc_exp"
params = { tau_m = 15, v_reset = -72.5 }
)");
  EXPECT_DOUBLE_EQ(m.protocol.duration, 250.0);
  EXPECT_DOUBLE_EQ(param(m, 0, "tau_m"), 15.0);
  EXPECT_DOUBLE_EQ(param(m, 0, "v_reset"), -72.5);
}

TEST(Parse, DefaultsComeFromTheParameterTables) {
  ModelSpec m = spec_from(kModel);
  // population 'inh' gives no params: every value is the table's default
  const auto& inh = m.populations[1];
  ASSERT_EQ(inh.params.size(), inh.model->params.size());
  for (size_t i = 0; i < inh.params.size(); ++i)
    EXPECT_DOUBLE_EQ(inh.params[i], inh.model->params[i].default_value)
        << inh.model->params[i].name;
  // population 'exc' gives some: the others are defaults
  const auto& exc = m.populations[0];
  int e_l = find_index(exc.model->params, "e_l");
  ASSERT_GE(e_l, 0);
  EXPECT_DOUBLE_EQ(exc.params[e_l], exc.model->params[e_l].default_value);
  EXPECT_DOUBLE_EQ(param(m, 0, "tau_syn_ex"), find_model("lif_psc_exp")->params[6].default_value);
  // defaults of the file format itself
  ModelSpec d = spec_from(R"([protocol]
duration = "10 ms"
[[population]]
name = "a"
size = 2
model = "lif_psc_delta"
[[projection]]
from = "a"
to = "a"
connect = { rule = "all_to_all" }
synapse = { weight = "0.1 mV" }
)");
  EXPECT_DOUBLE_EQ(d.protocol.dt, 0.1);
  EXPECT_EQ(d.protocol.seed, 1u);
  EXPECT_EQ(d.populations[0].kind, CellKind::unspecified);
  EXPECT_EQ(d.populations[0].integrator, d.populations[0].model->integrators[0]);
  EXPECT_TRUE(d.populations[0].init.empty());
  EXPECT_DOUBLE_EQ(d.projections[0].delay.a, 0.1);  // delay defaults to one step
  EXPECT_EQ(d.projections[0].receptor, 0);          // "exc" from an unspecified population
  EXPECT_EQ(d.projections[0].name, "a->a");
  EXPECT_TRUE(d.projections[0].connect.autapses);
  EXPECT_EQ(d.name, "test");  // no [model] name: the file's stem
}

TEST(Parse, ReadsDistributions) {
  ModelSpec m = spec_from(kModel);
  const Distribution* v_exc = init_of(m.populations[0], "v");
  ASSERT_NE(v_exc, nullptr);
  EXPECT_EQ(v_exc->kind, Distribution::Kind::uniform);
  EXPECT_DOUBLE_EQ(v_exc->a, -70.0);
  EXPECT_DOUBLE_EQ(v_exc->b, -60.0);
  const Distribution* v_inh = init_of(m.populations[1], "v");
  ASSERT_NE(v_inh, nullptr);
  EXPECT_EQ(v_inh->kind, Distribution::Kind::normal);
  EXPECT_DOUBLE_EQ(v_inh->a, -65.0);
  EXPECT_DOUBLE_EQ(v_inh->b, 2.0);
  const auto& w = m.projections[0].weight;
  EXPECT_EQ(w.kind, Distribution::Kind::lognormal);
  EXPECT_DOUBLE_EQ(w.a, 20.0);
  EXPECT_DOUBLE_EQ(w.b, 0.5);
  EXPECT_NEAR(w.mean(), 20.0 * std::exp(0.125), 1e-12);
  const auto& d = m.projections[1].delay;
  EXPECT_EQ(d.kind, Distribution::Kind::uniform);
  EXPECT_DOUBLE_EQ(d.a, 1.0);
  EXPECT_DOUBLE_EQ(d.b, 2.0);
  EXPECT_TRUE(m.projections[1].weight.is_constant());
  EXPECT_DOUBLE_EQ(m.projections[1].weight.a, -50.0);
}

TEST(Parse, ReadsStructure) {
  ModelSpec m = spec_from(kModel);
  EXPECT_EQ(m.name, "tiny");
  ASSERT_EQ(m.populations.size(), 2u);
  EXPECT_EQ(m.populations[0].name, "exc");
  EXPECT_EQ(m.populations[0].size, 20u);
  EXPECT_EQ(m.populations[0].kind, CellKind::excitatory);
  EXPECT_EQ(m.populations[1].kind, CellKind::inhibitory);
  EXPECT_EQ(m.population_index("inh"), 1);
  EXPECT_EQ(m.population_index("nope"), -1);
  ASSERT_EQ(m.projections.size(), 2u);
  EXPECT_EQ(m.projections[0].from, 0);
  EXPECT_EQ(m.projections[0].to, 1);
  EXPECT_EQ(m.projections[0].name, "exc->inh");
  EXPECT_EQ(m.projections[0].connect.rule, ConnectRule::fixed_probability);
  EXPECT_DOUBLE_EQ(m.projections[0].connect.p, 0.5);
  EXPECT_EQ(m.projections[1].name, "back");
  EXPECT_EQ(m.projections[1].connect.rule, ConnectRule::fixed_indegree);
  EXPECT_EQ(m.projections[1].connect.k, 3u);
  EXPECT_FALSE(m.projections[1].connect.autapses);
  EXPECT_TRUE(m.projections[1].connect.multapses);
  // receptor defaults by the presynaptic kind: inhibitory -> "inh"
  EXPECT_EQ(m.projections[1].receptor, 1);
  ASSERT_EQ(m.records.size(), 2u);
  EXPECT_TRUE(m.records[0].spikes);
  EXPECT_TRUE(m.records[0].neurons.empty());
  EXPECT_FALSE(m.records[1].spikes);
  EXPECT_EQ(m.records[1].state, 0);
  EXPECT_EQ(m.records[1].neurons, (std::vector<uint32_t>{0, 1}));
  // origins point back at the file
  EXPECT_EQ(m.projections[1].origin.key_path, "projection 'back'");
  EXPECT_EQ(m.projections[1].origin.where.file, "test.toml");
  EXPECT_GT(m.projections[1].origin.where.line, 0u);
}

TEST(Parse, ReadsSpikeTimeLists) {
  ModelSpec m = spec_from(R"([protocol]
duration = "100 ms"

[[population]]
name = "one"
size = 1
model = "spike_source"
spike_times = ["1 ms", "1 ms", "0.0025 s"]

[[population]]
name = "two"
size = 2
model = "spike_source"
spike_times = [["1 ms"], []]
)");
  EXPECT_EQ(m.populations[0].spike_times, (std::vector<std::vector<double>>{{1.0, 1.0, 2.5}}));
  EXPECT_EQ(m.populations[1].spike_times, (std::vector<std::vector<double>>{{1.0}, {}}));
}

// A temporary directory holding a model file and the data files it points to.
class TempDir {
 public:
  TempDir() {
    path_ =
        fs::temp_directory_path() /
        ("engram_parse_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string write(const std::string& name, std::string_view text) const {
    std::ofstream(path_ / name) << text;
    return (path_ / name).string();
  }

 private:
  fs::path path_;
};

constexpr std::string_view kFileModel = R"([protocol]
duration = "100 ms"

[[population]]
name = "input"
size = 3
model = "spike_source"
spike_file = "spikes.csv"

[[population]]
name = "exc"
size = 4
model = "lif_psc_exp"

[[projection]]
from = "input"
to = "exc"
connect = { rule = "from_file", file = "conn.csv" }
synapse = { weight = "10 pA", delay = "1 ms" }
)";

TEST(Parse, ReadsDataFilesRelativeToTheModelFile) {
  TempDir dir;
  dir.write("spikes.csv", "neuron,time_ms\n# a comment\n0,1.5\n2,3\n\n0,4.25\n");
  dir.write("conn.csv", "pre,post,weight,delay\n0,1\n2,3,5.5\n1,0,7,2.5\n");
  ModelSpec m = load_model_file(dir.write("model.toml", kFileModel));
  EXPECT_EQ(m.populations[0].spike_times,
            (std::vector<std::vector<double>>{{1.5, 4.25}, {}, {3.0}}));
  const auto& list = m.projections[0].connect.list;
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].pre, 0u);
  EXPECT_EQ(list[0].post, 1u);
  EXPECT_FALSE(list[0].weight.has_value());
  EXPECT_DOUBLE_EQ(list[1].weight.value(), 5.5);
  EXPECT_FALSE(list[1].delay.has_value());
  EXPECT_DOUBLE_EQ(list[2].delay.value(), 2.5);
  EXPECT_EQ(m.projections[0].connect.rule, ConnectRule::from_list);
}

TEST(Parse, HashCoversTheContentsOfDataFiles) {
  TempDir dir;
  dir.write("conn.csv", "0,1\n");
  dir.write("spikes.csv", "0,1.5\n");
  const std::string model = dir.write("model.toml", kFileModel);
  const std::string h1 = load_model_file(model).hash;
  EXPECT_EQ(load_model_file(model).hash, h1);
  dir.write("spikes.csv", "0,2.5\n");
  EXPECT_NE(load_model_file(model).hash, h1);
}

TEST(Parse, OverridesByNameAndByIndex) {
  const std::string brunel = test::read_file(test::source_path("examples/brunel_ai.toml"));
  ModelSpec m = spec_from(brunel, {{"population.exc.size", "10"},
                                   {"population.1.size", "7"},
                                   {"projection.0.synapse.weight", "\"2 mV\""},
                                   {"projection.2.connect.k", "5"},
                                   {"protocol.duration", "\"50 ms\""},
                                   {"protocol.seed", "99"}});
  EXPECT_EQ(m.populations[0].size, 10u);
  EXPECT_EQ(m.populations[1].size, 7u);
  EXPECT_DOUBLE_EQ(m.projections[0].weight.a, 2.0);
  EXPECT_DOUBLE_EQ(m.projections[1].weight.a, 0.1);  // untouched
  EXPECT_EQ(m.projections[2].connect.k, 5u);
  EXPECT_DOUBLE_EQ(m.protocol.duration, 50.0);
  EXPECT_EQ(m.protocol.seed, 99u);
}

TEST(Parse, OverrideValuesMayBeBareWords) {
  const std::string brunel = test::read_file(test::source_path("examples/brunel_ai.toml"));
  // as typed on a shell without TOML quotes: a bare word is a string
  ModelSpec m = spec_from(brunel, {{"protocol.duration", "50 ms"},
                                   {"population.exc.params.tau_m", "10 ms"},
                                   {"population.inh.model", "lif_psc_delta"}});
  EXPECT_DOUBLE_EQ(m.protocol.duration, 50.0);
  EXPECT_DOUBLE_EQ(param(m, 0, "tau_m"), 10.0);
  EXPECT_DOUBLE_EQ(param(m, 1, "tau_m"), 20.0);
}

TEST(Parse, OverridesMayAddKeysAndTables) {
  ModelSpec m = spec_from(R"([protocol]
duration = "10 ms"
[[population]]
name = "a"
size = 2
model = "lif_psc_exp"
)",
                          {{"population.a.params.tau_m", "\"7 ms\""},
                           {"population.a.init", "{ v = { uniform = [\"-70 mV\", \"-65 mV\"] } }"},
                           {"protocol.seed", "3"}});
  EXPECT_DOUBLE_EQ(param(m, 0, "tau_m"), 7.0);
  ASSERT_NE(init_of(m.populations[0], "v"), nullptr);
  EXPECT_EQ(m.protocol.seed, 3u);
}

TEST(Parse, ParseOverrideSplitsAtTheFirstEquals) {
  Override o = parse_override("projection.0.synapse.weight=\"2 mV\"");
  EXPECT_EQ(o.key, "projection.0.synapse.weight");
  EXPECT_EQ(o.value, "\"2 mV\"");
  Override e = parse_override("population.exc.name=a=b");
  EXPECT_EQ(e.key, "population.exc.name");
  EXPECT_EQ(e.value, "a=b");
}

TEST(Parse, HashIsStableAndFollowsTheValues) {
  const std::string brunel = test::read_file(test::source_path("examples/brunel_ai.toml"));
  const std::string h = spec_from(brunel).hash;
  EXPECT_EQ(h.size(), 16u);
  EXPECT_EQ(spec_from(brunel).hash, h);
  // the file on disk and the same text in memory
  EXPECT_EQ(load_model_file(test::source_path("examples/brunel_ai.toml")).hash, h);
  // comments and layout do not change the model
  std::string relaid = "# a new comment\n\n" + brunel + "\n\n# trailing\n";
  EXPECT_EQ(spec_from(relaid).hash, h);
  // an override that sets a key to the value it already has changes nothing
  EXPECT_EQ(spec_from(brunel, {{"population.exc.size", "4000"}}).hash, h);
  // any change of a value changes the hash
  EXPECT_NE(spec_from(brunel, {{"population.exc.size", "4001"}}).hash, h);
  EXPECT_NE(spec_from(brunel, {{"protocol.seed", "1"}}).hash, h);
  EXPECT_NE(spec_from(brunel, {{"projection.3.synapse.weight", "\"-0.6 mV\""}}).hash, h);
  std::string edited = brunel;
  auto pos = edited.find("rate = \"20 Hz\"");
  ASSERT_NE(pos, std::string::npos);
  edited.replace(pos, 14, "rate = \"21 Hz\"");
  EXPECT_NE(spec_from(edited).hash, h);
}

TEST(Parse, BrunelExampleAsWritten) {
  ModelSpec m = load_model_file(test::source_path("examples/brunel_ai.toml"));
  EXPECT_EQ(m.name, "brunel_ai");
  EXPECT_DOUBLE_EQ(m.protocol.duration, 1000.0);
  EXPECT_EQ(m.protocol.seed, 12345u);
  ASSERT_EQ(m.populations.size(), 2u);
  EXPECT_EQ(m.populations[0].size, 4000u);
  EXPECT_EQ(m.populations[1].size, 1000u);
  EXPECT_DOUBLE_EQ(param(m, 0, "tau_m"), 20.0);
  EXPECT_DOUBLE_EQ(param(m, 0, "v_thresh"), 20.0);
  ASSERT_EQ(m.projections.size(), 4u);
  EXPECT_EQ(m.projections[0].connect.k, 1000u);
  EXPECT_EQ(m.projections[2].connect.k, 250u);
  EXPECT_DOUBLE_EQ(m.projections[2].weight.a, -0.5);
  EXPECT_DOUBLE_EQ(m.projections[2].delay.a, 1.5);
  ASSERT_EQ(m.stimuli.size(), 2u);
  EXPECT_DOUBLE_EQ(m.stimuli[0].rate, 20000.0);  // 1000 inputs at 20 Hz
  ASSERT_EQ(m.records.size(), 3u);
  EXPECT_EQ(m.records[2].neurons, (std::vector<uint32_t>{0, 1, 2}));
}

TEST(Parse, ProtocolIntegratorIsTheDefaultOfEveryPopulation) {
  const std::string path = test::source_path("examples/coba.toml");
  ModelSpec m = load_model_file(path, {{"protocol.integrator", "exponential"}});
  EXPECT_EQ(m.populations[0].integrator, "exponential");
  try {
    load_model_file(path, {{"protocol.integrator", "rk4"}});
    FAIL() << "rk4 is not offered by lif_cond_exp";
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find("from protocol.integrator"), std::string::npos) << e.what();
    EXPECT_NE(e.message().find("supports: exponential"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace engram
