// SWC import: real files (tests/data/swc/, see its README for sources and licences) and
// one malformed file per fault, each an InputError naming the file and line.
#include <chrono>
#include <cmath>
#include <map>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engram/core/error.hpp"
#include "engram/dendrites/cable.hpp"
#include "engram/dendrites/swc.hpp"
#include "test_support.hpp"

namespace engram::dendrites {
namespace {

std::string swc_path(const std::string& name) {
  return test::source_path("tests/data/swc/" + name);
}

struct Expected {
  const char* file;
  uint32_t line;
  const char* key;
  const char* message;
};

TEST(Swc, MalformedFilesGiveInputErrorsWithLineNumbers) {
  const Expected cases[] = {
      {"err_missing_parent.swc", 5, "sample 4", "parent 9 is not a sample of the file"},
      {"err_cycle.swc", 4, "sample 3", "a cycle of parents (child -> parent): 3 -> 5 -> 4 -> 3"},
      {"err_radius.swc", 4, "sample 3", "radius must be > 0 um, got 0"},
      {"err_type.swc", 4, "sample 3",
       "sample type must be 0-7 (standard) or >= 8 (custom), got -2"},
      {"err_two_roots.swc", 4, "sample 3", "a second root (parent -1): sample 1 on line 2"},
      {"err_duplicate_id.swc", 4, "sample 2", "duplicate id: sample 2 is defined on line 3"},
      {"err_non_numeric.swc", 5, "", "field 6 (radius) must be a number, got 'r0.5'"},
      {"err_non_integer.swc", 3, "", "field 2 (type) must be an integer, got '3.5'"},
      {"err_field_count.swc", 3, "", "expected 7 fields (id type x y z radius parent), got 6"},
      {"err_empty.swc", 0, "", "no samples"},
      {"err_zero_length.swc", 4, "sample 3", "zero length"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    try {
      load_swc(swc_path(c.file));
      ADD_FAILURE() << "no error";
    } catch (const InputError& e) {
      EXPECT_EQ(e.where().file, swc_path(c.file));
      EXPECT_EQ(e.where().line, c.line) << e.what();
      EXPECT_EQ(e.key_path(), c.key) << e.what();
      EXPECT_NE(e.message().find(c.message), std::string::npos) << e.what();
    }
  }
}

TEST(Swc, ErrorsFromText) {
  EXPECT_THROW(parse_swc("1 1 0 0 0 1 -1\n2 3 1 0 0 1 -3\n"), InputError);  // parent < -1
  EXPECT_THROW(parse_swc("1 3 0 0 0 1 -1\n"), InputError);  // one sample, not a soma
  EXPECT_THROW(parse_swc("1 1 0 0 0 1 1\n"), InputError);   // its own parent
  try {  // all samples in a cycle: no root at all
    parse_swc("1 3 0 0 0 1 2\n2 3 1 0 0 1 1\n", "loop.swc");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find("no root"), std::string::npos) << e.what();
    EXPECT_EQ(e.where().file, "loop.swc");
  }
  EXPECT_THROW(load_swc(swc_path("does_not_exist.swc")), InputError);
}

TEST(Swc, CustomTypesAreAcceptedWithANote) {
  const SwcMorphology s = load_swc(swc_path("custom_type.swc"));
  ASSERT_EQ(s.notes.size(), 3u);  // the one-sample soma, type 9, type 7
  std::string all;
  for (const auto& n : s.notes) all += n + "\n";
  EXPECT_NE(all.find(":5: sample type 9 is a custom type"), std::string::npos) << all;
  EXPECT_NE(all.find(":7: sample type 7 is a standard SWC type"), std::string::npos) << all;
  const Morphology& m = s.morphology;
  ASSERT_EQ(m.size(), 4u);  // soma, dend[0] (2-3), type9[0] (4-5), custom[0] (6)
  const int spine = m.find("type9[0]");
  ASSERT_GE(spine, 0);
  EXPECT_EQ(m[static_cast<size_t>(spine)].type, SectionType::custom);
  EXPECT_EQ(m[static_cast<size_t>(spine)].swc_type, 9);
  EXPECT_NEAR(m[static_cast<size_t>(spine)].length, 3.0, 1e-12);  // from sample 3 to 5
  EXPECT_GE(m.find("custom[0]"), 0);
}

TEST(Swc, BallAndStickFileMatchesTheBuilder) {
  const SwcMorphology s = load_swc(swc_path("ball_and_stick.swc"));
  const Morphology& m = s.morphology;
  ASSERT_EQ(m.size(), 2u);
  const Morphology b = Morphology::ball_and_stick(12.6157, {200.0, 1.0});
  EXPECT_EQ(m[0].name, "soma");
  EXPECT_NEAR(m[0].length, 12.6157, 1e-12);
  EXPECT_NEAR(m[0].diam, 12.6157, 1e-12);
  EXPECT_EQ(m[1].name, "dend[0]");
  EXPECT_NEAR(m[1].length, 200.0, 1e-9);
  EXPECT_NEAR(m[1].diam, 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(m[1].parent_x, 0.5);  // children of a soma sphere attach at its centre
  EXPECT_NEAR(m.total_area(), b.total_area(), 1e-9);
}

TEST(Swc, DetailedCellSectionsAndAttachments) {
  // two-sample soma (1-2), dendrites from its end, an axon from its start, inline comments
  const Morphology m = load_swc(swc_path("single_cell_detailed.swc")).morphology;
  ASSERT_EQ(m.size(), 7u);  // soma, dend[0..2], apic[0..1]... see below
  EXPECT_EQ(m[0].name, "soma");
  EXPECT_DOUBLE_EQ(m[0].length, 40.0);
  const int axon = m.find("axon[0]");
  ASSERT_GE(axon, 0);
  EXPECT_DOUBLE_EQ(m[static_cast<size_t>(axon)].parent_x, 0.0);
  EXPECT_NEAR(m[static_cast<size_t>(axon)].length, 100.0, 1e-12);  // (0,0) -> (-100,0)
  const int d0 = m.find("dend[0]");  // samples 3-5 from the soma's end
  ASSERT_GE(d0, 0);
  EXPECT_EQ(m[static_cast<size_t>(d0)].parent, 0);
  EXPECT_DOUBLE_EQ(m[static_cast<size_t>(d0)].parent_x, 1.0);
  EXPECT_NEAR(m[static_cast<size_t>(d0)].length, 40.0 + std::hypot(40.0, 5.0), 1e-12);
  // sections break at the fork (sample 5) and at the type change (samples 9 -> 10, 11)
  int apical = 0;
  for (const auto& s : m.sections()) apical += s.type == SectionType::apical;
  EXPECT_EQ(apical, 2);
  for (size_t i = 1; i < m.size(); ++i) EXPECT_LT(m[i].parent, static_cast<int>(i));
}

// Independent total length: every sample's distance to its parent, except the soma's own
// samples and the first sample of a section hanging from the soma sphere.
double dendritic_length(const SwcMorphology& s) {
  std::map<long, const SwcSample*> by_id;
  for (const auto& x : s.samples) by_id[x.id] = &x;
  double sum = 0;
  for (const auto& x : s.samples) {
    if (x.parent < 0 || x.type == 1) continue;
    const SwcSample& p = *by_id.at(x.parent);
    if (p.type == 1) continue;  // from the soma sphere: the section begins at x
    sum += std::hypot(x.x - p.x, x.y - p.y, x.z - p.z);
  }
  return sum;
}

TEST(Swc, RealPyramidalCellLoadsAndSimulates) {
  const SwcMorphology s = load_swc(swc_path("pyramidal.swc"));
  ASSERT_EQ(s.samples.size(), 5799u);
  const Morphology& m = s.morphology;
  EXPECT_EQ(m[0].name, "soma");
  EXPECT_NEAR(m[0].length, 2 * 4.46694, 1e-9);  // the three-point soma
  ASSERT_FALSE(s.notes.empty());
  EXPECT_NE(s.notes[0].find("three-point soma"), std::string::npos) << s.notes[0];
  double dend_length = 0;
  for (size_t i = 1; i < m.size(); ++i) {
    dend_length += m[i].length;
    EXPECT_LT(m[i].parent, static_cast<int>(i));
  }
  EXPECT_NEAR(dend_length, dendritic_length(s), 1e-9 * dend_length);
  RecordProperty("sections", static_cast<int>(m.size()));

  CellSpec spec(m, {.cm = 1.0, .ra = 100.0});
  spec.apply_d_lambda();
  spec.insert("hh");  // everywhere, then passive apical dendrites
  spec.insert("pas", Region::of_type(SectionType::apical), {{"g", 1e-4}, {"e", -65.0}});
  spec.iclamps.push_back({.where = {0, 0.5}, .delay = 2.0, .dur = 20.0, .amp = 1.0});
  CableCell cell(spec, 0.025);
  const int32_t soma = cell.node({0, 0.5});
  double peak = -100;
  while (cell.time() < 25.0) {
    cell.step();
    peak = std::max(peak, cell.v()[soma]);
  }
  EXPECT_GT(peak, 0.0) << "no spike";
  for (double v : cell.v()) ASSERT_TRUE(std::isfinite(v));
}

}  // namespace
}  // namespace engram::dendrites
