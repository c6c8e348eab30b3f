// Morphology: builders, path distances, geometry of tapered sections, input errors, and the
// compartments a morphology is cut into.
#include <cmath>
#include <numbers>

#include <gtest/gtest.h>

#include "engram/core/error.hpp"
#include "engram/dendrites/cable.hpp"
#include "engram/dendrites/morphology.hpp"

namespace engram::dendrites {
namespace {

constexpr double kPi = std::numbers::pi;

TEST(Morphology, BallAndStickBuilder) {
  const Morphology m = Morphology::ball_and_stick(12.6157, {200.0, 1.0});
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].name, "soma");
  EXPECT_EQ(m[0].type, SectionType::soma);
  EXPECT_EQ(m[0].parent, -1);
  EXPECT_EQ(m[1].name, "dend");
  EXPECT_EQ(m[1].parent, 0);
  EXPECT_DOUBLE_EQ(m[1].parent_x, 1.0);
  // soma cylinder: the area of a sphere of the same diameter
  EXPECT_NEAR(m.total_area(), kPi * 12.6157 * 12.6157 + kPi * 200.0, 1e-9);
  EXPECT_DOUBLE_EQ(m.total_length(), 212.6157);
  // path distance from soma(0.5)
  EXPECT_DOUBLE_EQ(m.distance(0, 0.5), 0.0);
  EXPECT_DOUBLE_EQ(m.distance(0, 0.0), 0.5 * 12.6157);
  EXPECT_DOUBLE_EQ(m.distance(1, 0.5), 0.5 * 12.6157 + 100.0);
}

TEST(Morphology, YBranchWithAndWithoutSoma) {
  const Morphology y = Morphology::y_branch({100, 2}, {150, 1}, {200, 0.6}, 18.0);
  ASSERT_EQ(y.size(), 4u);
  EXPECT_EQ(y.find("left"), 2);
  EXPECT_EQ(y[2].parent, 1);
  EXPECT_EQ(y[3].parent, 1);
  EXPECT_DOUBLE_EQ(y.distance(3, 1.0), 9.0 + 100.0 + 200.0);
  const Morphology bare = Morphology::y_branch({100, 2}, {150, 1}, {200, 0.6});
  ASSERT_EQ(bare.size(), 3u);
  EXPECT_EQ(bare[0].name, "trunk");
  EXPECT_DOUBLE_EQ(bare.distance(1, 0.0), 50.0);  // from the trunk's centre
}

TEST(Morphology, FromTableAndItsErrors) {
  const SectionSpec rows[] = {
      {.name = "soma", .type = SectionType::soma, .length = 20, .diam = 20},
      {.name = "apical", .type = SectionType::apical, .parent = "soma", .length = 300, .diam = 3},
      {.name = "tuft", .type = SectionType::apical, .parent = "apical", .length = 100, .diam = 1},
      {.name = "basal", .parent = "soma", .parent_x = 0.0, .length = 150, .diam = 1.5},
  };
  const Morphology m = Morphology::from_table(rows);
  EXPECT_EQ(m.size(), 4u);
  EXPECT_DOUBLE_EQ(m.distance(2, 1.0), 10.0 + 300.0 + 100.0);
  EXPECT_DOUBLE_EQ(m.distance(3, 0.5), 10.0 + 75.0);

  const SectionSpec typo[] = {
      {.name = "soma", .type = SectionType::soma, .length = 20, .diam = 20},
      {.name = "dend", .parent = "smoa", .length = 100, .diam = 1},
  };
  try {
    Morphology::from_table(typo);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.key_path(), "sections[1] 'dend'");
    EXPECT_NE(e.message().find("did you mean 'soma'"), std::string::npos) << e.what();
  }
  const SectionSpec negative[] = {
      {.name = "soma", .type = SectionType::soma, .length = 20, .diam = 20},
      {.name = "dend", .parent = "soma", .length = -5, .diam = 1},
  };
  try {
    Morphology::from_table(negative);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.key_path(), "section 'dend'");
    EXPECT_NE(e.message().find("length must be > 0 um, got -5"), std::string::npos) << e.what();
  }
  const SectionSpec twice[] = {
      {.name = "soma", .type = SectionType::soma, .length = 20, .diam = 20},
      {.name = "soma", .parent = "soma", .length = 10, .diam = 1},
  };
  EXPECT_THROW(Morphology::from_table(twice), InputError);
  const SectionSpec bad_x[] = {
      {.name = "soma", .type = SectionType::soma, .length = 20, .diam = 20},
      {.name = "dend", .parent = "soma", .parent_x = 1.5, .length = 10, .diam = 1},
  };
  EXPECT_THROW(Morphology::from_table(bad_x), InputError);
}

TEST(Morphology, TaperedSectionGeometry) {
  // a cone frustum from d 4 to d 1 over 30 um (3-D points not on an axis)
  Morphology m;
  m.add({.name = "cone", .points = {{0, 0, 0, 4.0}, {18, 24, 0, 1.0}}});  // length 30
  EXPECT_DOUBLE_EQ(m[0].length, 30.0);
  const Profile p = profile_of(m[0]);
  const double r1 = 2.0, r2 = 0.5, L = 30.0;
  EXPECT_NEAR(lateral_area(p, 0, L), kPi * (r1 + r2) * std::sqrt(L * L + 1.5 * 1.5), 1e-9);
  // integral dx / (pi r^2) for linear r = L / (pi r1 r2)
  EXPECT_NEAR(axial_integral(p, 0, L), L / (kPi * r1 * r2), 1e-12);
  // half of it: r(15) = 1.25
  EXPECT_NEAR(axial_integral(p, 0, 15), 15 / (kPi * r1 * 1.25), 1e-12);
  // the integral is additive over pieces
  EXPECT_NEAR(axial_integral(p, 0, 7) + axial_integral(p, 7, L), axial_integral(p, 0, L), 1e-12);
}

TEST(Morphology, CompartmentsAreInHinesOrder) {
  CellSpec spec(Morphology::y_branch({100, 2}, {150, 1}, {200, 0.6}, 18.0));
  spec.properties[1].nseg = 3;
  spec.properties[2].nseg = 5;
  spec.properties[3].nseg = 4;
  const Compartments c = discretise(spec.morphology, spec.properties);
  // root start + soma centre + soma end, then centres + end per section
  EXPECT_EQ(c.size(), 3u + 4u + 6u + 5u);
  for (size_t i = 1; i < c.size(); ++i) EXPECT_LT(c.parent[i], static_cast<int32_t>(i));
  EXPECT_EQ(c.parent[0], -1);
  // the trunk starts at soma(1), the branches at the trunk's end node
  EXPECT_EQ(c.parent[static_cast<size_t>(c.first_centre[1])], c.end_node[0]);
  EXPECT_EQ(c.parent[static_cast<size_t>(c.first_centre[2])], c.end_node[1]);
  EXPECT_EQ(c.parent[static_cast<size_t>(c.first_centre[3])], c.end_node[1]);
  // locations: the segment containing x, and the end nodes
  EXPECT_EQ(c.node({1, 0.5}), c.first_centre[1] + 1);
  EXPECT_EQ(c.node({3, 0.5}), c.first_centre[3] + 2);  // x on a boundary: the segment after it
  EXPECT_EQ(c.node({3, 0.0}), c.end_node[1]);
  EXPECT_EQ(c.node({3, 1.0}), c.end_node[3]);
  // total area and the series resistance of a branch: Ra L / (pi r^2)
  double area = 0;
  for (double a : c.area) area += a;
  EXPECT_NEAR(area, spec.morphology.total_area(), 1e-9);
  double r_branch = 0;  // MOhm, trunk end node to right's end node
  for (int32_t k = c.end_node[3]; k != c.end_node[1]; k = c.parent[static_cast<size_t>(k)])
    r_branch += 1.0 / c.g_axial[static_cast<size_t>(k)];
  EXPECT_NEAR(r_branch, 35.4 * 200.0 / (kPi * 0.3 * 0.3) * 1e-2, 1e-9);
}

}  // namespace
}  // namespace engram::dendrites
