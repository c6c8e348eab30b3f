#pragma once
// The geometry of a neuron: a tree of unbranched sections (cables), as in NEURON.
//
// A section has a name, a type (soma, axon, basal/apical dendrite, custom), a length and a
// diameter (uniform), or 3-D points with a diameter each (NEURON's pt3d: the diameter varies
// linearly between points; the length is the path length through the points). Its x = 0
// end attaches to its parent section at a position parent_x in [0, 1] on the parent; the
// root section (the soma, when there is one) has no parent. Sections are stored parents
// first, so a section's index is larger than its parent's.
//
// Units: um for lengths and diameters. Distances ("path distance from the soma") are
// measured along the tree from the centre (x = 0.5) of the root section, as NEURON's
// distance() with its origin at soma(0.5).
//
// Builders: ball_and_stick, y_branch, and from_table (sections with lengths, diameters and
// parents by name). SWC files: swc.hpp.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace engram::dendrites {

enum class SectionType : uint8_t { undefined, soma, axon, basal, apical, custom };

// "soma", "axon", "dend", "apic", "undefined", "custom" (NEURON's usual section names).
std::string_view type_name(SectionType t);

struct Point3 {
  double x = 0, y = 0, z = 0;  // um
  double diam = 0;             // um
};

struct Section {
  std::string name{};
  SectionType type = SectionType::basal;
  int swc_type = 3;              // the SWC sample type (custom types >= 5 are kept here)
  int parent = -1;               // index of the parent section; -1 for the root
  double parent_x = 1.0;         // where on the parent its x = 0 end attaches, in [0, 1]
  double length = 0;             // um; the path length through `points` when it has >= 2
  double diam = 0;               // um; the uniform diameter (when `points` is empty)
  std::vector<Point3> points{};  // 3-D points along the section (varying diameter), or empty
  uint32_t line = 0;             // SWC line of the section's first sample (0: not from a file)
};

// A section's diameter as a function of the distance from its x = 0 end: the breakpoints
// (arc, diam), arc from 0 to length, the diameter linear in between. Uniform sections have
// the two points (0, diam), (length, diam).
struct Profile {
  std::vector<double> arc;   // um, non-decreasing, arc.front() = 0, arc.back() = length
  std::vector<double> diam;  // um
};
Profile profile_of(const Section& s);

// Lateral (membrane) area of the stretch [a, b] um of a section, um^2: the frustums'
// lateral surfaces pi (r1 + r2) sqrt(dx^2 + (r1 - r2)^2), no end caps (as NEURON).
double lateral_area(const Profile& p, double a, double b);
// Integral of dx / (pi r(x)^2) over [a, b], 1/um; times Ra (ohm cm) x 1e-2 it is the axial
// resistance in MOhm. Exact for a linearly varying radius: dx / (pi r1 r2) per piece.
double axial_integral(const Profile& p, double a, double b);

// A cylinder of a builder: length and diameter, um.
struct Cylinder {
  double length = 0;
  double diam = 0;
};

// One row of a generic description (Morphology::from_table): a section by name, attached to
// the section named `parent` (empty for the root) at parent_x.
struct SectionSpec {
  std::string name{};
  SectionType type = SectionType::basal;
  std::string parent{};
  double parent_x = 1.0;
  double length = 0;  // um
  double diam = 0;    // um
};

class Morphology {
 public:
  // Appends a section (its parent must be there already) and returns its index. Checks the
  // geometry: positive finite length and diameters, parent_x in [0, 1], a unique name;
  // throws InputError naming the section (the SWC reader adds its file and line).
  int add(Section s);

  std::span<const Section> sections() const { return sections_; }
  const Section& operator[](size_t i) const { return sections_[i]; }
  size_t size() const { return sections_.size(); }
  bool empty() const { return sections_.empty(); }
  // The index of the section called `name`, or -1.
  int find(std::string_view name) const;

  // Path distance (um) from the centre of the root section to position x of section s.
  double distance(int s, double x) const;
  // Sum of the sections' lengths (um) and of their lateral areas (um^2).
  double total_length() const;
  double total_area() const;

  // Soma (a cylinder of length = diameter = soma_diam: the area of a sphere of that
  // diameter, section "soma") and one dendrite "dend" attached at soma(1). Defaults: the
  // geometry of Arbor's ball_and_stick.swc.
  static Morphology ball_and_stick(double soma_diam = 12.6157, Cylinder dend = {200.0, 1.0});
  // A trunk and two branches ("left", "right") at its end; with a soma ("soma", length =
  // diameter = soma_diam, the trunk at soma(1)) unless soma_diam is 0 (the trunk is the root).
  static Morphology y_branch(Cylinder trunk, Cylinder left, Cylinder right, double soma_diam = 0);
  // Sections by name, each parent listed before its children; the first row is the root.
  static Morphology from_table(std::span<const SectionSpec> rows);

 private:
  std::vector<Section> sections_;
  std::vector<double> start_distance_;  // distance of each section's x = 0 end
};

}  // namespace engram::dendrites
