#include "engram/dendrites/morphology.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "engram/core/error.hpp"

namespace engram::dendrites {
namespace {

constexpr double kPi = std::numbers::pi;

// The key path of a section in messages: "section 'dend[3]'".
std::string key_of(const Section& s) {
  return fmt::format("section '{}'", s.name);
}

[[noreturn]] void fail(const Section& s, const std::string& message) {
  throw InputError({}, key_of(s), message);
}

bool positive(double x) {
  return std::isfinite(x) && x > 0;
}

// Diameter at arc position a of a profile (linear between breakpoints).
double diam_at(const Profile& p, double a) {
  const auto it = std::upper_bound(p.arc.begin(), p.arc.end(), a);
  if (it == p.arc.begin()) return p.diam.front();
  if (it == p.arc.end()) return p.diam.back();
  const size_t k = static_cast<size_t>(it - p.arc.begin());
  const double a0 = p.arc[k - 1], a1 = p.arc[k];
  if (a1 <= a0) return p.diam[k];
  return p.diam[k - 1] + (p.diam[k] - p.diam[k - 1]) * (a - a0) / (a1 - a0);
}

// Calls f(dx, r1, r2) for each frustum of the profile clipped to [a, b].
template <class F>
void for_each_piece(const Profile& p, double a, double b, F&& f) {
  for (size_t k = 1; k < p.arc.size(); ++k) {
    const double lo = std::max(a, p.arc[k - 1]), hi = std::min(b, p.arc[k]);
    if (hi <= lo) continue;
    f(hi - lo, 0.5 * diam_at(p, lo), 0.5 * diam_at(p, hi));
  }
}

}  // namespace

std::string_view type_name(SectionType t) {
  switch (t) {
    case SectionType::soma:
      return "soma";
    case SectionType::axon:
      return "axon";
    case SectionType::basal:
      return "dend";
    case SectionType::apical:
      return "apic";
    case SectionType::custom:
      return "custom";
    default:
      return "undefined";
  }
}

Profile profile_of(const Section& s) {
  Profile p;
  if (s.points.size() < 2) {
    p.arc = {0.0, s.length};
    p.diam = {s.diam, s.diam};
    return p;
  }
  p.arc.reserve(s.points.size());
  p.diam.reserve(s.points.size());
  double arc = 0;
  for (size_t k = 0; k < s.points.size(); ++k) {
    if (k > 0) {
      const Point3 &a = s.points[k - 1], &b = s.points[k];
      arc += std::hypot(b.x - a.x, b.y - a.y, b.z - a.z);
    }
    p.arc.push_back(arc);
    p.diam.push_back(s.points[k].diam);
  }
  return p;
}

double lateral_area(const Profile& p, double a, double b) {
  double area = 0;
  for_each_piece(p, a, b, [&](double dx, double r1, double r2) {
    area += kPi * (r1 + r2) * std::sqrt(dx * dx + (r1 - r2) * (r1 - r2));
  });
  return area;
}

double axial_integral(const Profile& p, double a, double b) {
  double sum = 0;
  for_each_piece(p, a, b, [&](double dx, double r1, double r2) { sum += dx / (kPi * r1 * r2); });
  return sum;
}

int Morphology::add(Section s) {
  const int index = static_cast<int>(sections_.size());
  if (s.name.empty()) s.name = fmt::format("{}[{}]", type_name(s.type), index);
  if (find(s.name) >= 0) fail(s, "a section of this name exists already");
  if (index == 0 && s.parent != -1)
    fail(s, fmt::format("the first section is the root: parent must be -1, got {}", s.parent));
  if (index > 0 && (s.parent < 0 || s.parent >= index))
    fail(s, fmt::format("parent must be the index of an earlier section (0..{}), got {}", index - 1,
                        s.parent));
  if (!(s.parent_x >= 0 && s.parent_x <= 1))
    fail(s, fmt::format("parent_x must be in [0, 1], got {}", s.parent_x));
  if (s.points.size() == 1) fail(s, "3-D points: need at least 2, got 1");
  if (s.points.empty()) {
    if (!positive(s.length)) fail(s, fmt::format("length must be > 0 um, got {}", s.length));
    if (!positive(s.diam)) fail(s, fmt::format("diam must be > 0 um, got {}", s.diam));
  } else {
    for (size_t k = 0; k < s.points.size(); ++k) {
      const Point3& q = s.points[k];
      if (!std::isfinite(q.x) || !std::isfinite(q.y) || !std::isfinite(q.z))
        fail(s, fmt::format("3-D point {}: coordinates must be finite", k));
      if (!positive(q.diam))
        fail(s, fmt::format("3-D point {}: diameter must be > 0 um, got {}", k, q.diam));
    }
    const Profile p = profile_of(s);
    s.length = p.arc.back();
    if (!positive(s.length)) fail(s, "zero length: all its 3-D points coincide");
    s.diam = lateral_area(p, 0, s.length) / (kPi * s.length);  // mean (area-equivalent)
  }
  double start = 0;
  if (index > 0) start = distance(s.parent, s.parent_x);
  sections_.push_back(std::move(s));
  start_distance_.push_back(start);
  return index;
}

int Morphology::find(std::string_view name) const {
  for (size_t i = 0; i < sections_.size(); ++i)
    if (sections_[i].name == name) return static_cast<int>(i);
  return -1;
}

double Morphology::distance(int s, double x) const {
  const Section& sec = sections_[static_cast<size_t>(s)];
  if (sec.parent < 0) return std::fabs(x - 0.5) * sec.length;
  return start_distance_[static_cast<size_t>(s)] + x * sec.length;
}

double Morphology::total_length() const {
  double sum = 0;
  for (const auto& s : sections_) sum += s.length;
  return sum;
}

double Morphology::total_area() const {
  double sum = 0;
  for (const auto& s : sections_) sum += lateral_area(profile_of(s), 0, s.length);
  return sum;
}

Morphology Morphology::ball_and_stick(double soma_diam, Cylinder dend) {
  Morphology m;
  m.add({.name = "soma",
         .type = SectionType::soma,
         .swc_type = 1,
         .length = soma_diam,
         .diam = soma_diam});
  m.add({.name = "dend",
         .type = SectionType::basal,
         .swc_type = 3,
         .parent = 0,
         .parent_x = 1.0,
         .length = dend.length,
         .diam = dend.diam});
  return m;
}

Morphology Morphology::y_branch(Cylinder trunk, Cylinder left, Cylinder right, double soma_diam) {
  Morphology m;
  int t = 0;
  if (soma_diam > 0) {
    m.add({.name = "soma",
           .type = SectionType::soma,
           .swc_type = 1,
           .length = soma_diam,
           .diam = soma_diam});
    t = m.add({.name = "trunk", .parent = 0, .length = trunk.length, .diam = trunk.diam});
  } else {
    t = m.add({.name = "trunk", .length = trunk.length, .diam = trunk.diam});
  }
  m.add({.name = "left", .parent = t, .length = left.length, .diam = left.diam});
  m.add({.name = "right", .parent = t, .length = right.length, .diam = right.diam});
  return m;
}

Morphology Morphology::from_table(std::span<const SectionSpec> rows) {
  Morphology m;
  std::vector<std::string> names;
  for (size_t i = 0; i < rows.size(); ++i) {
    const SectionSpec& r = rows[i];
    const std::string key = fmt::format("sections[{}] '{}'", i, r.name);
    int parent = -1;
    if (i == 0 && !r.parent.empty())
      throw InputError({}, key, "the first section is the root: its parent must be empty");
    if (i > 0) {
      parent = m.find(r.parent);
      if (parent < 0) {
        std::string hint = did_you_mean(r.parent, names);
        throw InputError({}, key,
                         fmt::format("parent '{}' is not a section listed before this one{}",
                                     r.parent, hint.empty() ? "" : "; " + hint));
      }
    }
    Section s{.name = r.name,
              .type = r.type,
              .swc_type = r.type == SectionType::custom ? 7 : static_cast<int>(r.type),
              .parent = parent,
              .parent_x = r.parent_x,
              .length = r.length,
              .diam = r.diam};
    if (r.name.empty()) throw InputError({}, key, "a section needs a name");
    m.add(std::move(s));
    names.push_back(r.name);
  }
  if (m.empty()) throw InputError({}, "sections", "a morphology needs at least one section");
  return m;
}

}  // namespace engram::dendrites
