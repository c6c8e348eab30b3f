// Model files with cable cells (model "cable", spec/parse_cable.cpp): what is accepted, and
// every fault as an InputError with the line, key path and a message that says what to fix.
#include <optional>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engram/core/error.hpp"
#include "engram/dendrites/cable_population.hpp"
#include "test_support.hpp"

namespace engram {
namespace {

// A ball and stick whose population table ends with `extra` lines (line 13 onwards) and
// whose dendrite row is `dend`.
std::string cell(
    std::string_view extra,
    std::string_view dend = R"({ name = "dend", parent = "soma", L = 200, diam = 1 })") {
  return fmt::format(R"([protocol]
dt = "0.025 ms"
duration = "1 ms"
[[population]]
name = "c"
size = 1
model = "cable"
morphology = [
  {{ name = "soma", L = 12.6157, diam = 12.6157 }},
  {},
]
spike_site = {{ section = "soma", x = 0.5 }}
{}
)",
                     dend, extra);
}

using test::expect_input_error;
using test::input_error_of;

TEST(CableSpec, AcceptsACellWithPortsProbesAndDLambda) {
  const ModelSpec m = test::spec_from(cell(R"(
[[population.mechanism]]
name = "hh"
types = ["soma"]
[[population.mechanism]]
name = "pas"
sections = ["dend"]
params = { g = { distance = [0, 200], value = [0.001, 0.0002] }, e = -65 }
[[population.synapse]]
name = "syn_ampa"
kind = "ampa"
section = "dend"
x = 0.8
tau2 = "3 ms"
[[population.synapse]]
name = "syn_gaba"
kind = "gaba_a"
section = "soma"
[[population.probe]]
name = "v_tip"
section = "dend"
x = 1
)"));
  const auto& pop = m.populations[0];
  ASSERT_TRUE(pop.cable);
  EXPECT_EQ(pop.model, &pop.cable->info);
  ASSERT_EQ(pop.model->receptors.size(), 2u);
  EXPECT_EQ(pop.model->receptors[0].name, "syn_ampa");
  EXPECT_EQ(pop.model->receptors[1].sign, ReceptorSign::inhibitory);
  ASSERT_EQ(pop.model->state.size(), 2u);
  EXPECT_EQ(pop.model->state[1].name, "v_tip");
  EXPECT_EQ(pop.cable->cell.synapses[0].tau2, 3.0);
  EXPECT_EQ(pop.cable->cell.properties[1].nseg, 5);  // d_lambda 0.1 at Ra 35.4, as NEURON
  EXPECT_EQ(pop.integrator, "crank_nicolson");
}

TEST(CableSpec, BadCellsAreInputErrors) {
  const std::string p = "population 'c'";
  expect_input_error(
      input_error_of(cell("", R"({ name = "dend", parent = "som", L = 200, diam = 1 })")), 10,
      p + ".morphology[1].parent", "did you mean 'soma'?");
  expect_input_error(
      input_error_of(cell("", R"({ name = "dend", parent = "soma", L = -5, diam = 1 })")), 10,
      p + ".morphology[1].L", "must be > 0 um");
  expect_input_error(
      input_error_of(
          cell("", R"({ name = "dend", parent = "soma", parent_x = 2, L = 5, diam = 1 })")),
      10, p + ".morphology[1].parent_x", "must be in [0, 1]");
  expect_input_error(
      input_error_of(cell("", R"({ name = "dend", parent = "soma", L = 5, diam = 1, nsegs = 3 })")),
      10, p + ".morphology[1].nsegs", "did you mean 'nseg'?");
  expect_input_error(input_error_of(cell("[[population.mechanism]]\nname = \"hhh\"")), 14,
                     p + ".mechanism[0].name", "did you mean 'hh'?");
  expect_input_error(
      input_error_of(cell("[[population.mechanism]]\nname = \"hh\"\nparams = { gnabr = 0.1 }")), 15,
      p + ".mechanism[0].params.gnabr", "did you mean 'gnabar'?");
  expect_input_error(input_error_of(cell("[[population.mechanism]]\nname = \"traup\"")), 14,
                     p + ".mechanism[0].name", "did you mean 'traub'?");
  expect_input_error(
      input_error_of(cell("[[population.mechanism]]\nname = \"traub\"\nparams = { vtraub = -60 }")),
      15, p + ".mechanism[0].params.vtraub", "traub has no parameter");
  expect_input_error(
      input_error_of(cell("[[population.mechanism]]\nname = \"pas\"\nsections = [\"dendd\"]")), 15,
      p + ".mechanism[0].sections", "did you mean 'dend'?");
  expect_input_error(
      input_error_of(cell("[[population.mechanism]]\nname = \"pas\"\nparams = { g = -1 }")), 15,
      p + ".mechanism[0].params.g", "must be in");
  expect_input_error(
      input_error_of(cell("[[population.synapse]]\nname = \"s\"\nsection = \"dend\"\nx = 1.5")), 16,
      p + ".synapse[0].x", "must be in [0, 1]");
  expect_input_error(
      input_error_of(
          cell("[[population.synapse]]\nname = \"s\"\nkind = \"ampaa\"\nsection = \"dend\"")),
      15, p + ".synapse[0].kind", "did you mean 'ampa'?");
  expect_input_error(
      input_error_of(cell("[[population.synapse]]\nname = \"s\"\nsection = \"axon\"")), 15,
      p + ".synapse[0].section", "no section 'axon'");
  expect_input_error(
      input_error_of(cell("[[population.synapse]]\nname = \"s\"\nsection = \"dend\"\ntau1 = 20")),
      16, p + ".synapse[0].tau1", "must be in [0, tau2");
  expect_input_error(input_error_of(cell("[[population.probe]]\nname = \"v\"\nsection = \"dend\"")),
                     14, p + ".probe[0].name", "is taken");
  // i_stim records the injected current: a probe may not shadow it
  expect_input_error(
      input_error_of(cell("[[population.probe]]\nname = \"i_stim\"\nsection = \"dend\"")), 14,
      p + ".probe[0].name", "is taken");
  expect_input_error(input_error_of(cell("swc = \"nothere.swc\"")), 13, p + ".swc", "not both");
  expect_input_error(input_error_of(cell("spike_sight = 1")), 13, p + ".spike_sight", "spike_site");
  // clamps and the current site
  expect_input_error(input_error_of(cell("current_site = { section = \"dnd\" }")), 13,
                     p + ".current_site.section", "did you mean 'dend'?");
  expect_input_error(
      input_error_of(cell("[[population.iclamp]]\nsection = \"dend\"\nduration = \"-1 ms\"\n"
                          "amplitude = \"10 pA\"")),
      15, p + ".iclamp[0].duration", "must be >= 0 ms");
  expect_input_error(
      input_error_of(cell("[[population.iclamp]]\nsection = \"dend\"\nduration = \"1 ms\"\n"
                          "amplitude = \"10 pA\"\nneurons = [3]")),
      17, p + ".iclamp[0].neurons", "");
  expect_input_error(
      input_error_of(cell("[[population.vclamp]]\nname = \"vc\"\nsection = \"soma\"\n"
                          "levels = [-70, -10, 0, -70]\ndurations = [1, 1, 1, 1]")),
      16, p + ".vclamp[0].levels", "1 to 3 command potentials");
  expect_input_error(
      input_error_of(cell("[[population.vclamp]]\nname = \"vc\"\nsection = \"soma\"\n"
                          "levels = [-70, -10]\ndurations = [1]")),
      17, p + ".vclamp[0].durations", "one duration per level");
  expect_input_error(
      input_error_of(cell("[[population.vclamp]]\nname = \"vc\"\nsection = \"soma\"\n"
                          "rs = \"0 MOhm\"\nlevels = [-70]\ndurations = [1]")),
      16, p + ".vclamp[0].rs", "must be > 0 MOhm");
  expect_input_error(
      input_error_of(cell("[[population.vclamp]]\nname = \"i_stim\"\nsection = \"soma\"\n"
                          "levels = [-70]\ndurations = [1]")),
      14, p + ".vclamp[0].name", "is taken");
}

TEST(CableSpec, StimuliThatDoNotFitACableCellAreInputErrors) {
  // the engine's voltage clamp estimates the cell's capacitance; a cable cell has its own
  expect_input_error(input_error_of(cell("") + R"([[stimulus]]
kind = "voltage_clamp"
to = "c"
rs = "1 MOhm"
levels = ["-70 mV"]
durations = ["1 ms"]
)"),
                     16, "stimulus[0].to", "[[population.vclamp]]");
  // a gap junction reads v at the spike site, so it must inject there too
  expect_input_error(
      input_error_of(cell("current_site = { section = \"dend\" }") + R"([[gap_junction]]
from = "c"
to = "c"
connect = { rule = "all_to_all" }
g = "1 nS"
)"),
      15, "gap_junction[0].from", "current_site must be the spike site");
}

TEST(CableSpec, SwcCellsAndMissingFiles) {
  const std::string base = R"([protocol]
dt = "0.025 ms"
duration = "1 ms"
[[population]]
name = "c"
size = 1
model = "cable"
)";
  const ModelSpec m = test::spec_from(base + "swc = \"swc/pyramidal.swc\"\n");
  ASSERT_TRUE(m.populations[0].cable);
  EXPECT_GT(m.populations[0].cable->cell.morphology.size(), 10u);
  expect_input_error(input_error_of(base + "swc = \"swc/missing.swc\"\n"), 8, "population 'c'.swc",
                     "no such file");
  expect_input_error(input_error_of(base + "cm = 1\n"), 7, "population 'c'.model",
                     "needs `morphology`");
  // a projection onto a port the cell does not have
  expect_input_error(input_error_of(cell(R"([[population.synapse]]
name = "s"
section = "dend"
[[projection]]
from = "c"
to = "c"
connect = { rule = "all_to_all" }
synapse = { receptor = "t", weight = "1 nS" }
)")),
                     20, "projection[0].synapse.receptor", "has no receptor 't'");
}

}  // namespace
}  // namespace engram
