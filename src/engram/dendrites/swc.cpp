#include "engram/dendrites/swc.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include <fmt/format.h>

#include "engram/core/error.hpp"

namespace engram::dendrites {
namespace {

constexpr const char* kFieldNames[] = {"id", "type", "x", "y", "z", "radius", "parent"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) ++i;
    if (i >= s.size()) break;
    size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t' && s[j] != '\r') ++j;
    out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

class Reader {
 public:
  explicit Reader(const std::string& file) : file_(file) {}

  [[noreturn]] void fail(uint32_t line, const std::string& key, const std::string& message) const {
    throw InputError({file_, line, 0}, key, message);
  }

  double number(std::string_view token, size_t field, uint32_t line) const {
    double value = 0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (ec != std::errc() || end != token.data() + token.size() || !std::isfinite(value))
      fail(line, "",
           fmt::format("field {} ({}) must be a number, got '{}'", field + 1, kFieldNames[field],
                       token));
    return value;
  }

  long integer(std::string_view token, size_t field, uint32_t line) const {
    const double value = number(token, field, line);
    if (value != std::floor(value) || std::fabs(value) > 9e15)
      fail(line, "",
           fmt::format("field {} ({}) must be an integer, got '{}'", field + 1, kFieldNames[field],
                       token));
    return static_cast<long>(value);
  }

  std::vector<SwcSample> samples(std::string_view text) const {
    std::vector<SwcSample> out;
    std::unordered_map<long, uint32_t> line_of;
    uint32_t line = 0;
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t eol = text.find('\n', pos);
      if (eol == std::string_view::npos) eol = text.size();
      std::string_view l = text.substr(pos, eol - pos);
      pos = eol + 1;
      ++line;
      if (const size_t hash = l.find('#'); hash != std::string_view::npos) l = l.substr(0, hash);
      l = trim(l);
      if (l.empty()) continue;
      const auto f = split(l);
      if (f.size() != 7)
        fail(line, "",
             fmt::format("expected 7 fields (id type x y z radius parent), got {}", f.size()));
      SwcSample s;
      s.line = line;
      s.id = integer(f[0], 0, line);
      s.type = static_cast<int>(integer(f[1], 1, line));
      s.x = number(f[2], 2, line);
      s.y = number(f[3], 3, line);
      s.z = number(f[4], 4, line);
      s.radius = number(f[5], 5, line);
      s.parent = integer(f[6], 6, line);
      const std::string key = fmt::format("sample {}", s.id);
      if (s.id < 0) fail(line, "", fmt::format("sample id must be >= 0, got {}", s.id));
      if (const auto it = line_of.find(s.id); it != line_of.end())
        fail(
            line, key,
            fmt::format("duplicate id: sample {} is defined on line {} already", s.id, it->second));
      line_of[s.id] = line;
      if (s.type < 0)
        fail(line, key,
             fmt::format("sample type must be 0-7 (standard) or >= 8 (custom), got {}", s.type));
      if (!(s.radius > 0)) fail(line, key, fmt::format("radius must be > 0 um, got {}", s.radius));
      if (s.parent < -1)
        fail(line, key, fmt::format("parent must be -1 (root) or a sample id, got {}", s.parent));
      if (s.parent == s.id) fail(line, key, "a cycle: the sample is its own parent");
      out.push_back(s);
      if (eol == text.size()) break;
    }
    if (out.empty()) fail(0, "", "no samples: an SWC file needs at least one sample line");
    return out;
  }

 private:
  std::string file_;
};

SectionType type_of(int swc_type) {
  switch (swc_type) {
    case 0:
      return SectionType::undefined;
    case 1:
      return SectionType::soma;
    case 2:
      return SectionType::axon;
    case 3:
      return SectionType::basal;
    case 4:
      return SectionType::apical;
    default:
      return SectionType::custom;
  }
}

std::string base_name(int swc_type) {
  switch (swc_type) {
    case 0:
      return "undefined";
    case 1:
      return "soma";
    case 2:
      return "axon";
    case 3:
      return "dend";
    case 4:
      return "apic";
    case 5:
      return "fork";
    case 6:
      return "end";
    case 7:
      return "custom";
    default:
      return fmt::format("type{}", swc_type);
  }
}

double dist(const SwcSample& a, const SwcSample& b) {
  return std::hypot(a.x - b.x, a.y - b.y, a.z - b.z);
}

Point3 point(const SwcSample& s, double diam) {
  return {s.x, s.y, s.z, diam};
}

}  // namespace

SwcMorphology parse_swc(std::string_view text, const std::string& file) {
  const Reader reader(file);
  SwcMorphology out;
  out.samples = reader.samples(text);
  const auto& smp = out.samples;
  const size_t n = smp.size();

  // --- the tree: parents present, one root, no cycles --------------------------------------
  std::unordered_map<long, size_t> index;
  for (size_t i = 0; i < n; ++i) index[smp[i].id] = i;
  std::vector<std::vector<size_t>> children(n);
  std::vector<long> parent(n, -1);  // sample index of the parent, -1 for a root
  size_t root = n;
  for (size_t i = 0; i < n; ++i) {
    const SwcSample& s = smp[i];
    if (s.parent == -1) {
      if (root != n)
        reader.fail(s.line, fmt::format("sample {}", s.id),
                    fmt::format("a second root (parent -1): sample {} on line {} is one already; "
                                "the samples must form one connected tree",
                                smp[root].id, smp[root].line));
      root = i;
      continue;
    }
    const auto it = index.find(s.parent);
    if (it == index.end())
      reader.fail(s.line, fmt::format("sample {}", s.id),
                  fmt::format("parent {} is not a sample of the file", s.parent));
    parent[i] = static_cast<long>(it->second);
    children[it->second].push_back(i);
  }
  std::vector<char> reached(n, 0);
  if (root != n) {
    std::vector<size_t> stack{root};
    while (!stack.empty()) {
      const size_t i = stack.back();
      stack.pop_back();
      reached[i] = 1;
      for (size_t c : children[i]) stack.push_back(c);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (reached[i]) continue;
    // not reachable from the root although every parent exists: i leads into a cycle
    std::vector<size_t> path;
    std::vector<char> on_path(n, 0);
    size_t k = i;
    while (!on_path[k]) {
      on_path[k] = 1;
      path.push_back(k);
      k = static_cast<size_t>(parent[k]);
    }
    const auto start = std::find(path.begin(), path.end(), k);
    std::string cycle;
    for (auto p = start; p != path.end(); ++p) cycle += fmt::format("{} -> ", smp[*p].id);
    cycle += fmt::format("{}", smp[k].id);
    reader.fail(smp[k].line, fmt::format("sample {}", smp[k].id),
                fmt::format("a cycle of parents (child -> parent): {}{}", cycle,
                            root == n ? " (and no root sample with parent -1)" : ""));
  }

  // --- notes on what was assumed -------------------------------------------------------------
  std::set<int> noted;
  for (const auto& s : smp) {
    if (s.type >= 5 && noted.insert(s.type).second)
      out.notes.push_back(
          fmt::format("{}:{}: sample type {} is {}; its sections are of type 'custom' named {}[i]",
                      file, s.line, s.type,
                      s.type >= 8 ? "a custom type (not one of the standard 0-7)"
                                  : "a standard SWC type (5 fork, 6 end point, 7 custom) without a "
                                    "section type of its own",
                      base_name(s.type)));
  }

  // --- sections --------------------------------------------------------------------------------
  struct Pending {
    Section section;
    long first_sample;
  };
  std::vector<Pending> secs;
  std::vector<char> sphere(n, 0);  // samples of a spherical soma
  const SwcSample& r = smp[root];
  struct Start {
    size_t sample;
    int parent_section;
    double parent_x;
    bool from_sphere;  // the parent is the soma sphere: no point at the parent's position
  };
  std::vector<Start> todo;  // a stack

  auto chain_from = [&](size_t s, bool is_root) {
    std::vector<size_t> chain{s};
    size_t cur = s;
    for (;;) {
      const auto& ch = children[cur];
      size_t next = n;
      if (is_root && cur == s) {
        for (size_t c : ch)
          if (smp[c].type == smp[s].type) {
            next = c;
            break;
          }
      } else if (ch.size() == 1 && smp[ch[0]].type == smp[s].type) {
        next = ch[0];
      }
      if (next == n) break;
      chain.push_back(next);
      cur = next;
    }
    return chain;
  };
  auto push_children = [&](size_t of, int section, double x, bool from_sphere, size_t skip) {
    const auto& ch = children[of];
    for (auto it = ch.rbegin(); it != ch.rend(); ++it)
      if (*it != skip && !(from_sphere && sphere[*it]))
        todo.push_back({*it, section, x, from_sphere});
  };

  // The soma as a sphere: one soma sample, or the three-point soma.
  std::vector<size_t> soma_kids;
  for (size_t c : children[root])
    if (smp[c].type == 1) soma_kids.push_back(c);
  bool is_sphere = false;
  if (r.type == 1 && soma_kids.empty()) {
    is_sphere = true;
    out.notes.push_back(fmt::format(
        "{}:{}: a one-sample soma: a sphere of radius {} um, modelled as a cylinder of length = "
        "diameter = {} um",
        file, r.line, r.radius, 2 * r.radius));
  } else if (r.type == 1 && soma_kids.size() == 2) {
    bool three_point = true;
    for (size_t c : soma_kids) {
      bool soma_grandchild = false;
      for (size_t g : children[c]) soma_grandchild |= smp[g].type == 1;
      const double d = dist(smp[c], r);
      three_point &= !soma_grandchild && d > 0.5 * r.radius && d < 2.0 * r.radius;
    }
    if (three_point) {
      is_sphere = true;
      for (size_t c : soma_kids) sphere[c] = 1;
      out.notes.push_back(fmt::format(
          "{}:{}: a three-point soma (NeuroMorpho standard): a sphere of radius {} um, modelled "
          "as a cylinder of length = diameter = {} um",
          file, r.line, r.radius, 2 * r.radius));
    }
  }
  if (r.type != 1 && children[root].empty())
    reader.fail(r.line, fmt::format("sample {}", r.id),
                "a single sample that is not a soma: no section can be made");

  if (is_sphere) {
    sphere[root] = 1;
    secs.push_back({Section{.type = SectionType::soma,
                            .swc_type = 1,
                            .parent = -1,
                            .length = 2 * r.radius,
                            .diam = 2 * r.radius,
                            .line = r.line},
                    r.id});
    std::vector<size_t> soma_samples{root};
    soma_samples.insert(soma_samples.end(), soma_kids.begin(), soma_kids.end());
    for (auto it = soma_samples.rbegin(); it != soma_samples.rend(); ++it)
      if (sphere[*it]) push_children(*it, 0, 0.5, true, n);
  } else {
    const auto chain = chain_from(root, true);
    Section s{.type = type_of(r.type), .swc_type = r.type, .parent = -1, .line = r.line};
    if (chain.size() == 1) {  // a root sample without a child of its type: a sphere
      s.length = s.diam = 2 * r.radius;
      out.notes.push_back(
          fmt::format("{}:{}: the root sample has no child of its type: a sphere of radius {} um",
                      file, r.line, r.radius));
    } else {
      for (size_t k : chain) s.points.push_back(point(smp[k], 2 * smp[k].radius));
    }
    secs.push_back({std::move(s), r.id});
    if (chain.size() == 1) {
      sphere[root] = 1;
      push_children(root, 0, 0.5, true, n);
    } else {
      push_children(chain.back(), 0, 1.0, false, n);
      push_children(root, 0, 0.0, false, chain[1]);
    }
  }

  while (!todo.empty()) {
    const Start st = todo.back();
    todo.pop_back();
    const size_t first = st.sample;
    const auto chain = chain_from(first, false);
    const SwcSample& f = smp[first];
    const SwcSample& p = smp[static_cast<size_t>(parent[first])];
    Section s{.type = type_of(f.type),
              .swc_type = f.type,
              .parent = st.parent_section,
              .parent_x = st.parent_x,
              .line = f.line};
    if (!st.from_sphere || chain.size() == 1)
      s.points.push_back(
          point(p, p.type == f.type && !st.from_sphere ? 2 * p.radius : 2 * f.radius));
    for (size_t k : chain) s.points.push_back(point(smp[k], 2 * smp[k].radius));
    const int index = static_cast<int>(secs.size());
    secs.push_back({std::move(s), f.id});
    push_children(chain.back(), index, 1.0, false, n);
  }

  // --- names, then the checked morphology -------------------------------------------------------
  std::map<int, int> count, used;
  for (const auto& p : secs) ++count[p.section.swc_type];
  for (auto& p : secs) {
    const int t = p.section.swc_type;
    p.section.name = (t == 1 && count[1] == 1) ? std::string("soma")
                                               : fmt::format("{}[{}]", base_name(t), used[t]);
    ++used[t];
  }
  for (auto& p : secs) {
    const uint32_t line = p.section.line;
    try {
      out.morphology.add(std::move(p.section));
    } catch (const InputError& e) {
      reader.fail(line, fmt::format("sample {}", p.first_sample),
                  fmt::format("{}: {}", e.key_path(), e.message()));
    }
  }
  return out;
}

SwcMorphology load_swc(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError({path, 0, 0}, "", "cannot open the SWC file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_swc(ss.str(), path);
}

}  // namespace engram::dendrites
