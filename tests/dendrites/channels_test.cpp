// The dendritic Ca (ca_hva) and h (ih) channels against NEURON 8.2, which builds the same
// channels with KSChan (tools/neuron_reference/dendrite_mechanisms_reference.py checks its
// rate functions against the mod files' formulas): an isopotential compartment with ih
// (sag and rebound), one with hh + ca_hva (repetitive firing), and a soma with an 800 um
// dendrite carrying pas, weak hh, ih with the Kole/Hay exponential density gradient and
// ca_hva on 400-700 um from the soma. engram's backward Euler and Crank-Nicolson are
// compared with NEURON's secondorder 0 and 2 at the same dt (the same scheme: a wrong rate
// constant, gate exponent, reversal potential or density shows as millivolts and
// milliseconds; measured: 5e-8 mV and 5e-7 ms, printed; bounds 1e-6 mV and 1e-5 ms), and
// Crank-Nicolson with NEURON's converged run (dt 0.025/16 ms) within the 0.1 ms for spike
// times.
#include <cmath>
#include <iostream>
#include <map>
#include <numbers>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engram/dendrites/cable.hpp"
#include "neuron_models.hpp"

namespace engram::dendrites {
namespace {

using test_models::crossings;

CellSpec single(std::vector<MechanismInsertion> mechs, std::vector<IClamp> stims) {
  const double d = std::sqrt(10000.0 / std::numbers::pi);  // area 10000 um2
  const SectionSpec rows[] = {
      {.name = "single", .type = SectionType::soma, .length = d, .diam = d}};
  CellSpec c(Morphology::from_table(rows), {.cm = 1.0, .ra = 35.4, .nseg = 1});
  c.mechanisms = std::move(mechs);
  for (auto& s : stims) c.iclamps.push_back(s);
  return c;
}

// The cells of the reference script, and the locations it records.
CellSpec model(const std::string& name) {
  if (name == "ih_single")
    return single({{"pas", {}, {{"g", 5e-5}, {"e", -65.0}}}, {"ih", {}, {{"gbar", 2e-4}}}},
                  {{.where = {0, 0.5}, .delay = 20, .dur = 200, .amp = -0.2},
                   {.where = {0, 0.5}, .delay = 250, .dur = 100, .amp = 0.1}});
  if (name == "ca_single")
    return single({{"hh", {}, {}}, {"ca_hva", {}, {{"gbar", 2e-3}}}},
                  {{.where = {0, 0.5}, .delay = 10, .dur = 180, .amp = 0.8}});
  const SectionSpec rows[] = {
      {.name = "soma", .type = SectionType::soma, .length = 20.0, .diam = 20.0},
      {.name = "dend", .parent = "soma", .parent_x = 0.5, .length = 800.0, .diam = 2.0},
  };
  CellSpec c(Morphology::from_table(rows), {.cm = 1.0, .ra = 100.0});
  c.apply_d_lambda();
  const Region dend = Region::section(1);
  c.insert("hh", Region::section(0));
  c.insert("pas", dend, {{"g", 3e-5}, {"e", -65.0}});
  c.insert("hh", dend, {{"gnabar", 0.02}, {"gkbar", 0.006}, {"gl", 0.0}});
  // Kole et al. 2006 / Hay et al. 2011: Ih density grows exponentially with distance
  c.insert("ih", dend, {{.name = "gbar", .of_distance = [](double d) {
                           return 1e-4 * (-0.8696 + 2.087 * std::exp(0.0031 * d));
                         }}});
  c.insert("ca_hva", {.sections = {1}, .min_distance = 400.0, .max_distance = 700.0},
           {{"gbar", 1e-3}});
  c.iclamps.push_back({.where = {0, 0.5}, .delay = 20, .dur = 50, .amp = 0.4});
  c.iclamps.push_back({.where = {1, 0.9}, .delay = 100, .dur = 100, .amp = -0.3});
  return c;
}

const test_models::NeuronComparison& neuron() {
  static const test_models::NeuronComparison c({{"ih_single", {400.0, {"v"}}},
                                                {"ca_single", {200.0, {"v"}}},
                                                {"dend", {250.0, {"soma(0.5)", "dend(0.9)"}}}},
                                               "dendrite_channels.csv",
                                               "dendrite_channel_spikes.csv", model);
  return c;
}

TEST(DendriteChannels, BackwardEulerMatchesNeuronSecondorder0) {
  neuron().compare(Integrator::backward_euler, "be", 1e-6, 1e-5);
}

TEST(DendriteChannels, CrankNicolsonMatchesNeuronSecondorder2) {
  neuron().compare(Integrator::crank_nicolson, "cn", 1e-6, 1e-5);
}

TEST(DendriteChannels, CrankNicolsonSpikesWithinATenthOfAMsOfNeuronConverged) {
  neuron().compare_with_converged(0.1);
}

// The sag: Ih activates under hyperpolarisation and pulls v back towards eh. Without it the
// compartment relaxes monotonically; with it v overshoots (its minimum comes long before the
// end of the 200 ms pulse) and recovers by more than a millivolt.
TEST(DendriteChannels, IhProducesSag) {
  const auto v = neuron().simulate("ih_single", Integrator::crank_nicolson).at("v");
  double v_min = 0, t_min = 0;
  for (size_t k = 0; k < v.size() && 0.025 * static_cast<double>(k) < 220.0; ++k)
    if (v[k] < v_min) v_min = v[k], t_min = 0.025 * static_cast<double>(k);
  EXPECT_LT(t_min, 150.0);
  EXPECT_GT(v[static_cast<size_t>(219.0 / 0.025)] - v_min, 1.0) << "sag of at least 1 mV";
}

// The distance rule reaches the mechanism: the dend case with a uniform Ih density (the
// soma value 1.217e-4 S/cm2) gives another dendritic potential during the hyperpolarising
// pulse than the exponential gradient (5.2x the soma value at 400 um, 20x at 800 um).
TEST(DendriteChannels, IhDensityGradientMatters) {
  CellSpec graded = model("dend");
  CellSpec uniform = graded;
  uniform.mechanisms[3].params = {{"gbar", 1e-4 * (-0.8696 + 2.087)}};
  const Location tip{1, 0.9};
  auto v_at_190 = [&](const CellSpec& spec) {
    CableCell cell(spec, 0.025);
    cell.run(190.0);
    return cell.v(tip);
  };
  const double v_graded = v_at_190(graded), v_uniform = v_at_190(uniform);
  std::cout << fmt::format("dend(0.9) at 190 ms: graded Ih {:.3f} mV, uniform {:.3f} mV\n",
                           v_graded, v_uniform);
  EXPECT_GT(v_graded - v_uniform, 2.0);  // more Ih: less hyperpolarised
}

TEST(DendriteChannels, StatesStartAtSteadyStateAndStayInRange) {
  CableCell cell(model("dend"), 0.025);
  for (const char* name : {"ih", "ca_hva"}) {
    const Mechanism* m = cell.mechanism(name);
    ASSERT_NE(m, nullptr) << name;
    EXPECT_GT(m->size(), 0u);
  }
  EXPECT_EQ(cell.mechanism("ca_hva")->size() < cell.mechanism("ih")->size(), true);
  cell.run(250.0);
  for (const char* name : {"ih", "ca_hva"})
    for (size_t s = 0; s < (std::string(name) == "ih" ? 1u : 2u); ++s)
      for (double x : cell.mechanism(name)->state(s)) {
        EXPECT_GE(x, 0.0);
        EXPECT_LE(x, 1.0);
      }
}

}  // namespace
}  // namespace engram::dendrites
