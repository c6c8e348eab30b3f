// Presets (ModelInfo::presets): every preset names parameters and state variables of its
// model with values in their valid ranges that pass the model's check, and a population's
// own params and init override the preset, which overrides the defaults.
#include <set>

#include <gtest/gtest.h>

#include "engram/models/model.hpp"
#include "test_support.hpp"

namespace engram {
namespace {

TEST(Presets, EveryPresetIsValidForItsModel) {
  int seen = 0;
  for (const ModelInfo* m : all_models()) {
    std::set<std::string_view> names;
    for (const Preset& p : m->presets) {
      SCOPED_TRACE(std::string(m->name) + " preset " + std::string(p.name));
      ++seen;
      EXPECT_TRUE(names.insert(p.name).second) << "duplicate name";
      EXPECT_FALSE(p.doc.empty());
      EXPECT_FALSE(p.source.empty());
      std::vector<double> values;
      for (const auto& s : m->params) values.push_back(s.default_value);
      for (const auto& [name, value] : p.params) {
        const int i = find_index(m->params, name);
        ASSERT_GE(i, 0) << "no parameter " << name;
        EXPECT_TRUE(m->params[i].admits(value)) << name << " = " << value;
        values[i] = value;
      }
      for (const auto& [name, value] : p.init) EXPECT_GE(find_index(m->state, name), 0) << name;
      EXPECT_EQ(m->check(values, 0.1).key, "") << m->check(values, 0.1).message;
    }
  }
  EXPECT_GE(seen, 27 + 9 + 9);  // izhikevich 27, adex_psc_exp and adex_cond_exp 9 each
}

TEST(Presets, ParamsOverrideThePresetWhichOverridesTheDefaults) {
  auto spec = test::spec_from(R"(
[protocol]
duration = "10 ms"
[[population]]
name = "ch"
size = 2
model = "izhikevich"
preset = "chattering"
params = { d = "3 pA", v_peak = "35 mV" }
init = { u = "-1 pA" }
)");
  const auto& pop = spec.populations[0];
  const auto& m = *pop.model;
  auto param = [&](const char* name) { return pop.params[find_index(m.params, name)]; };
  EXPECT_EQ(pop.preset, "chattering");
  EXPECT_EQ(param("a"), 0.02);       // preset (same as the default)
  EXPECT_EQ(param("c"), -50.0);      // preset (default -65)
  EXPECT_EQ(param("d"), 3.0);        // params (preset 2, default 8)
  EXPECT_EQ(param("v_peak"), 35.0);  // params (default)
  EXPECT_EQ(param("q0"), 140.0);     // default
  // initial state: init for u, the preset's -70 mV for v
  ASSERT_EQ(pop.init.size(), 2u);
  for (const auto& [index, dist] : pop.init) {
    ASSERT_TRUE(dist.is_constant());
    EXPECT_EQ(dist.a, m.state[index].name == "u" ? -1.0 : -70.0);
  }
  // and the built neurons start there
  auto sim = test::run_model(R"(
[protocol]
duration = "0.1 ms"
[[population]]
name = "ch"
size = 1
model = "izhikevich"
preset = "class_1"
[[record]]
what = "u"
of = "ch"
)");
  EXPECT_EQ(test::trace(*sim, "ch", "u")[0], 6.0);  // b v = -0.1 x -60 mV
}

TEST(Presets, AdexPresetsAreTheSameForBothSynapseTypes) {
  const ModelInfo* psc = find_model("adex_psc_exp");
  const ModelInfo* cond = find_model("adex_cond_exp");
  ASSERT_TRUE(psc && cond);
  ASSERT_EQ(psc->presets.size(), cond->presets.size());
  for (size_t k = 0; k < psc->presets.size(); ++k)
    EXPECT_EQ(psc->presets[k].name, cond->presets[k].name);
}

}  // namespace
}  // namespace engram
