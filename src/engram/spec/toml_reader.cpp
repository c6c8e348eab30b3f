#include "engram/spec/toml_reader.hpp"

#include <cmath>

#include <fmt/format.h>

namespace engram {
namespace {

std::string describe(const toml::node& n) {
  if (auto s = n.as_string()) return fmt::format("\"{}\"", s->get());
  if (auto i = n.as_integer()) return std::to_string(i->get());
  if (auto f = n.as_floating_point()) return fmt::format("{:g}", f->get());
  if (n.is_boolean()) return n.as_boolean()->get() ? "true" : "false";
  if (n.is_table()) return "a table";
  if (n.is_array()) return "an array";
  return "a value";
}

std::string example_of(Dim dim) {
  switch (dim) {
    case Dim::time:
      return "\"20 ms\"";
    case Dim::voltage:
      return "\"-65 mV\"";
    case Dim::current:
      return "\"100 pA\"";
    case Dim::conductance:
      return "\"6 nS\"";
    case Dim::capacitance:
      return "\"250 pF\"";
    case Dim::frequency:
      return "\"10 Hz\"";
    case Dim::length:
      return "\"100 um\"";
    case Dim::resistance:
      return "\"100 MOhm\"";
    case Dim::velocity:
      return "\"0.5 m/s\"";
    case Dim::none:
      return "a number";
  }
  return "";
}

}  // namespace

SourceLocation location_of(const toml::node* node, const ReadContext& ctx) {
  SourceLocation loc{ctx.file, 0, 0};
  // values put in by --set carry no source; blame the override, not the model file
  if (node && !node->source().path) return SourceLocation{"--set", 0, 0};
  if (node) {
    loc.line = node->source().begin.line;
    loc.column = node->source().begin.column;
  }
  return loc;
}

TableReader::TableReader(const toml::table& table, std::string path, ReadContext& ctx)
    : table_(table), path_(std::move(path)), ctx_(ctx) {}

std::string TableReader::key_path(std::string_view key) const {
  if (key.empty()) return path_;
  if (path_.empty()) return std::string(key);
  return path_ + "." + std::string(key);
}

const toml::node* TableReader::node(std::string_view key) {
  known_.insert(std::string(key));
  return table_.get(key);
}

SourceLocation TableReader::where(std::string_view key) const {
  const toml::node* n = key.empty() ? nullptr : table_.get(key);
  return location_of(n ? n : &table_, ctx_);
}

void TableReader::fail(std::string_view key, const std::string& message) const {
  throw InputError(where(key), key_path(key), message);
}

void TableReader::fail_at(const toml::node& n, std::string_view key,
                          const std::string& message) const {
  throw InputError(location_of(&n, ctx_), key_path(key), message);
}

double TableReader::quantity_at(const toml::node& n, std::string_view key, Dim dim) const {
  return quantity_of(n, key, dim);
}

std::string TableReader::string(std::string_view key, std::optional<std::string> fallback) {
  const toml::node* n = node(key);
  if (!n) {
    if (fallback) return *fallback;
    fail(key, "is required (a string)");
  }
  if (auto s = n->as_string()) return s->get();
  fail(key, "expected a string, got " + describe(*n));
}

bool TableReader::boolean(std::string_view key, bool fallback) {
  const toml::node* n = node(key);
  if (!n) return fallback;
  if (auto b = n->as_boolean()) return b->get();
  fail(key, "expected true or false, got " + describe(*n));
}

int64_t TableReader::integer(std::string_view key, std::optional<int64_t> fallback) {
  const toml::node* n = node(key);
  if (!n) {
    if (fallback) return *fallback;
    fail(key, "is required (an integer)");
  }
  if (auto i = n->as_integer()) return i->get();
  if (auto f = n->as_floating_point();
      f && std::floor(f->get()) == f->get() && std::fabs(f->get()) < 9e15)
    return static_cast<int64_t>(f->get());
  fail(key, "expected an integer, got " + describe(*n));
}

double TableReader::quantity_of(const toml::node& n, std::string_view key, Dim dim) const {
  const auto unit = canonical_unit(dim);
  const std::string expected = dim == Dim::none
                                   ? std::string("a number")
                                   : fmt::format("a {} such as {} (bare numbers are in {})",
                                                 dimension_name(dim), example_of(dim), unit);
  if (auto i = n.as_integer()) return static_cast<double>(i->get());
  if (auto f = n.as_floating_point()) {
    if (!std::isfinite(f->get())) fail_at(n, key, "must be finite, got " + describe(n));
    return f->get();
  }
  if (auto s = n.as_string()) {
    auto q = parse_quantity(s->get());
    if (!q)
      fail_at(n, key,
              fmt::format("expected {}, got {} (not a number with a known unit)", expected,
                          describe(n)));
    if (q->dim != dim && q->dim != Dim::none)
      fail_at(
          n, key,
          fmt::format("expected {}, got a {} {}", expected, dimension_name(q->dim), describe(n)));
    return q->value;
  }
  fail_at(n, key, fmt::format("expected {}, got {}", expected, describe(n)));
}

double TableReader::quantity(std::string_view key, Dim dim, std::optional<double> fallback) {
  const toml::node* n = node(key);
  if (!n) {
    if (fallback) return *fallback;
    fail(key, fmt::format("is required ({})", dim == Dim::none ? std::string("a number")
                                                               : std::string(dimension_name(dim))));
  }
  return quantity_of(*n, key, dim);
}

double TableReader::parameter(std::string_view key, const ParamSpec& spec) {
  double v = quantity(key, spec.dim, spec.default_value);
  if (!spec.admits(v))
    fail(key, fmt::format("must be {}, got {}", spec.range_text(), format_quantity(v, spec.dim)));
  return v;
}

Distribution TableReader::distribution(std::string_view key, Dim dim,
                                       std::optional<double> fallback) {
  const toml::node* n = node(key);
  if (!n) {
    if (fallback) return Distribution{Distribution::Kind::constant, *fallback, 0};
    fail(key, "is required");
  }
  if (!n->is_table())
    return Distribution{Distribution::Kind::constant, quantity_of(*n, key, dim), 0};
  TableReader t(*n->as_table(), key_path(key), ctx_);
  const char* kinds[] = {"normal", "lognormal", "uniform"};
  int found = -1;
  for (int i = 0; i < 3; ++i)
    if (t.has(kinds[i])) {
      if (found >= 0) fail(key, "give exactly one of normal, lognormal, uniform");
      found = i;
    }
  if (found < 0) {
    std::string got = t.table().empty() ? std::string("an empty table")
                                        : std::string(t.table().begin()->first.str());
    std::vector<std::string> names = {"normal", "lognormal", "uniform"};
    auto hint = did_you_mean(got, names);
    fail(key, "expected a value or a table with one of normal, lognormal, uniform; got '" + got +
                  "'" + (hint.empty() ? "" : "; " + hint));
  }
  Distribution d;
  const toml::node* body = t.node(kinds[found]);
  std::string sub = kinds[found];
  if (found == 2 && body->is_array()) {
    auto& arr = *body->as_array();
    if (arr.size() != 2) t.fail(sub, "expected [low, high]");
    d.kind = Distribution::Kind::uniform;
    d.a = t.quantity_of(arr[0], sub, dim);
    d.b = t.quantity_of(arr[1], sub, dim);
  } else {
    if (!body->is_table()) t.fail(sub, "expected a table");
    TableReader b(*body->as_table(), t.key_path(sub), ctx_);
    if (found == 0) {
      d.kind = Distribution::Kind::normal;
      d.a = b.quantity("mean", dim);
      d.b = b.quantity("sd", dim);
      if (d.b < 0) b.fail("sd", "must be >= 0");
    } else if (found == 1) {
      d.kind = Distribution::Kind::lognormal;
      d.a = b.quantity("median", dim);
      d.b = b.quantity("sigma", Dim::none);
      if (d.a <= 0) b.fail("median", "must be > 0");
      if (d.b < 0) b.fail("sigma", "must be >= 0");
    } else {
      d.kind = Distribution::Kind::uniform;
      d.a = b.quantity("low", dim);
      d.b = b.quantity("high", dim);
    }
    b.finish();
  }
  if (d.kind == Distribution::Kind::uniform && d.b < d.a) t.fail(sub, "high must not be below low");
  t.finish();
  return d;
}

std::vector<double> TableReader::quantity_list(std::string_view key, Dim dim) {
  const toml::node* n = node(key);
  if (!n) fail(key, "is required (a list)");
  const auto* arr = n->as_array();
  if (!arr) fail(key, "expected a list, got " + describe(*n));
  std::vector<double> out;
  out.reserve(arr->size());
  for (const auto& e : *arr) out.push_back(quantity_of(e, key, dim));
  return out;
}

std::vector<uint32_t> TableReader::index_list(std::string_view key, uint32_t limit) {
  const toml::node* n = node(key);
  if (!n) return {};
  const auto* arr = n->as_array();
  if (!arr) fail(key, "expected a list of neuron indices, got " + describe(*n));
  std::vector<uint32_t> out;
  for (const auto& e : *arr) {
    auto i = e.as_integer();
    if (!i || i->get() < 0 || i->get() >= limit)
      fail(key, fmt::format("expected neuron indices in [0, {}), got {}", limit, describe(e)));
    out.push_back(static_cast<uint32_t>(i->get()));
  }
  return out;
}

TableReader TableReader::subtable(std::string_view key) {
  const toml::node* n = node(key);
  if (!n || !n->is_table())
    fail(key, n ? "expected a table, got " + describe(*n) : "is required (a table)");
  return TableReader(*n->as_table(), key_path(key), ctx_);
}

void TableReader::finish() const {
  for (const auto& [k, v] : table_) {
    std::string key(k.str());
    if (known_.count(key)) continue;
    auto hint = did_you_mean(key, known_);
    throw InputError(location_of(&v, ctx_), key_path(key),
                     "unknown key" + (hint.empty() ? std::string() : "; " + hint));
  }
}

}  // namespace engram
