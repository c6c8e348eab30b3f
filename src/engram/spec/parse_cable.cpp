#include "engram/spec/parse_cable.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "engram/dendrites/cable_population.hpp"
#include "engram/dendrites/swc.hpp"

namespace engram {
namespace {

using dendrites::SectionType;

// The tables of an array key (morphology = [...] or [[population.synapse]]) with readers.
std::vector<TableReader> table_list(TableReader& r, std::string_view key) {
  std::vector<TableReader> out;
  const toml::node* n = r.node(key);
  if (!n) return out;
  const auto* arr = n->as_array();
  if (!arr) r.fail(key, fmt::format("expected an array of tables ([[population.{}]])", key));
  for (size_t i = 0; i < arr->size(); ++i) {
    const auto* t = (*arr)[i].as_table();
    if (!t) r.fail(key, fmt::format("element {} is not a table", i));
    out.emplace_back(*t, fmt::format("{}[{}]", r.key_path(key), i), r.context());
  }
  return out;
}

std::vector<std::string> section_names(const dendrites::Morphology& m) {
  std::vector<std::string> names;
  for (const auto& s : m.sections()) names.push_back(s.name);
  return names;
}

int section_ref(TableReader& t, std::string_view key, const dendrites::Morphology& m) {
  const std::string name = t.string(key);
  const int s = m.find(name);
  if (s >= 0) return s;
  const auto names = section_names(m);
  std::string list;
  for (size_t k = 0; k < names.size() && k < 12; ++k) list += (list.empty() ? "" : ", ") + names[k];
  if (names.size() > 12) list += ", ...";
  const std::string hint = did_you_mean(name, names);
  t.fail(key, fmt::format("no section '{}' (the cell has: {}){}", name, list,
                          hint.empty() ? "" : "; " + hint));
}

double position(TableReader& t, std::string_view key, std::optional<double> fallback) {
  const double x = t.quantity(key, Dim::none, fallback);
  if (!(x >= 0 && x <= 1)) t.fail(key, fmt::format("must be in [0, 1], got {}", x));
  return x;
}

constexpr std::pair<std::string_view, SectionType> kTypes[] = {
    {"soma", SectionType::soma},    {"axon", SectionType::axon},   {"dend", SectionType::basal},
    {"basal", SectionType::basal},  {"apic", SectionType::apical}, {"apical", SectionType::apical},
    {"custom", SectionType::custom}};

SectionType type_of(TableReader& t, std::string_view key, const std::string& name) {
  std::vector<std::string_view> names;
  for (const auto& [n, ty] : kTypes) {
    if (n == name) return ty;
    names.push_back(n);
  }
  const std::string hint = did_you_mean(name, names);
  t.fail(key, fmt::format("expected one of soma, axon, dend (basal), apic (apical), custom; got "
                          "\"{}\"{}",
                          name, hint.empty() ? "" : "; " + hint));
}

// A parameter value: a number (constant) or {distance = [um...], value = [...]}, piecewise
// linear in the path distance from the root's centre, constant beyond the ends.
dendrites::ParamValue param_value(TableReader& p, const std::string& name) {
  const toml::node* n = p.node(name);
  if (!n->is_table()) return {.name = name, .value = p.quantity_at(*n, name, Dim::none)};
  TableReader t(*n->as_table(), p.key_path(name), p.context());
  std::vector<double> d = t.quantity_list("distance", Dim::length);
  std::vector<double> v = t.quantity_list("value", Dim::none);
  t.finish();
  if (d.empty() || d.size() != v.size())
    t.fail("value", fmt::format("needs as many values as distances (>= 1), got {} and {}", v.size(),
                                d.size()));
  for (size_t k = 1; k < d.size(); ++k)
    if (!(d[k] > d[k - 1])) t.fail("distance", "must increase strictly");
  return {.name = name, .of_distance = [d, v](double x) {
            if (x <= d.front()) return v.front();
            if (x >= d.back()) return v.back();
            const size_t k =
                static_cast<size_t>(std::upper_bound(d.begin(), d.end(), x) - d.begin());
            const double f = (x - d[k - 1]) / (d[k] - d[k - 1]);
            return v[k - 1] + f * (v[k] - v[k - 1]);
          }};
}

}  // namespace

void read_cable(TableReader& r, PopulationSpec& pop, double dt) {
  auto cp = std::make_shared<dendrites::CablePopulation>();
  dendrites::CellSpec& cell = cp->cell;
  if (r.has("init"))
    r.fail("init",
           "a cable cell starts at params.v_init with its mechanisms at steady state; "
           "`init` is not supported");
  const double cm = r.quantity("cm", Dim::none, 1.0);
  const double ra = r.quantity("Ra", Dim::none, 35.4);
  if (!(cm > 0)) r.fail("cm", fmt::format("must be > 0 uF/cm2, got {}", cm));
  if (!(ra > 0)) r.fail("Ra", fmt::format("must be > 0 ohm cm, got {}", ra));
  const double d_lambda = r.quantity("d_lambda", Dim::none, 0.1);
  if (!(d_lambda > 0)) r.fail("d_lambda", fmt::format("must be > 0, got {}", d_lambda));
  const dendrites::DLambda rule{.d_lambda = d_lambda};

  // --- morphology ---------------------------------------------------------------------------
  const bool has_table = r.has("morphology"), has_swc = r.has("swc");
  if (has_table == has_swc)
    r.fail(has_table ? "swc" : "model",
           has_table ? "give either `morphology` (a list of sections) or `swc`, not both"
                     : "a cable cell needs `morphology` (a list of sections) or `swc` (a file)");
  if (has_swc) {
    const std::string file = r.string("swc");
    const std::filesystem::path path = r.context().base_dir / file;
    if (!std::filesystem::exists(path))
      r.fail("swc", fmt::format("no such file: {}", path.string()));
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    r.context().extra_hash_input += text.str();
    dendrites::SwcMorphology swc = dendrites::load_swc(path.string());  // errors: file, line
    cell = dendrites::CellSpec(std::move(swc.morphology), {.cm = cm, .ra = ra});
    cell.apply_d_lambda(rule);
  } else {
    std::vector<TableReader> rows = table_list(r, "morphology");
    if (rows.empty()) r.fail("morphology", "needs at least one section");
    dendrites::Morphology m;
    std::vector<dendrites::SectionProperties> props;
    std::vector<int> nseg;
    for (size_t i = 0; i < rows.size(); ++i) {
      TableReader& t = rows[i];
      dendrites::Section s;
      s.name = t.string("name");
      if (m.find(s.name) >= 0) t.fail("name", fmt::format("duplicate section '{}'", s.name));
      s.type = t.has("type") ? type_of(t, "type", t.string("type"))
                             : (i == 0 ? SectionType::soma : SectionType::basal);
      if (i == 0) {
        if (t.has("parent"))
          t.fail("parent", "the first section is the root of the tree and has no parent");
        s.parent = -1;
      } else {
        s.parent = section_ref(t, "parent", m);
        s.parent_x = position(t, "parent_x", 1.0);
      }
      s.length = t.quantity("L", Dim::length);
      s.diam = t.quantity("diam", Dim::length);
      if (!(s.length > 0)) t.fail("L", fmt::format("must be > 0 um, got {}", s.length));
      if (!(s.diam > 0)) t.fail("diam", fmt::format("must be > 0 um, got {}", s.diam));
      dendrites::SectionProperties p{.cm = t.quantity("cm", Dim::none, cm),
                                     .ra = t.quantity("Ra", Dim::none, ra)};
      if (!(p.cm > 0)) t.fail("cm", fmt::format("must be > 0 uF/cm2, got {}", p.cm));
      if (!(p.ra > 0)) t.fail("Ra", fmt::format("must be > 0 ohm cm, got {}", p.ra));
      const int64_t n = t.integer("nseg", 0);
      if (n < 0 || n > 100000) t.fail("nseg", fmt::format("must be 1..100000, got {}", n));
      t.finish();
      try {
        m.add(s);
      } catch (const InputError& e) {
        t.fail("name", e.message());
      }
      props.push_back(p);
      nseg.push_back(static_cast<int>(n));
    }
    cell.morphology = std::move(m);
    cell.properties = props;
    for (size_t s = 0; s < props.size(); ++s)
      cell.properties[s].nseg =
          nseg[s] > 0
              ? nseg[s]
              : dendrites::d_lambda_nseg(cell.morphology[s], props[s].ra, props[s].cm, rule);
  }
  const dendrites::Morphology& m = cell.morphology;

  // --- mechanisms ---------------------------------------------------------------------------
  std::vector<std::string_view> mech_names;
  for (const auto* info : dendrites::all_mechanisms()) mech_names.push_back(info->name);
  for (TableReader& t : table_list(r, "mechanism")) {
    const std::string name = t.string("name");
    const dendrites::MechanismInfo* info = dendrites::find_mechanism(name);
    if (!info) {
      std::string list;
      for (auto n : mech_names) list += (list.empty() ? "" : ", ") + std::string(n);
      const std::string hint = did_you_mean(name, mech_names);
      t.fail("name", fmt::format("unknown mechanism '{}' (there are: {}){}", name, list,
                                 hint.empty() ? "" : "; " + hint));
    }
    dendrites::Region region;
    if (t.has("sections")) {
      const toml::node* n = t.node("sections");
      const auto* arr = n->as_array();
      if (!arr) t.fail("sections", "expected a list of section names");
      for (const auto& e : *arr) {
        const auto s = e.value<std::string>();
        if (!s) t.fail("sections", "expected a list of section names");
        const int idx = m.find(*s);
        if (idx < 0) {
          const std::string hint = did_you_mean(*s, section_names(m));
          t.fail("sections", fmt::format("no section '{}'{}", *s, hint.empty() ? "" : "; " + hint));
        }
        region.sections.push_back(idx);
      }
    }
    if (t.has("types")) {
      const auto* arr = t.node("types")->as_array();
      if (!arr) t.fail("types", "expected a list of section types (soma, axon, dend, apic)");
      for (const auto& e : *arr) {
        const auto s = e.value<std::string>();
        if (!s) t.fail("types", "expected a list of section types (soma, axon, dend, apic)");
        region.types.push_back(type_of(t, "types", *s));
      }
    }
    region.min_distance = t.quantity("min_distance", Dim::length, 0.0);
    region.max_distance = t.quantity("max_distance", Dim::length, kInf);
    std::vector<dendrites::ParamValue> params;
    if (t.has("params")) {
      TableReader p = t.subtable("params");
      std::vector<std::string_view> pnames;
      for (const auto& q : info->params) pnames.push_back(q.name);
      for (const auto& [k, v] : p.table()) {
        const std::string key(k.str());
        if (std::find(pnames.begin(), pnames.end(), key) == pnames.end()) {
          std::string list;
          for (auto n : pnames) list += (list.empty() ? "" : ", ") + std::string(n);
          const std::string hint = did_you_mean(key, pnames);
          throw InputError(location_of(&v, r.context()), p.key_path(key),
                           fmt::format("mechanism {} has no parameter '{}' (it has: {}){}",
                                       info->name, key, list, hint.empty() ? "" : "; " + hint));
        }
        params.push_back(param_value(p, key));
      }
      p.finish();
    }
    t.finish();
    try {
      dendrites::CellSpec probe(m, {});
      probe.properties = cell.properties;
      probe.insert(name, region, params);
      dendrites::CableCell check(probe, dt);
    } catch (const InputError& e) {
      // a parameter out of range somewhere on the tree: point at the parameter
      const std::string& key = e.key_path();
      const std::string param = key.substr(key.rfind('.') + 1);
      if (key.rfind('.') != std::string::npos && t.has("params")) {
        TableReader p = t.subtable("params");
        if (p.has(param)) p.fail(param, e.message());
      }
      t.fail("name", e.message());
    }
    cell.insert(name, region, std::move(params));
  }

  // --- synapse sites: the receptor ports ------------------------------------------------------
  for (TableReader& t : table_list(r, "synapse")) {
    const std::string name = t.string("name");
    if (std::find(cp->port_names.begin(), cp->port_names.end(), name) != cp->port_names.end())
      t.fail("name", fmt::format("duplicate synapse name '{}'", name));
    const std::string kind_name = t.string("kind", std::string("exp2"));
    dendrites::SynapseKind kind;
    if (!dendrites::parse_synapse_kind(kind_name, kind)) {
      const auto names = dendrites::synapse_kind_names();
      const std::string hint = did_you_mean(kind_name, names);
      t.fail("kind", fmt::format("expected ampa, nmda, gaba_a or exp2, got \"{}\"{}", kind_name,
                                 hint.empty() ? "" : "; " + hint));
    }
    dendrites::Synapse s = dendrites::Synapse::of_kind(kind);
    s.where = {section_ref(t, "section", m), position(t, "x", 0.5)};
    s.tau1 = t.quantity("tau1", Dim::time, s.tau1);
    s.tau2 = t.quantity("tau2", Dim::time, s.tau2);
    s.e = t.quantity("e", Dim::voltage, s.e);
    if (kind == dendrites::SynapseKind::nmda) s.mg = t.quantity("mg", Dim::none, s.mg);
    if (!(s.tau2 > 0)) t.fail("tau2", fmt::format("must be > 0 ms, got {}", s.tau2));
    if (!(s.tau1 >= 0 && s.tau1 <= s.tau2))
      t.fail("tau1", fmt::format("must be in [0, tau2 = {}] ms, got {}", s.tau2, s.tau1));
    if (!(s.mg >= 0)) t.fail("mg", fmt::format("must be >= 0 mM, got {}", s.mg));
    t.finish();
    cell.synapses.push_back(s);
    cp->port_names.push_back(name);
  }

  // --- spike site and probes ----------------------------------------------------------------
  cp->spike_site = {0, 0.5};
  if (r.has("spike_site")) {
    TableReader t = r.subtable("spike_site");
    cp->spike_site = {section_ref(t, "section", m), position(t, "x", 0.5)};
    t.finish();
  }
  // probes and voltage clamps name recordable states: not v (the spike site), not i_stim
  // (the injected current), not each other
  auto state_name = [&](TableReader& t) {
    const std::string name = t.string("name");
    if (name == "v" || name == "i_stim" ||
        std::find(cp->state_names.begin(), cp->state_names.end(), name) != cp->state_names.end())
      t.fail("name", fmt::format("'{}' is taken (v, i_stim, probes and clamps share the names of "
                                 "recordable states)",
                                 name));
    return name;
  };
  for (TableReader& t : table_list(r, "probe")) {
    const std::string name = state_name(t);
    cp->probes.push_back({name, {section_ref(t, "section", m), position(t, "x", 0.5)}});
    cp->state_names.push_back(name);
    t.finish();
  }

  cp->current_site = cp->spike_site;
  if (r.has("current_site")) {
    TableReader t = r.subtable("current_site");
    cp->current_site = {section_ref(t, "section", m), position(t, "x", 0.5)};
    t.finish();
  }

  // --- point processes: current and voltage clamps -----------------------------------------
  for (TableReader& t : table_list(r, "iclamp")) {
    dendrites::IClamp c;
    c.where = {section_ref(t, "section", m), position(t, "x", 0.5)};
    c.delay = t.quantity("delay", Dim::time, 0.0);
    c.dur = t.quantity("duration", Dim::time);
    c.amp = 1e-3 * t.quantity("amplitude", Dim::current);  // pA -> nA
    if (!(c.delay >= 0)) t.fail("delay", fmt::format("must be >= 0 ms, got {:g} ms", c.delay));
    if (!(c.dur >= 0)) t.fail("duration", fmt::format("must be >= 0 ms, got {:g} ms", c.dur));
    std::vector<uint32_t> neurons = t.index_list("neurons", pop.size);
    std::sort(neurons.begin(), neurons.end());
    t.finish();
    cp->iclamps.push_back({c, std::move(neurons)});
  }
  for (TableReader& t : table_list(r, "vclamp")) {
    const std::string name = state_name(t);
    dendrites::SEClamp c;
    c.where = {section_ref(t, "section", m), position(t, "x", 0.5)};
    c.rs = t.quantity("rs", Dim::resistance, 1.0);
    if (!(c.rs > 0)) t.fail("rs", fmt::format("must be > 0 MOhm, got {:g} MOhm", c.rs));
    const std::vector<double> levels = t.quantity_list("levels", Dim::voltage);
    const std::vector<double> durations = t.quantity_list("durations", Dim::time);
    if (levels.empty() || levels.size() > 3)
      t.fail("levels", fmt::format("expected 1 to 3 command potentials (NEURON's SEClamp holds "
                                   "amp1..amp3 in turn from t = 0), got {}",
                                   levels.size()));
    if (durations.size() != levels.size())
      t.fail("durations", fmt::format("needs one duration per level: {} levels, {} durations",
                                      levels.size(), durations.size()));
    for (size_t k = 0; k < levels.size(); ++k) {
      if (!(durations[k] >= 0))
        t.fail("durations", fmt::format("must be >= 0 ms, got {:g} ms", durations[k]));
      c.amp[k] = levels[k];
      c.dur[k] = durations[k];
    }
    std::vector<uint32_t> neurons = t.index_list("neurons", pop.size);
    std::sort(neurons.begin(), neurons.end());
    t.finish();
    cp->vclamps.push_back({c, std::move(neurons)});
    cp->state_names.push_back(name);
  }

  try {
    dendrites::CellSpec all = cell;  // every clamp, whichever members it is on
    for (const auto& k : cp->iclamps) all.iclamps.push_back(k.clamp);
    for (const auto& k : cp->vclamps) all.seclamps.push_back(k.clamp);
    dendrites::CableCell check(all, dt);
  } catch (const InputError& e) {
    r.fail("", e.key_path() + ": " + e.message());
  }
  cp->finish(*pop.model);
  pop.model = &cp->info;
  pop.cable = std::move(cp);
}

}  // namespace engram
