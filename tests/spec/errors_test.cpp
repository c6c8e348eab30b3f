// Bad model files: every error must name the line, the key path and what was expected
// (DESIGN.md, "Inputs and errors"). Each test feeds one fault and checks the InputError
// exactly: where().line, key_path() and a fragment of message().
//
// The bad files in tests/data/errors/ carry their own expectations in a comment header
// (# expect-line / expect-key / expect-message / expect-file); ErrorFiles.* checks them all
// through load_model_file, and tests/cli/test_cli.py checks them again through `engram check`.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engram/core/error.hpp"
#include "engram/spec/parse.hpp"
#include "test_support.hpp"

namespace engram {
namespace {

using test::spec_from;
namespace fs = std::filesystem;

// The InputError thrown while parsing `toml`; a test failure if none is thrown.
constexpr auto error_of = [](std::string_view toml, const std::vector<Override>& overrides = {}) {
  return test::input_error_of(toml, overrides);
};

// The InputError thrown while parsing `toml`, if any (for faults not yet detected).
std::optional<InputError> maybe_error_of(std::string_view toml) {
  try {
    spec_from(toml);
  } catch (const InputError& e) {
    return e;
  }
  return std::nullopt;
}

// Checks file, line, key path and a message fragment. what() (what the user reads) must
// carry all of them.
void expect_error(const std::optional<InputError>& e, uint32_t line, std::string_view key,
                  std::string_view fragment, std::string_view file = "test.toml") {
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->where().file, file) << e->what();
  EXPECT_EQ(e->where().line, line) << e->what();
  EXPECT_EQ(e->key_path(), key) << e->what();
  EXPECT_NE(e->message().find(fragment), std::string::npos)
      << "message lacks \"" << fragment << "\": " << e->message();
  const std::string what = e->what();
  EXPECT_NE(what.find(e->message()), std::string::npos) << what;
  if (!key.empty()) {
    EXPECT_NE(what.find(std::string(key) + ": "), std::string::npos) << what;
  }
  if (line > 0) {
    EXPECT_EQ(what.rfind(std::string(file) + ":" + std::to_string(line) + ":", 0), 0u)
        << "what() should start with FILE:LINE: " << what;
  }
}

// ---------------------------------------------------------------------------------------
// Structure of the file

TEST(InputErrors, MalformedTomlNamesTheLineOfTheSyntaxError) {
  auto e = error_of(R"([protocol]
dt = "0.1 ms"
duration = "100 ms
seed = 1

[[population]]
name = "exc"
)");
  expect_error(e, 3, "", "malformed TOML");
  EXPECT_GT(e->where().column, 0u);
}

TEST(InputErrors, MalformedTomlDuplicateKey) {
  auto e = error_of(R"([protocol]
dt = "0.1 ms"
duration = "100 ms"
dt = "0.2 ms"
)");
  expect_error(e, 4, "", "malformed TOML");
  EXPECT_NE(e->message().find("dt"), std::string::npos) << e->message();
}

TEST(InputErrors, MissingProtocolSection) {
  auto e = error_of(R"([[population]]
name = "exc"
size = 10
model = "lif_psc_exp"
)");
  expect_error(e, 1, "protocol", "missing section [protocol]");
}

TEST(InputErrors, MissingPopulationSection) {
  auto e = error_of(R"([protocol]
dt = "0.1 ms"
duration = "100 ms"
)");
  expect_error(e, 1, "population", "a model needs at least one population");
}

TEST(InputErrors, PopulationWrittenAsSingleTable) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[population]
name = "exc"
size = 10
model = "lif_psc_exp"
)");
  expect_error(e, 4, "population", "write [[population]]");
}

TEST(InputErrors, UnknownTopLevelSectionSuggestsClosest) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"

[[projections]]
from = "exc"
)");
  expect_error(e, 9, "projections", "unknown section; did you mean 'projection'?");
}

TEST(InputErrors, UnknownProtocolKeySuggestsClosest) {
  auto e = error_of(R"([protocol]
dt = "0.1 ms"
durration = "100 ms"
duration = "100 ms"
)");
  expect_error(e, 3, "protocol.durration", "unknown key; did you mean 'duration'?");
}

TEST(InputErrors, MissingRequiredKeyPointsAtItsTable) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
)");
  expect_error(e, 4, "population 'exc'.model", "is required (a string)");
}

TEST(InputErrors, ProtocolDurationMustBePositive) {
  auto e = error_of(R"([protocol]
dt = "0.1 ms"
duration = "-5 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"
)");
  expect_error(e, 3, "protocol.duration", "must be > 0 ms, got -5 ms");
}

// ---------------------------------------------------------------------------------------
// Populations and their parameters

TEST(InputErrors, UnknownModelSuggestsClosest) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exc"
)");
  expect_error(e, 7, "population 'exc'.model",
               "unknown model 'lif_psc_exc'; did you mean 'lif_psc_exp'?");
}

TEST(InputErrors, UnknownParameterSuggestsClosest) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"
params = { c_m = "250 pF", tau_mem = "20 ms" }
)");
  expect_error(e, 8, "population 'exc'.params.tau_mem", "unknown key; did you mean 'tau_m'?");
}

TEST(InputErrors, UnknownPopulationKeySuggestsClosest) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"
knd = "excitatory"
)");
  expect_error(e, 8, "population 'exc'.knd", "unknown key; did you mean 'kind'?");
}

TEST(InputErrors, NegativeTimeConstant) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"
params = { tau_m = "-5 ms" }
)");
  expect_error(e, 8, "population 'exc'.params.tau_m", "must be > 0 ms, got -5 ms");
}

TEST(InputErrors, WrongUnitDimension) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"
params = { tau_m = "5 mV" }
)");
  expect_error(e, 8, "population 'exc'.params.tau_m", "expected a time such as \"20 ms\"");
  EXPECT_NE(e->message().find("got a voltage"), std::string::npos) << e->message();
}

TEST(InputErrors, UnknownUnit) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"
params = { c_m = "250 pF",
           tau_m = "20 parsecs" }
)");
  // inline tables may not span lines in TOML 1.0: this is a syntax error on line 8
  expect_error(e, 8, "", "malformed TOML");
  auto e2 = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"
[population.params]
c_m = "250 pF"
tau_m = "20 parsecs"
)");
  expect_error(e2, 10, "population 'exc'.params.tau_m", "not a number with a known unit");
}

TEST(InputErrors, EmptyPopulation) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 0
model = "lif_psc_exp"
)");
  expect_error(e, 6, "population 'exc'.size", "at least one neuron, got 0");
}

TEST(InputErrors, NonIntegerSize) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10.5
model = "lif_psc_exp"
)");
  expect_error(e, 6, "population 'exc'.size", "expected an integer, got 10.5");
}

TEST(InputErrors, DuplicatePopulationName) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"
)");
  expect_error(e, 10, "population 'exc'.name", "duplicate population name 'exc'");
}

TEST(InputErrors, ResetAtOrAboveThreshold) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"
[population.params]
v_thresh = "-55 mV"
v_reset = "-55 mV"
)");
  expect_error(e, 10, "population 'exc'.params.v_reset", "must be below v_thresh");
}

TEST(InputErrors, ResetAboveThresholdFromDefaultPointsAtThePopulation) {
  // v_reset is the default (-70 mV); the threshold set below it breaks the rule. The key
  // named is still v_reset and the line is the population's.
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"
params = { v_thresh = "-80 mV" }
)");
  expect_error(e, 4, "population 'exc'.params.v_reset", "must be below v_thresh");
}

TEST(InputErrors, RefractoryPeriodShorterThanDt) {
  auto e = error_of(R"([protocol]
dt = "0.1 ms"
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_delta"
params = { t_ref = "0.05 ms" }
)");
  expect_error(e, 9, "population 'exc'.params.t_ref", "must be 0 or at least one time step");
}

TEST(InputErrors, PopulationNameMustBeUsableAsAFileName) {
  // Population names become file names (spikes/<name>.npy) and --set path parts
  // (population.<name>.size): a '/' or '..' would write outside the run directory, a '.'
  // could not be addressed by --set.
  auto e = maybe_error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "../../escaped"
size = 2
model = "poisson_source"
)");
  ASSERT_TRUE(e.has_value()) << "names must be usable as file names";
  EXPECT_EQ(e->where().line, 5u) << e->what();
  EXPECT_EQ(e->key_path().substr(e->key_path().size() - 5), ".name") << e->what();
}

TEST(InputErrors, ModelNameMustBeUsableAsADirectoryName) {
  auto e = maybe_error_of(R"([model]
name = "../outside"

[protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 2
model = "poisson_source"
)");
  ASSERT_TRUE(e.has_value()) << "names must be usable as file names";
  expect_error(e, 2, "model.name", "");
}

TEST(InputErrors, CurrentStimulusOntoASource) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "noise"
size = 2
model = "poisson_source"

[[stimulus]]
kind = "dc"
to = "noise"
amplitude = "100 pA"
)");
  expect_error(e, 11, "stimulus[0].to",
               "population 'noise' (poisson_source) cannot take a current stimulus");
}

TEST(InputErrors, UnknownDistributionSuggestsClosest) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"
init = { v = { unifrm = ["-70 mV", "-60 mV"] } }
)");
  expect_error(e, 8, "population 'exc'.init.v", "did you mean 'uniform'?");
}

TEST(InputErrors, UniformHighBelowLow) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"
init = { v = { uniform = ["-60 mV", "-70 mV"] } }
)");
  expect_error(e, 8, "population 'exc'.init.v.uniform", "high must not be below low");
}

TEST(InputErrors, UnknownInitialStateVariableSuggestsClosest) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"
init = { vm = "-65 mV" }
)");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->where().line, 8u) << e->what();
  EXPECT_EQ(e->key_path(), "population 'exc'.init.vm") << e->what();
  EXPECT_NE(e->message().find("unknown key"), std::string::npos) << e->what();
  EXPECT_NE(e->message().find("did you mean 'v'?"), std::string::npos) << e->what();
}

// ---------------------------------------------------------------------------------------
// Spike sources and data files

TEST(InputErrors, MissingSpikeFile) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "input"
size = 2
model = "spike_source"
spike_file = "errors/err_no_such_spikes.csv"
)");
  expect_error(e, 8, "population 'input'.spike_file", "cannot open file");
  EXPECT_NE(e->message().find("err_no_such_spikes.csv"), std::string::npos) << e->message();
}

TEST(InputErrors, SpikeFileWithNonMonotonicTimesNamesTheDataFileAndLine) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "input"
size = 2
model = "spike_source"
spike_file = "errors/err_spikes_nonmonotonic.csv"
)");
  const std::string csv = test::source_path("tests/data/errors/err_spikes_nonmonotonic.csv");
  expect_error(e, 6, "population 'input'.spike_file",
               "spike times of neuron 1 must be increasing, got 1.5 ms after 2 ms",
               fs::path(csv).lexically_normal().string());
}

TEST(InputErrors, SpikeFileWithNegativeTime) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "input"
size = 2
model = "spike_source"
spike_file = "errors/err_spikes_negative.csv"
)");
  ASSERT_TRUE(e.has_value());
  EXPECT_TRUE(e->where().file.ends_with("err_spikes_negative.csv")) << e->what();
  EXPECT_EQ(e->where().line, 2u) << e->what();
  EXPECT_EQ(e->key_path(), "population 'input'.spike_file");
  EXPECT_NE(e->message().find("spike times must be >= 0 ms, got -2 ms"), std::string::npos)
      << e->what();
}

TEST(InputErrors, SpikeTimesListNonMonotonic) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "input"
size = 2
model = "spike_source"
spike_times = [["1 ms", "2 ms"], ["4 ms", "3 ms"]]
)");
  expect_error(e, 8, "population 'input'.spike_times",
               "neuron 1: spike times must be increasing, got 3 ms after 4 ms");
}

TEST(InputErrors, SpikeTimesListNegative) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "input"
size = 1
model = "spike_source"
spike_times = ["1 ms", "-2 ms"]
)");
  expect_error(e, 8, "population 'input'.spike_times", "spike times must be >= 0 ms, got -2 ms");
}

TEST(InputErrors, SpikeTimesSingleListForSeveralNeurons) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "input"
size = 3
model = "spike_source"
spike_times = ["1 ms", "2 ms"]
)");
  expect_error(e, 8, "population 'input'.spike_times", "give 3 lists, one per neuron");
}

TEST(InputErrors, NestedSpikeTimeWithWrongUnitNamesItsLine) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "input"
size = 2
model = "spike_source"
spike_times = [["1 ms", "2 ms"], ["4 ms", "5 mV"]]
)");
  ASSERT_TRUE(e.has_value());
  EXPECT_NE(e->message().find("expected a time"), std::string::npos) << e->what();
  expect_error(e, 8, "population 'input'.spike_times", "expected a time");
}

// ---------------------------------------------------------------------------------------
// Projections

TEST(InputErrors, ProjectionToUnknownPopulationSuggestsClosest) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"

[[population]]
name = "inh"
size = 5
model = "lif_psc_exp"

[[projection]]
from = "exc"
to = "ihn"
connect = { rule = "all_to_all" }
synapse = { weight = "10 pA" }
)");
  expect_error(e, 16, "projection[0].to", "unknown population 'ihn'; did you mean 'inh'?");
}

TEST(InputErrors, ProjectionNamedInKeyPath) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"

[[projection]]
name = "recurrent"
from = "exx"
to = "exc"
connect = { rule = "all_to_all" }
synapse = { weight = "10 pA" }
)");
  expect_error(e, 11, "projection 'recurrent'.from",
               "unknown population 'exx'; did you mean 'exc'?");
}

TEST(InputErrors, ProbabilityAboveOne) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"

[[projection]]
from = "exc"
to = "exc"
connect = { rule = "fixed_probability", p = 1.5 }
synapse = { weight = "10 pA" }
)");
  expect_error(e, 12, "projection[0].connect.p", "must be a probability in [0, 1], got 1.5");
}

TEST(InputErrors, DelayShorterThanDt) {
  auto e = error_of(R"([protocol]
dt = "0.1 ms"
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"

[[projection]]
from = "exc"
to = "exc"
connect = { rule = "all_to_all" }
synapse = { weight = "10 pA", delay = "0.05 ms" }
)");
  expect_error(e, 14, "projection[0].synapse.delay",
               "must be at least one time step (dt = 0.1 ms), got 0.05 ms");
}

TEST(InputErrors, UnknownReceptor) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"

[[projection]]
from = "exc"
to = "exc"
connect = { rule = "all_to_all" }
synapse = { receptor = "ampa", weight = "10 pA" }
)");
  expect_error(e, 13, "projection[0].synapse.receptor",
               "model lif_psc_exp has no receptor 'ampa' (it has: exc, inh)");
}

TEST(InputErrors, MisspeltReceptorSuggestsClosest) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"

[[projection]]
from = "exc"
to = "exc"
connect = { rule = "all_to_all" }
synapse = { receptor = "exx", weight = "10 pA" }
)");
  expect_error(e, 13, "projection[0].synapse.receptor", "did you mean 'exc'?");
}

TEST(InputErrors, WeightWithWrongDimensionForReceptor) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"

[[projection]]
from = "exc"
to = "exc"
connect = { rule = "all_to_all" }
synapse = { weight = "1 mV" }
)");
  expect_error(e, 13, "projection[0].synapse.weight", "expected a current such as \"100 pA\"");
}

TEST(InputErrors, UnknownConnectionRuleSuggestsClosest) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"

[[projection]]
from = "exc"
to = "exc"
connect = { rule = "fixed_indegre", k = 5 }
synapse = { weight = "10 pA" }
)");
  expect_error(e, 12, "projection[0].connect.rule",
               "unknown connection rule 'fixed_indegre'; did you mean 'fixed_indegree'?");
}

TEST(InputErrors, ConnectionRuleMissing) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"

[[projection]]
from = "exc"
to = "exc"
connect = { p = 0.1 }
synapse = { weight = "10 pA" }
)");
  expect_error(e, 12, "projection[0].connect.rule", "is required");
}

TEST(InputErrors, TooManyDistinctSourcesWithoutMultapses) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"

[[projection]]
from = "exc"
to = "exc"
connect = { rule = "fixed_indegree", k = 10, autapses = false, multapses = false }
synapse = { weight = "10 pA" }
)");
  expect_error(e, 12, "projection[0].connect.k",
               "10 distinct sources are needed without multapses but only 9 exist");
}

TEST(InputErrors, ProjectionOntoSourceTakesNoInput) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "noise"
size = 10
model = "poisson_source"

[[projection]]
from = "noise"
to = "noise"
connect = { rule = "all_to_all" }
synapse = { weight = "10 pA" }
)");
  expect_error(e, 11, "projection[0].to",
               "population 'noise' (poisson_source) takes no synaptic input");
}

TEST(InputErrors, MissingConnectionFile) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"

[[projection]]
from = "exc"
to = "exc"
connect = { rule = "from_file", file = "errors/err_no_such_connections.csv" }
synapse = { weight = "10 pA" }
)");
  expect_error(e, 12, "projection[0].connect.file", "cannot open file");
  EXPECT_NE(e->message().find("err_no_such_connections.csv"), std::string::npos) << e->message();
}

TEST(InputErrors, ConnectionFileIndexOutOfRangeNamesTheDataFileAndLine) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"

[[projection]]
from = "exc"
to = "exc"
connect = { rule = "from_file", file = "errors/err_connections_out_of_range.csv" }
synapse = { delay = "1 ms" }
)");
  const std::string csv = test::source_path("tests/data/errors/err_connections_out_of_range.csv");
  expect_error(e, 3, "projection[0].connect.file",
               "post index must be an integer in [0, 10), got 12",
               fs::path(csv).lexically_normal().string());
}

// ---------------------------------------------------------------------------------------
// Stimuli and recorders

TEST(InputErrors, UnknownStimulusKindSuggestsClosest) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"

[[stimulus]]
kind = "poison"
to = "exc"
rate = "10 Hz"
weight = "10 pA"
)");
  expect_error(e, 10, "stimulus[0].kind",
               "unknown stimulus kind 'poison'; did you mean 'poisson'?");
}

TEST(InputErrors, StimulusRateWithWrongDimension) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"

[[stimulus]]
kind = "poisson"
to = "exc"
rate = "10 ms"
weight = "10 pA"
)");
  expect_error(e, 12, "stimulus[0].rate", "expected a frequency such as \"10 Hz\"");
}

TEST(InputErrors, UnknownRecordableSuggestsClosest) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"

[[record]]
what = "vm"
of = "exc"
)");
  expect_error(
      e, 10, "record[0].what",
      "has no recordable 'vm' (it has: spikes, v, i_syn_ex, i_syn_in, i_stim); did you mean 'v'?");
}

TEST(InputErrors, RecordIntervalNotAMultipleOfDt) {
  auto e = error_of(R"([protocol]
dt = "0.1 ms"
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"

[[record]]
what = "v"
of = "exc"
interval = "0.25 ms"
)");
  expect_error(e, 13, "record[0].interval",
               "must be a positive multiple of dt (0.1 ms), got 0.25 ms");
}

TEST(InputErrors, RecordNeuronOutOfRange) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"

[[record]]
what = "v"
of = "exc"
neurons = [0, 10]
)");
  expect_error(e, 12, "record[0].neurons", "expected neuron indices in [0, 10), got 10");
}

// ---------------------------------------------------------------------------------------
// --set overrides

constexpr std::string_view kSmall = R"([protocol]
duration = "100 ms"

[[population]]
name = "exc"
size = 10
model = "lif_psc_exp"
)";

TEST(InputErrors, OverrideOfUnknownElement) {
  auto e = error_of(kSmall, {{"population.exd.size", "3"}});
  expect_error(e, 0, "population.exd.size", "no population named or numbered 'exd'", "--set");
  auto e2 = error_of(kSmall, {{"population.4.size", "3"}});
  expect_error(e2, 0, "population.4.size", "no population named or numbered '4'", "--set");
}

TEST(InputErrors, OverrideWithoutElementOrKey) {
  auto e = error_of(kSmall, {{"population.exc", "3"}});
  expect_error(e, 0, "population.exc", "expected 'population.<name or index>.<key>'", "--set");
}

TEST(InputErrors, OverrideWithoutEqualsSign) {
  try {
    parse_override("population.exc.size");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, "--set");
    EXPECT_EQ(e.key_path(), "population.exc.size");
    EXPECT_NE(e.message().find("expected KEY=VALUE"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_override("=5"), InputError);
}

TEST(InputErrors, OverrideOfUnknownKeySuggestsClosest) {
  auto e = error_of(kSmall, {{"population.exc.sise", "3"}});
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->key_path(), "population 'exc'.sise") << e->what();
  EXPECT_NE(e->message().find("unknown key; did you mean 'size'?"), std::string::npos) << e->what();
}

TEST(InputErrors, OverrideWithBadValueNamesTheOverride) {
  auto e = error_of(kSmall, {{"population.exc.params.tau_m", "\"5 mV\""}});
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->key_path(), "population 'exc'.params.tau_m") << e->what();
  EXPECT_NE(e->message().find("expected a time"), std::string::npos) << e->what();
  EXPECT_EQ(e->where().file, "--set") << e->what();
}

TEST(InputErrors, OverrideOfProtocolValueIsValidated) {
  auto e = error_of(kSmall, {{"protocol.duration", "-5"}});
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->key_path(), "protocol.duration");
  EXPECT_NE(e->message().find("must be > 0 ms, got -5 ms"), std::string::npos) << e->what();
  auto e2 = error_of(kSmall, {{"protocol.seed", "abc"}});
  ASSERT_TRUE(e2.has_value());
  EXPECT_EQ(e2->key_path(), "protocol.seed");
  EXPECT_NE(e2->message().find("expected an integer, got \"abc\""), std::string::npos)
      << e2->what();
}

TEST(InputErrors, ThreadCountOutOfRange) {
  for (const char* n : {"0", "-2", "5000"}) {
    auto e = error_of(kSmall, {{"protocol.threads", n}});
    ASSERT_TRUE(e.has_value()) << n;
    EXPECT_EQ(e->key_path(), "protocol.threads");
    EXPECT_EQ(e->where().file, "--set");
    EXPECT_NE(e->message().find("must be in [1, 1024], got " + std::string(n)), std::string::npos)
        << e->what();
  }
}

// ---------------------------------------------------------------------------------------
// Files

TEST(InputErrors, MissingModelFile) {
  const std::string path = test::source_path("tests/data/errors/err_no_such_model.toml");
  try {
    load_model_file(path);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, path);
    EXPECT_NE(e.message().find("cannot open model file"), std::string::npos) << e.what();
  }
}

TEST(InputErrors, ModelFileThatIsADirectory) {
  const std::string path = test::source_path("tests/data/errors");
  try {
    load_model_file(path);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, path);
    EXPECT_NE(e.message().find("is a directory"), std::string::npos) << e.what();
  }
}

TEST(InputErrors, RenderedMessageIsFileLineColumnKeyMessage) {
  InputError e(SourceLocation{"m.toml", 7, 12}, "population 'exc'.params.tau_m", "must be > 0 ms");
  EXPECT_STREQ(e.what(), "m.toml:7:12: population 'exc'.params.tau_m: must be > 0 ms");
  InputError no_col(SourceLocation{"data.csv", 3, 0}, "k", "bad");
  EXPECT_STREQ(no_col.what(), "data.csv:3: k: bad");
}

TEST(DidYouMean, PicksTheClosestWithinASmallDistance) {
  std::vector<std::string> names = {"tau_m", "tau_syn_ex", "tau_syn_in", "v_thresh"};
  EXPECT_EQ(did_you_mean("tau_mem", names), "did you mean 'tau_m'?");
  EXPECT_EQ(did_you_mean("v_thres", names), "did you mean 'v_thresh'?");
  EXPECT_EQ(did_you_mean("completely_different", names), "");
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
}

// ---------------------------------------------------------------------------------------
// Every bad file in tests/data/errors/ fails with the error its header announces.

struct Expectation {
  std::optional<uint32_t> line;
  std::optional<std::string> key, message, file;
};

Expectation expectation_of(const fs::path& file) {
  Expectation x;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line) && line.starts_with("#");) {
    auto value = [&](std::string_view tag) -> std::optional<std::string> {
      std::string prefix = "# " + std::string(tag) + ":";
      if (!line.starts_with(prefix)) return std::nullopt;
      std::string v = line.substr(prefix.size());
      if (!v.empty() && v[0] == ' ') v.erase(0, 1);
      return v;
    };
    if (auto v = value("expect-line")) x.line = static_cast<uint32_t>(std::stoul(*v));
    if (auto v = value("expect-key")) x.key = *v;
    if (auto v = value("expect-message")) x.message = *v;
    if (auto v = value("expect-file")) x.file = *v;
  }
  return x;
}

TEST(ErrorFiles, EachBadFileFailsAsItsHeaderSays) {
  const fs::path dir = test::source_path("tests/data/errors");
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 16u);
  for (const auto& f : files) {
    SCOPED_TRACE(f.filename().string());
    Expectation x = expectation_of(f);
    ASSERT_TRUE(x.line && x.key && x.message) << "header lacks expect-line/key/message";
    try {
      load_model_file(f.string());
      ADD_FAILURE() << "accepted";
    } catch (const InputError& e) {
      if (x.file) {
        EXPECT_TRUE(e.where().file.ends_with("/" + *x.file)) << e.what();
      } else {
        EXPECT_EQ(e.where().file, f.string()) << e.what();
      }
      EXPECT_EQ(e.where().line, *x.line) << e.what();
      EXPECT_EQ(e.key_path(), *x.key) << e.what();
      EXPECT_NE(e.message().find(*x.message), std::string::npos) << e.what();
    }
  }
}

// ---------------------------------------------------------------------------------------
// Presets and integrators of the izhikevich and adex models

TEST(InputErrors, UnknownPresetListsThePresetsAndSuggestsTheClosest) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "cells"
size = 1
model = "izhikevich"
preset = "chatering"
)");
  expect_error(e, 8, "population 'cells'.preset",
               "unknown preset 'chatering' of model izhikevich; did you mean 'chattering'?");
  ASSERT_TRUE(e.has_value());
  EXPECT_NE(e->message().find("the presets are: regular_spiking, intrinsically_bursting, "
                              "chattering"),
            std::string::npos)
      << e->message();
}

TEST(InputErrors, PresetOfAModelWithoutPresets) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "cells"
size = 1
model = "lif_psc_exp"
preset = "tonic"
)");
  expect_error(e, 8, "population 'cells'.preset", "model lif_psc_exp has no presets");
}

TEST(InputErrors, PresetMustBeAString) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "cells"
size = 1
model = "adex_cond_exp"
preset = 3
)");
  expect_error(e, 8, "population 'cells'.preset", "expected a string");
}

TEST(InputErrors, IntegratorTheModelDoesNotOffer) {
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "cells"
size = 1
model = "izhikevich"
integrator = "exact"
)");
  expect_error(e, 8, "population 'cells'.integrator",
               "model izhikevich supports: rk45, rk4, euler, izhikevich_2004, izhikevich_2003; "
               "got \"exact\"");
}

TEST(InputErrors, PresetValuesAreCheckedWithTheOverrides) {
  // chattering resets to c = -50 mV; a v_peak below it is refused, naming the parameter (c
  // is not in `params`, so the error points at the population)
  auto e = error_of(R"([protocol]
duration = "100 ms"

[[population]]
name = "cells"
size = 1
model = "izhikevich"
preset = "chattering"
params = { v_peak = "-60 mV" }
)");
  expect_error(e, 4, "population 'cells'.params.c", "must be below v_peak");
}

// --- voltage clamp ------------------------------------------------------------------------

// A clamped hh_squid cell; `clamp` is the body of the [[stimulus]] (line 9 onwards).
std::string clamp_model(std::string_view clamp, std::string_view model = "hh_squid") {
  return fmt::format(R"([protocol]
duration = "40 ms"

[[population]]
name = "cell"
size = 1
model = "{}"

[[stimulus]]
{}
)",
                     model, clamp);
}

TEST(InputErrors, VoltageClampOnASourceHasNoMembranePotential) {
  auto e = error_of(clamp_model(R"(kind = "voltage_clamp"
to = "cell"
rs = "1 MOhm"
levels = ["0 mV"]
durations = ["10 ms"])",
                                "poisson_source"));
  expect_error(e, 11, "stimulus[0].to",
               "population 'cell' (poisson_source) has no membrane potential to clamp");
}

TEST(InputErrors, VoltageClampOnMcCullochPittsHasNoMembranePotential) {
  auto e = error_of(clamp_model(R"(kind = "voltage_clamp"
to = "cell"
rs = "1 MOhm"
levels = ["0 mV"]
durations = ["10 ms"])",
                                "mcculloch_pitts"));
  expect_error(e, 11, "stimulus[0].to",
               "population 'cell' (mcculloch_pitts) has no membrane potential to clamp");
}

TEST(InputErrors, VoltageClampSeriesResistanceMustBePositive) {
  for (const char* rs : {"0 MOhm", "-1 MOhm"}) {
    auto e = error_of(clamp_model(fmt::format(R"(kind = "voltage_clamp"
to = "cell"
rs = "{}"
levels = ["0 mV"]
durations = ["10 ms"])",
                                              rs)));
    expect_error(e, 12, "stimulus[0].rs", "must be > 0 MOhm");
  }
}

TEST(InputErrors, VoltageClampSeriesResistanceHasItsUnit) {
  auto e = error_of(clamp_model(R"(kind = "voltage_clamp"
to = "cell"
rs = "1 nS"
levels = ["0 mV"]
durations = ["10 ms"])"));
  expect_error(e, 12, "stimulus[0].rs", "resistance");
}

TEST(InputErrors, VoltageClampNeedsOneDurationPerLevel) {
  auto e = error_of(clamp_model(R"(kind = "voltage_clamp"
to = "cell"
rs = "1 MOhm"
levels = ["-65 mV", "0 mV", "-65 mV"]
durations = ["10 ms", "20 ms"])"));
  expect_error(e, 14, "stimulus[0].durations",
               "needs one duration per level: 3 levels, 2 durations");
}

TEST(InputErrors, VoltageClampDurationsMustNotBeNegative) {
  auto e = error_of(clamp_model(R"(kind = "voltage_clamp"
to = "cell"
rs = "1 MOhm"
levels = ["-65 mV", "0 mV"]
durations = ["10 ms", "-5 ms"])"));
  expect_error(e, 14, "stimulus[0].durations", "must be >= 0 ms, got -5 ms");
}

TEST(InputErrors, VoltageClampEndsAfterItsDurationsNotAtStop) {
  auto e = error_of(clamp_model(R"(kind = "voltage_clamp"
to = "cell"
rs = "1 MOhm"
levels = ["0 mV"]
durations = ["10 ms"]
stop = "20 ms")"));
  expect_error(e, 15, "stimulus[0].stop", "give durations, not stop");
}

TEST(InputErrors, VoltageClampLevelsAreVoltages) {
  auto e = error_of(clamp_model(R"(kind = "voltage_clamp"
to = "cell"
rs = "1 MOhm"
levels = ["0 pA"]
durations = ["10 ms"])"));
  expect_error(e, 13, "stimulus[0].levels", "voltage");
}

TEST(InputErrors, InjectedCurrentIsNotRecordableOnASource) {
  auto e = error_of(R"([protocol]
duration = "40 ms"

[[population]]
name = "src"
size = 1
model = "poisson_source"

[[record]]
what = "i_stim"
of = "src"
)");
  expect_error(e, 10, "record[0].what", "has no recordable 'i_stim' (it has: spikes, rate)");
}

// ---------------------------------------------------------------------------------------
// Dale's principle (issue 5, item 2): a population declared excitatory or inhibitory may
// only act through receptors, and on current-based ports with weights, of its sign.

// e (excitatory) and i (inhibitory) populations of `model`; one projection 'x' from `from` to
// the other, written on line 21 with `synapse`.
std::string dale_model(std::string_view model, std::string_view from, std::string_view synapse,
                       std::string_view extra = "") {
  return fmt::format(R"([protocol]
duration = "100 ms"

[[population]]
name = "e"
size = 2
model = "{0}"
kind = "excitatory"

[[population]]
name = "i"
size = 2
model = "{0}"
kind = "inhibitory"

[[projection]]
name = "x"
from = "{1}"
to = "{2}"
connect = {{ rule = "all_to_all" }}
synapse = {3}
{4})",
                     model, from, from == "e" ? "i" : "e", synapse, extra);
}

TEST(InputErrors, DaleExcitatoryPopulationOntoAnInhibitoryPort) {
  auto e = error_of(dale_model("lif_psc_exp", "e", R"({ receptor = "inh", weight = "-5 pA" })"));
  expect_error(e, 21, "projection 'x'.synapse.receptor",
               "Dale's principle: population 'e' is excitatory but receptor 'inh' of lif_psc_exp "
               "is inhibitory; expected an excitatory receptor (exc); or set dale = false");
}

TEST(InputErrors, DaleInhibitoryPopulationOntoAnExcitatoryConductance) {
  auto e =
      error_of(dale_model("lif_cond_receptors", "i", R"({ receptor = "nmda", weight = "1 nS" })"));
  expect_error(e, 21, "projection 'x'.synapse.receptor",
               "population 'i' is inhibitory but receptor 'nmda' of lif_cond_receptors is "
               "excitatory; expected an inhibitory receptor (gaba_a, gaba_b)");
}

TEST(InputErrors, DaleNegativeWeightOnAnExcitatoryCurrentPort) {
  auto e = error_of(dale_model("lif_psc_exp", "e", R"({ receptor = "exc", weight = "-5 pA" })"));
  expect_error(e, 21, "projection 'x'.synapse.weight",
               "Dale's principle: population 'e' is excitatory, so its weight on receptor 'exc' "
               "must be >= 0 pA, got -5 pA");
}

TEST(InputErrors, DaleDrawnWeightsAreJudgedByTheirMean) {
  auto e = error_of(dale_model("lif_psc_delta", "e",
                               R"({ weight = { normal = { mean = "-0.2 mV", sd = "0.1 mV" } } })"));
  expect_error(e, 21, "projection 'x'.synapse.weight", "must be >= 0 mV, got -0.2 mV");
}

TEST(InputErrors, DalePositiveWeightFromAnInhibitoryPopulation) {
  auto e = error_of(dale_model("lif_psc_alpha", "i", R"({ receptor = "inh", weight = "50 pA" })"));
  expect_error(e, 21, "projection 'x'.synapse.weight",
               "population 'i' is inhibitory, so its weight on receptor 'inh' must be <= 0 pA, got "
               "50 pA");
}

TEST(InputErrors, DaleMcCullochPittsPortsAreSignedByTheWeight) {
  auto e = error_of(dale_model("mcculloch_pitts", "e", R"({ weight = -1 })"));
  expect_error(
      e, 21, "projection 'x'.synapse.weight",
      "population 'e' is excitatory, so its weight on receptor 'exc' must be >= 0, got -1;");
}

TEST(InputErrors, DaleSwitchMustBeABoolean) {
  auto e = error_of(dale_model("lif_psc_exp", "e", R"({ receptor = "inh", weight = "-5 pA" })",
                               "dale = \"no\"\n"));
  expect_error(e, 22, "projection 'x'.dale", "");
}

TEST(Dale, CanBeSwitchedOffPerProjectionOrForTheModel) {
  const std::string bad = R"({ receptor = "inh", weight = "-5 pA" })";
  EXPECT_NO_THROW(spec_from(dale_model("lif_psc_exp", "e", bad, "dale = false\n")));
  EXPECT_NO_THROW(spec_from("[model]\ndale = false\n" + dale_model("lif_psc_exp", "e", bad)));
  // a projection can switch it back on
  auto e =
      error_of("[model]\ndale = false\n" + dale_model("lif_psc_exp", "e", bad, "dale = true\n"));
  expect_error(e, 23, "projection 'x'.synapse.receptor", "Dale's principle");
}

TEST(Dale, PopulationsWithoutAKindAreNotChecked) {
  std::string text = dale_model("lif_psc_exp", "e", R"({ receptor = "inh", weight = "5 pA" })");
  for (auto kind : {"kind = \"excitatory\"\n", "kind = \"inhibitory\"\n"})
    text.erase(text.find(kind), std::string_view(kind).size());
  EXPECT_NO_THROW(spec_from(text));
}

TEST(Dale, UnnamedReceptorFollowsThePresynapticKind) {
  // "exc"/"inh" where the model has them (Brunel's networks), otherwise the first port of the
  // population's sign: ampa from excitatory, gaba_a from inhibitory populations
  auto m = spec_from(dale_model("lif_cond_receptors", "i", R"({ weight = "1 nS" })"));
  EXPECT_EQ(m.projections[0].receptor, 2);  // gaba_a
  m = spec_from(dale_model("lif_cond_receptors", "e", R"({ weight = "1 nS" })"));
  EXPECT_EQ(m.projections[0].receptor, 0);  // ampa
  m = spec_from(dale_model("lif_psc_exp", "i", R"({ weight = "-1 pA" })"));
  EXPECT_EQ(m.projections[0].receptor, 1);  // inh
}

TEST(Dale, EveryShippedExampleObeysIt) {
  for (const auto& entry : fs::directory_iterator(test::source_path("examples")))
    if (entry.path().extension() == ".toml") {
      SCOPED_TRACE(entry.path().filename().string());
      EXPECT_NO_THROW(load_model_file(entry.path().string()));
    }
}

}  // namespace
}  // namespace engram
