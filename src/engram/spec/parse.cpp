#include "engram/spec/parse.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "engram/core/random.hpp"
#include "engram/dendrites/cable_population.hpp"
#include "engram/plasticity/clopath_rule.hpp"
#include "engram/spec/list_files.hpp"
#include "engram/spec/parse_cable.hpp"
#include "engram/spec/toml_reader.hpp"

namespace engram {
namespace {

constexpr std::string_view kTopLevel[] = {"model",      "protocol",     "population", "reward",
                                          "projection", "gap_junction", "stimulus",   "record"};

uint64_t fnv1a(std::string_view s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// Elements of an array of tables ([[population]] ...) with their key path.
std::vector<std::pair<const toml::table*, std::string>> elements(const toml::table& root,
                                                                 std::string_view key,
                                                                 ReadContext& ctx) {
  std::vector<std::pair<const toml::table*, std::string>> out;
  const toml::node* n = root.get(key);
  if (!n) return out;
  const auto* arr = n->as_array();
  if (!arr)
    throw InputError(location_of(n, ctx), std::string(key),
                     fmt::format("expected an array of tables ([[{}]]), got a single value or "
                                 "table; write [[{}]]",
                                 key, key));
  for (size_t i = 0; i < arr->size(); ++i) {
    const auto* t = (*arr)[i].as_table();
    if (!t)
      throw InputError(location_of(&(*arr)[i], ctx), fmt::format("{}[{}]", key, i),
                       "expected a table");
    std::string label = fmt::format("{}[{}]", key, i);
    if (auto nm = t->get_as<std::string>("name")) label = fmt::format("{} '{}'", key, nm->get());
    out.emplace_back(t, label);
  }
  return out;
}

ProtocolSpec read_protocol(const toml::table& root, ReadContext& ctx) {
  const toml::node* n = root.get("protocol");
  if (!n)
    throw InputError(SourceLocation{ctx.file, 1, 0}, "protocol",
                     "missing section [protocol] (dt, duration, seed)");
  if (!n->is_table()) throw InputError(location_of(n, ctx), "protocol", "expected a table");
  TableReader r(*n->as_table(), "protocol", ctx);
  ProtocolSpec p;
  p.dt = r.quantity("dt", Dim::time, 0.1);
  if (!(p.dt > 0) || p.dt > 10)
    r.fail("dt", fmt::format("must be in (0, 10] ms, got {:g} ms", p.dt));
  // phases run back to back; the duration is their sum unless given (then it must agree)
  if (r.has("phase")) {
    r.node("phase");
    double t = 0;
    for (auto& [pt, label] : elements(*n->as_table(), "phase", ctx)) {
      TableReader ph(*pt, "protocol." + label, ctx);
      PhaseSpec phase;
      phase.name = ph.string("name", fmt::format("phase{}", p.phases.size()));
      const double d = ph.quantity("duration", Dim::time);
      if (!(d > 0)) ph.fail("duration", fmt::format("must be > 0 ms, got {:g} ms", d));
      phase.plasticity = ph.quantity("plasticity", Dim::none, 1.0);
      if (!(phase.plasticity >= 0))
        ph.fail("plasticity",
                fmt::format("must be >= 0 (a factor on every weight change; 0 freezes), got {:g}",
                            phase.plasticity));
      for (const auto& other : p.phases)
        if (other.name == phase.name)
          ph.fail("name", fmt::format("phase '{}' is defined twice", phase.name));
      phase.start = t;
      t += d;
      phase.stop = t;
      ph.finish();
      p.phases.push_back(phase);
    }
    if (p.phases.empty()) r.fail("phase", "expected at least one [[protocol.phase]]");
    p.duration = r.quantity("duration", Dim::time, t);
    if (std::fabs(p.duration - t) > 1e-9 * t)
      r.fail("duration", fmt::format("is {:g} ms but the phases add up to {:g} ms; give one or "
                                     "make them agree",
                                     p.duration, t));
  } else {
    p.duration = r.quantity("duration", Dim::time);
  }
  if (!(p.duration > 0)) r.fail("duration", fmt::format("must be > 0 ms, got {:g} ms", p.duration));
  if (p.duration / p.dt > 1e12) r.fail("duration", "is too many time steps");
  int64_t seed = r.integer("seed", 1);
  if (seed < 0) r.fail("seed", "must be >= 0");
  p.seed = static_cast<uint64_t>(seed);
  p.integrator = r.string("integrator", std::string("auto"));
  const int64_t threads = r.integer("threads", 1);
  if (threads < 1 || threads > 1024)
    r.fail("threads", fmt::format("must be in [1, 1024], got {}", threads));
  p.threads = static_cast<uint32_t>(threads);
  r.finish();
  return p;
}

// Names become file names (spikes/<population>.npy, runs/<model>) and --set paths, so they
// are restricted to letters, digits, '_' and '-', starting with a letter or '_'.
bool usable_name(std::string_view s) {
  if (s.empty() || s.size() > 100) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(s[0])) return false;
  for (char c : s)
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '-') return false;
  return true;
}

void check_name(TableReader& r, std::string_view key, const std::string& name) {
  if (!usable_name(name))
    r.fail(key, fmt::format("\"{}\" is not a usable name: use letters, digits, '_' and '-', "
                            "starting with a letter or '_' (it becomes a file name)",
                            name));
}

std::vector<std::string> population_names(const ModelSpec& m) {
  std::vector<std::string> names;
  for (const auto& p : m.populations) names.push_back(p.name);
  return names;
}

int population_ref(TableReader& r, std::string_view key, const ModelSpec& m) {
  std::string name = r.string(key);
  int idx = m.population_index(name);
  if (idx < 0) {
    auto hint = did_you_mean(name, population_names(m));
    r.fail(key, fmt::format("unknown population '{}'{}", name, hint.empty() ? "" : "; " + hint));
  }
  return idx;
}

void read_spike_times(TableReader& r, PopulationSpec& pop) {
  const bool has_list = r.has("spike_times"), has_file = r.has("spike_file");
  if (has_list && has_file) r.fail("spike_file", "give spike_times or spike_file, not both");
  if (!has_list && !has_file)
    r.fail("spike_times", "is required for a spike_source (or spike_file)");
  if (has_file) {
    std::string file = r.string("spike_file");
    pop.spike_times =
        read_spike_time_file(r.context().base_dir / file, pop.size, r.where("spike_file"),
                             r.key_path("spike_file"), r.context().extra_hash_input);
    return;
  }
  const toml::node* n = r.node("spike_times");
  const auto* arr = n->as_array();
  if (!arr) r.fail("spike_times", "expected a list of times, or a list of lists (one per neuron)");
  bool nested = !arr->empty() && (*arr)[0].is_array();
  if (!nested) {
    if (pop.size != 1)
      r.fail("spike_times", fmt::format("a single list is only for a population of size 1; give "
                                        "{} lists, one per neuron",
                                        pop.size));
    pop.spike_times.push_back(r.quantity_list("spike_times", Dim::time));
  } else {
    if (arr->size() != pop.size)
      r.fail("spike_times",
             fmt::format("expected {} lists (one per neuron), got {}", pop.size, arr->size()));
    for (const auto& e : *arr) {
      const auto* inner = e.as_array();
      if (!inner) r.fail("spike_times", "expected a list of lists");
      std::vector<double> times;
      for (const auto& t : *inner) times.push_back(r.quantity_at(t, "spike_times", Dim::time));
      pop.spike_times.push_back(std::move(times));
    }
  }
  for (size_t i = 0; i < pop.spike_times.size(); ++i) {
    const auto& t = pop.spike_times[i];
    for (size_t j = 0; j < t.size(); ++j) {
      if (t[j] < 0)
        r.fail("spike_times",
               fmt::format("neuron {}: spike times must be >= 0 ms, got {:g} ms", i, t[j]));
      if (j > 0 && t[j] < t[j - 1])
        r.fail("spike_times", fmt::format("neuron {}: spike times must be increasing, got {:g} ms "
                                          "after {:g} ms",
                                          i, t[j], t[j - 1]));
    }
  }
}

uint32_t gid_offset(const ModelSpec& m) {
  uint32_t off = 0;
  for (const auto& p : m.populations) off += p.size;
  return off;
}

// Neuron positions: on a grid (cell centres) or uniformly at random in a box, in um.
void read_space(TableReader& sp, PopulationSpec& pop, uint64_t seed, uint32_t index,
                uint32_t gid0) {
  const std::string layout = sp.string("layout");
  const std::vector<double> extent = sp.quantity_list("extent", Dim::length);
  if (extent.size() < 1 || extent.size() > 3)
    sp.fail("extent", fmt::format("expected 1 to 3 lengths (x, y, z), got {}", extent.size()));
  for (double e : extent)
    if (!(e > 0)) sp.fail("extent", fmt::format("lengths must be > 0 um, got {:g} um", e));
  for (size_t k = 0; k < extent.size(); ++k) pop.extent[k] = extent[k];
  pop.periodic = sp.boolean("periodic", false);
  pop.positions.assign(pop.size, {0, 0, 0});
  if (layout == "grid") {
    const toml::node* n = sp.node("shape");
    const auto* arr = n ? n->as_array() : nullptr;
    if (!arr || arr->size() != extent.size())
      sp.fail("shape", fmt::format("expected {} numbers of grid points, one per axis of extent",
                                   extent.size()));
    std::array<uint64_t, 3> shape{1, 1, 1};
    uint64_t product = 1;
    for (size_t k = 0; k < arr->size(); ++k) {
      auto v = (*arr)[k].as_integer();
      if (!v || v->get() < 1) sp.fail("shape", "grid points per axis must be integers >= 1");
      shape[k] = static_cast<uint64_t>(v->get());
      product *= shape[k];
    }
    if (product != pop.size)
      sp.fail("shape", fmt::format("the grid holds {} points but the population has {} neurons",
                                   product, pop.size));
    for (uint32_t i = 0; i < pop.size; ++i) {
      uint64_t rest = i;
      for (size_t k = 0; k < extent.size(); ++k) {
        const uint64_t c = rest % shape[k];
        rest /= shape[k];
        pop.positions[i][k] =
            (static_cast<double>(c) + 0.5) * extent[k] / static_cast<double>(shape[k]);
      }
    }
  } else if (layout == "random") {
    for (uint32_t i = 0; i < pop.size; ++i) {
      RandomStream r(seed, purpose_word(Purpose::position, index), gid0 + i);
      for (size_t k = 0; k < extent.size(); ++k) pop.positions[i][k] = r.uniform() * extent[k];
    }
  } else {
    sp.fail("layout", "expected \"grid\" or \"random\", got \"" + layout + "\"");
  }
}

DistanceProfile read_profile(TableReader& c) {
  DistanceProfile prof;
  TableReader t = c.subtable("profile");
  int found = 0;
  if (t.has("gaussian")) {
    TableReader g = t.subtable("gaussian");
    prof.kind = DistanceProfile::Kind::gaussian;
    prof.scale = g.quantity("sigma", Dim::length);
    if (!(prof.scale > 0)) g.fail("sigma", "must be > 0 um");
    g.finish();
    ++found;
  }
  if (t.has("exponential")) {
    TableReader x = t.subtable("exponential");
    prof.kind = DistanceProfile::Kind::exponential;
    prof.scale = x.quantity("lambda", Dim::length);
    if (!(prof.scale > 0)) x.fail("lambda", "must be > 0 um");
    x.finish();
    ++found;
  }
  if (t.has("custom")) {
    TableReader u = t.subtable("custom");
    prof.kind = DistanceProfile::Kind::custom;
    prof.distances = u.quantity_list("distances", Dim::length);
    prof.values = u.quantity_list("values", Dim::none);
    if (prof.distances.empty() || prof.distances.size() != prof.values.size())
      u.fail("values", fmt::format("needs one value per distance: {} distances, {} values",
                                   prof.distances.size(), prof.values.size()));
    for (size_t k = 0; k < prof.distances.size(); ++k) {
      if (k > 0 && !(prof.distances[k] > prof.distances[k - 1]))
        u.fail("distances", "must be strictly increasing");
      if (!(prof.values[k] >= 0 && prof.values[k] <= 1))
        u.fail("values", fmt::format("multipliers must be in [0, 1], got {:g}", prof.values[k]));
    }
    u.finish();
    ++found;
  }
  if (found != 1) c.fail("profile", "give exactly one of gaussian, exponential, custom");
  if (t.has("cutoff")) {
    prof.cutoff = t.quantity("cutoff", Dim::length);
    if (!(prof.cutoff > 0))
      t.fail("cutoff", fmt::format("must be > 0 um, got {:g} um", prof.cutoff));
  }
  t.finish();
  return prof;
}

// The population's `preset`, if it names one: a published parameter set of its model.
const Preset* read_preset(TableReader& r, const ModelInfo& model) {
  if (!r.has("preset")) return nullptr;
  const std::string name = r.string("preset");
  if (const Preset* p = find_preset(model, name)) return p;
  if (model.presets.empty())
    r.fail("preset",
           fmt::format("model {} has no presets; give its parameters in `params`", model.name));
  std::vector<std::string_view> names;
  std::string list;
  for (const auto& p : model.presets) {
    names.push_back(p.name);
    list += (list.empty() ? "" : ", ") + std::string(p.name);
  }
  const auto hint = did_you_mean(name, names);
  r.fail("preset", fmt::format("unknown preset '{}' of model {}{}; the presets are: {}", name,
                               model.name, hint.empty() ? "" : "; " + hint, list));
}

PopulationSpec read_population(TableReader& r, const ModelSpec& m) {
  PopulationSpec pop;
  pop.origin = r.origin();
  pop.name = r.string("name");
  check_name(r, "name", pop.name);
  if (m.population_index(pop.name) >= 0)
    r.fail("name", "duplicate population name '" + pop.name + "'");
  int64_t size = r.integer("size");
  if (size <= 0)
    r.fail("size", fmt::format("a population needs at least one neuron, got {}", size));
  if (size > 2'000'000'000) r.fail("size", "is too large");
  pop.size = static_cast<uint32_t>(size);
  std::string model = r.string("model");
  pop.model = find_model(model);
  if (!pop.model) {
    std::vector<std::string_view> names;
    for (const auto* mi : all_models()) names.push_back(mi->name);
    auto hint = did_you_mean(model, names);
    r.fail("model", fmt::format("unknown model '{}'{} (`engram models` lists them)", model,
                                hint.empty() ? "" : "; " + hint));
  }
  std::string kind = r.string("kind", std::string("unspecified"));
  if (kind == "excitatory")
    pop.kind = CellKind::excitatory;
  else if (kind == "inhibitory")
    pop.kind = CellKind::inhibitory;
  else if (kind != "unspecified")
    r.fail("kind",
           "expected \"excitatory\", \"inhibitory\" or \"unspecified\", got \"" + kind + "\"");

  if (pop.model->name == "cable") read_cable(r, pop, m.protocol.dt);

  // parameters: the model's defaults, overridden by the preset, overridden by `params`
  const auto& specs = pop.model->params;
  const Preset* preset = read_preset(r, *pop.model);
  std::vector<double> base;
  for (const auto& s : specs) base.push_back(s.default_value);
  if (preset) {
    pop.preset = preset->name;
    for (const auto& [name, value] : preset->params)
      base[static_cast<size_t>(find_index(specs, name))] = value;
  }
  if (r.has("params")) {
    TableReader p = r.subtable("params");
    for (size_t i = 0; i < specs.size(); ++i) {
      ParamSpec s = specs[i];
      s.default_value = base[i];
      pop.params.push_back(p.parameter(s.name, s));
    }
    p.finish();
  } else {
    pop.params = base;
  }
  // initial state: `init`, else the preset's published initial state, else the table default
  if (r.has("init")) {
    TableReader in = r.subtable("init");
    for (size_t i = 0; i < pop.model->state.size(); ++i) {
      const auto& st = pop.model->state[i];
      in.allow(st.name);  // candidates for "did you mean"
      if (in.has(st.name))
        pop.init.emplace_back(static_cast<int>(i), in.distribution(st.name, st.dim));
    }
    in.finish();
  }
  if (preset)
    for (const auto& [name, value] : preset->init) {
      const int idx = find_index(pop.model->state, name);
      bool given = false;
      for (const auto& [k, d] : pop.init) given |= k == idx;
      if (!given) pop.init.emplace_back(idx, Distribution{Distribution::Kind::constant, value, 0});
    }
  // integrator: the population's own, else the protocol's, else the model's default
  const bool own = r.has("integrator");
  pop.integrator = r.string("integrator", m.protocol.integrator);
  if (pop.integrator == "auto") pop.integrator = pop.model->integrators[0];
  bool ok = false;
  for (auto name : pop.model->integrators) ok |= name == pop.integrator;
  if (!ok) {
    std::string list;
    for (auto name : pop.model->integrators) list += (list.empty() ? "" : ", ") + std::string(name);
    const std::string msg =
        fmt::format("model {} supports: {}; got \"{}\"", pop.model->name, list, pop.integrator);
    if (own) r.fail("integrator", msg);
    r.fail("model", msg + fmt::format(" from protocol.integrator (set integrator = \"auto\" there, "
                                      "or give population '{}' its own integrator)",
                                      pop.name));
  }
  if (pop.model->name == "spike_source") read_spike_times(r, pop);
  if (r.has("space")) {
    TableReader sp = r.subtable("space");
    read_space(sp, pop, m.protocol.seed, static_cast<uint32_t>(m.populations.size()),
               gid_offset(m));
    sp.finish();
  }
  r.finish();
  return pop;
}

void check_model_params(const PopulationSpec& pop, const ProtocolSpec& proto, ReadContext& ctx,
                        const toml::table& ptable) {
  ParamProblem problem = pop.model->check(pop.params, proto.dt);
  if (problem.key.empty()) return;
  const toml::node* where = &ptable;
  if (auto* params = ptable.get_as<toml::table>("params"))
    if (auto* n = params->get(problem.key)) where = n;
  throw InputError(location_of(where, ctx), pop.origin.key_path + ".params." + problem.key,
                   problem.message);
}

// A distance profile between two placed populations (fixed_probability, fixed-degree rules).
DistanceProfile read_placed_profile(TableReader& c, const ModelSpec& m,
                                    const ProjectionSpec& proj) {
  const auto& a = m.populations[proj.from];
  const auto& b = m.populations[proj.to];
  if (a.positions.empty() || b.positions.empty())
    c.fail("profile", fmt::format("needs both populations placed in space (a `space` table "
                                  "in population '{}')",
                                  a.positions.empty() ? a.name : b.name));
  if ((a.periodic || b.periodic) && a.extent != b.extent)
    c.fail("profile", "periodic boundaries need populations with the same extent");
  return read_profile(c);
}

ConnectSpec read_connect(TableReader& c, const ModelSpec& m, const ProjectionSpec& proj) {
  ConnectSpec spec;
  std::string rule = c.string("rule");
  const uint32_t n_pre = m.populations[proj.from].size, n_post = m.populations[proj.to].size;
  const bool same = proj.from == proj.to;
  if (rule == "all_to_all") {
    spec.rule = ConnectRule::all_to_all;
    spec.autapses = c.boolean("autapses", true);
  } else if (rule == "one_to_one") {
    spec.rule = ConnectRule::one_to_one;
    if (n_pre != n_post)
      c.fail("rule", fmt::format("one_to_one needs populations of equal size, got {} and {}", n_pre,
                                 n_post));
  } else if (rule == "fixed_probability") {
    spec.rule = ConnectRule::fixed_probability;
    spec.p = c.quantity("p", Dim::none);
    if (!(spec.p >= 0 && spec.p <= 1))
      c.fail("p", fmt::format("must be a probability in [0, 1], got {:g}", spec.p));
    spec.autapses = c.boolean("autapses", true);
    if (c.has("profile")) spec.profile = read_placed_profile(c, m, proj);
  } else if (rule == "fixed_indegree" || rule == "fixed_outdegree") {
    const bool in = rule == "fixed_indegree";
    spec.rule = in ? ConnectRule::fixed_indegree : ConnectRule::fixed_outdegree;
    int64_t k = c.integer("k");
    spec.autapses = c.boolean("autapses", true);
    spec.multapses = c.boolean("multapses", true);
    // targets (sources) drawn with probability proportional to profile(distance)
    if (c.has("profile")) spec.profile = read_placed_profile(c, m, proj);
    const uint32_t pool = in ? n_pre : n_post;
    if (k < 0) c.fail("k", fmt::format("must be >= 0, got {}", k));
    const int64_t avail = pool - ((same && !spec.autapses) ? 1 : 0);
    if (!spec.multapses && k > avail)
      c.fail("k", fmt::format("{} distinct {} are needed without multapses but only {} exist", k,
                              in ? "sources" : "targets", avail));
    if (avail <= 0 && k > 0) c.fail("k", "no candidate neurons to connect");
    spec.k = static_cast<uint32_t>(k);
  } else if (rule == "fixed_total_number") {
    spec.rule = ConnectRule::fixed_total_number;
    const int64_t n = c.integer("n");
    spec.autapses = c.boolean("autapses", true);
    spec.multapses = c.boolean("multapses", true);
    if (n < 0) c.fail("n", fmt::format("must be >= 0, got {}", n));
    const int64_t avail = static_cast<int64_t>(n_pre) - ((same && !spec.autapses) ? 1 : 0);
    if (avail <= 0 && n > 0) c.fail("n", "no candidate neurons to connect");
    if (!spec.multapses)
      c.fail("multapses",
             "fixed_total_number draws pairs with replacement; multapses = false "
             "is not supported (use fixed_probability or fixed_indegree)");
    if (n > 4'000'000'000LL) c.fail("n", "is more than 4 billion synapses; split the projection");
    spec.n = static_cast<uint64_t>(n);
  } else if (rule == "from_list" || rule == "from_file") {
    spec.rule = ConnectRule::from_list;
    std::string file = c.string("file");
    spec.list = read_connection_file(c.context().base_dir / file, n_pre, n_post, c.where("file"),
                                     c.key_path("file"), c.context().extra_hash_input);
  } else {
    std::vector<std::string> rules = {"all_to_all",     "one_to_one",      "fixed_probability",
                                      "fixed_indegree", "fixed_outdegree", "fixed_total_number",
                                      "from_file"};
    auto hint = did_you_mean(rule, rules);
    c.fail("rule",
           fmt::format("unknown connection rule '{}'{}", rule, hint.empty() ? "" : "; " + hint));
  }
  c.finish();
  return spec;
}

int receptor_ref(TableReader& r, std::string_view key, const ModelInfo& model,
                 std::string_view fallback) {
  std::string name = r.string(key, std::string(fallback));
  int idx = find_index(model.receptors, name);
  if (idx < 0) {
    std::vector<std::string_view> names;
    for (const auto& rc : model.receptors) names.push_back(rc.name);
    auto hint = did_you_mean(name, names);
    std::string list;
    for (auto n : names) list += (list.empty() ? "" : ", ") + std::string(n);
    r.fail(key, fmt::format("model {} has no receptor '{}' (it has: {}){}", model.name, name, list,
                            hint.empty() ? "" : "; " + hint));
  }
  return idx;
}

// The receptor a projection uses when it names none: "exc" ("inh" from an inhibitory
// population) or, for a model without those ports (lif_cond_receptors), its first port of the
// presynaptic population's sign (ampa, gaba_a).
std::string default_receptor(const ModelInfo& target, CellKind pre) {
  const std::string_view name = pre == CellKind::inhibitory ? "inh" : "exc";
  if (find_index(target.receptors, name) >= 0 || pre == CellKind::unspecified)
    return std::string(name);
  const ReceptorSign want =
      pre == CellKind::inhibitory ? ReceptorSign::inhibitory : ReceptorSign::excitatory;
  for (const auto& rc : target.receptors)
    if (rc.sign == want) return std::string(rc.name);
  return std::string(name);
}

// Dale's principle: a population declared excitatory (inhibitory) only excites (inhibits).
// A conductance port's effect is fixed by its reversal potential, so only the port is
// checked; on a current or voltage-jump port the weight's sign is the effect, so it must
// match too (a drawn weight keeps the sign of its distribution's mean). Ports signed
// `either` (McCulloch-Pitts) are judged by the weight alone. Weights read from a connection
// file are not checked.
void check_dale(TableReader& s, const PopulationSpec& pre, const ModelInfo& target,
                const ProjectionSpec& p) {
  const bool exc = pre.kind == CellKind::excitatory;
  const ReceptorSpec& rc = target.receptors[p.receptor];
  const std::string_view kind = exc ? "excitatory" : "inhibitory";
  const std::string how_to_allow =
      "; or set dale = false in this projection (or in [model]) to allow it";
  const ReceptorSign wrong = exc ? ReceptorSign::inhibitory : ReceptorSign::excitatory;
  if (rc.sign == wrong) {
    std::string fits;
    for (const auto& other : target.receptors)
      if (other.sign != wrong) fits += (fits.empty() ? "" : ", ") + std::string(other.name);
    s.fail("receptor",
           fmt::format("Dale's principle: population '{}' is {} but receptor '{}' of {} is {}; "
                       "expected {} receptor{}{}",
                       pre.name, kind, rc.name, target.name, exc ? "inhibitory" : "excitatory",
                       exc ? "an excitatory" : "an inhibitory",
                       fits.empty() ? "" : " (" + fits + ")", how_to_allow));
  }
  if (rc.weight_dim == Dim::conductance) return;
  const double w = p.weight.mean();
  const std::string_view unit = canonical_unit(rc.weight_dim);
  auto with_unit = [&](double x) {
    return unit.empty() ? fmt::format("{:g}", x) : fmt::format("{:g} {}", x, unit);
  };
  if (exc ? w < 0 : w > 0)
    s.fail("weight", fmt::format("Dale's principle: population '{}' is {}, so its weight on "
                                 "receptor '{}' must be {} {}, got {}{}",
                                 pre.name, kind, rc.name, exc ? ">=" : "<=", with_unit(0),
                                 with_unit(w), how_to_allow));
}

// One of `choices` for a string key; anything else is an error with "did you mean".
template <size_t N>
int choice(TableReader& r, std::string_view key, const std::array<std::string_view, N>& choices,
           std::string_view fallback) {
  const std::string v = r.string(key, std::string(fallback));
  for (size_t i = 0; i < N; ++i)
    if (choices[i] == v) return static_cast<int>(i);
  std::string list;
  for (auto c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
  const auto hint = did_you_mean(v, choices);
  r.fail(key,
         fmt::format("expected one of {}, got \"{}\"{}", list, v, hint.empty() ? "" : "; " + hint));
}

// synapse.stp: Tsodyks-Markram short-term plasticity.
StpSpec read_stp(TableReader& t) {
  StpSpec stp;
  stp.enabled = true;
  choice(t, "model", std::array<std::string_view, 1>{"tsodyks_markram"}, "tsodyks_markram");
  stp.u = t.quantity("U", Dim::none);
  if (!(stp.u > 0 && stp.u <= 1)) t.fail("U", fmt::format("must be in (0, 1], got {:g}", stp.u));
  stp.tau_rec = t.quantity("tau_rec", Dim::time);
  if (!(stp.tau_rec > 0))
    t.fail("tau_rec", fmt::format("must be > 0 ms, got {:g} ms", stp.tau_rec));
  stp.tau_facil = t.quantity("tau_facil", Dim::time, 0.0);
  if (!(stp.tau_facil >= 0))
    t.fail("tau_facil",
           fmt::format("must be >= 0 ms (0: no facilitation), got {:g} ms", stp.tau_facil));
  t.finish();
  return stp;
}

// synapse.plasticity: spike-timing-dependent plasticity. Weight bounds are in the receptor's
// weight unit; the amplitudes are fractions of w_max.
StdpSpec read_stdp(TableReader& t, Dim wdim, const Distribution& weight, TableReader& synapse,
                   const ModelSpec& m) {
  StdpSpec r;
  constexpr std::array<std::string_view, 4> rules{"stdp_pair", "stdp_triplet", "stdp_dopamine",
                                                  "clopath"};
  const int rule = choice(t, "rule", rules, "");
  r.rule = rule == 0   ? StdpRule::pair
           : rule == 1 ? StdpRule::triplet
           : rule == 2 ? StdpRule::dopamine
                       : StdpRule::clopath;
  const bool triplet = r.rule == StdpRule::triplet;
  auto positive_time = [&](std::string_view key, double fallback) {
    const double v = t.quantity(key, Dim::time, fallback);
    if (!(v > 0)) t.fail(key, fmt::format("must be > 0 ms, got {:g} ms", v));
    return v;
  };
  auto non_negative = [&](std::string_view key, std::optional<double> fallback) {
    const double v = t.quantity(key, Dim::none, fallback);
    if (!(v >= 0)) t.fail(key, fmt::format("must be >= 0, got {:g}", v));
    return v;
  };
  if (r.rule == StdpRule::clopath) {
    // NEST's defaults (aeif_psc_delta_clopath, clopath_synapse; Clopath et al. 2010)
    r.a_ltd = non_negative("a_ltd", 14e-5);
    r.a_ltp = non_negative("a_ltp", 8e-5);
    r.theta_minus = t.quantity("theta_minus", Dim::voltage, -70.6);
    r.theta_plus = t.quantity("theta_plus", Dim::voltage, -45.3);
    r.tau_x = positive_time("tau_x", 15);
    r.homeostasis = t.boolean("homeostasis", false);
    r.u_ref_squared = t.quantity("u_ref_squared", Dim::none, 60.0);
    if (!(r.u_ref_squared > 0))
      t.fail("u_ref_squared", fmt::format("must be > 0 (mV^2), got {:g}", r.u_ref_squared));
  } else if (triplet) {
    // Pfister & Gerstner 2006, visual cortex all-to-all minimal model as defaults for the
    // time constants of the fast traces (fixed in their fits)
    r.tau_plus = positive_time("tau_plus", 16.8);
    r.tau_minus = positive_time("tau_minus", 33.7);
    r.tau_x = positive_time("tau_x", 101);
    r.tau_y = positive_time("tau_y", 125);
    r.a_plus = non_negative("a2_plus", std::nullopt);
    r.a3_plus = non_negative("a3_plus", std::nullopt);
    r.a_minus = non_negative("a2_minus", std::nullopt);
    r.a3_minus = non_negative("a3_minus", std::nullopt);
  } else {
    r.tau_plus = positive_time("tau_plus", 20);
    r.tau_minus = positive_time("tau_minus", 20);
    r.a_plus = non_negative("a_plus", std::nullopt);
    r.a_minus = non_negative("a_minus", std::nullopt);
  }
  if (r.rule == StdpRule::dopamine) {
    r.tau_c = positive_time("tau_c", 1000);
    TableReader d = t.subtable("dopamine");
    const std::string from = d.string("from");
    r.dopamine_population = m.population_index(from);
    for (size_t k = 0; k < m.rewards.size(); ++k)
      if (m.rewards[k].name == from) r.dopamine_reward = static_cast<int>(k);
    if (r.dopamine_population >= 0 && r.dopamine_reward >= 0)
      d.fail("from",
             fmt::format("'{}' names both a population and a [[reward]]; rename one", from));
    if (r.dopamine_population < 0 && r.dopamine_reward < 0) {
      std::vector<std::string> names;
      for (const auto& p : m.populations) names.push_back(p.name);
      for (const auto& rw : m.rewards) names.push_back(rw.name);
      const auto hint = did_you_mean(from, names);
      d.fail("from", fmt::format("no population or [[reward]] named '{}' (what releases "
                                 "dopamine){}",
                                 from, hint.empty() ? "" : "; " + hint));
    }
    r.tau_d = d.quantity("tau", Dim::time, 200.0);
    if (!(r.tau_d > 0)) d.fail("tau", fmt::format("must be > 0 ms, got {:g} ms", r.tau_d));
    r.dopamine_amount = d.quantity("amount", Dim::none, 0.5);
    r.baseline = d.quantity("baseline", Dim::none, 0.0);
    d.finish();
  }
  constexpr std::array<std::string_view, 3> deps{"additive", "multiplicative", "power"};
  // clopath: hard bounds only, each change applied directly (no weight_dependence, pairing)
  if (r.rule != StdpRule::clopath)
    r.dependence = static_cast<WeightDependence>(choice(t, "weight_dependence", deps, "additive"));
  if (r.rule == StdpRule::dopamine && r.dependence != WeightDependence::additive)
    t.fail("weight_dependence",
           "stdp_dopamine changes weights through its eligibility trace: only \"additive\" "
           "(hard bounds w_min, w_max)");
  if (r.dependence == WeightDependence::power) {
    r.mu_plus = non_negative("mu_plus", std::nullopt);
    r.mu_minus = non_negative("mu_minus", std::nullopt);
  }
  constexpr std::array<std::string_view, 2> pairings{"all_to_all", "nearest"};
  if (r.rule != StdpRule::clopath)
    r.pairing = static_cast<Pairing>(choice(t, "pairing", pairings, "all_to_all"));
  r.w_min = t.quantity("w_min", wdim, 0.0);
  r.w_max = t.quantity("w_max", wdim);
  if (!(r.w_max > r.w_min))
    t.fail("w_max", fmt::format("must be > w_min ({:g}), got {:g}", r.w_min, r.w_max));
  r.learning_rate = non_negative("learning_rate", 1.0);
  // the initial weights must lie within the bounds (a normal distribution is clipped)
  double lo = weight.a, hi = weight.a;
  if (weight.kind == Distribution::Kind::uniform) hi = weight.b;
  if (weight.kind == Distribution::Kind::constant || weight.kind == Distribution::Kind::uniform) {
    if (lo < r.w_min - 1e-12 * std::fabs(r.w_min) || hi > r.w_max + 1e-12 * std::fabs(r.w_max))
      synapse.fail("weight", fmt::format("initial weights [{:g}, {:g}] lie outside the plasticity "
                                         "bounds [w_min, w_max] = [{:g}, {:g}]",
                                         lo, hi, r.w_min, r.w_max));
  }
  t.finish();
  return r;
}

// synapse.consolidation: early/late phases with tagging and capture (plasticity/consolidation.hpp)
void read_consolidation(TableReader& t, ProjectionSpec& p, TableReader& s, const ModelSpec& m) {
  const double dt = m.protocol.dt;
  if (p.stdp.rule == StdpRule::none || p.stdp.rule == StdpRule::dopamine)
    s.fail("consolidation",
           "needs an induction rule: a synapse.plasticity table with rule = \"stdp_pair\" or "
           "\"stdp_triplet\"");
  ConsolidationSpec& c = p.consolidation;
  c.enabled = true;
  auto positive_time = [&](std::string_view key, double fallback) {
    const double v = t.quantity(key, Dim::time, fallback);
    if (!(v > 0)) t.fail(key, fmt::format("must be > 0 ms, got {:g} ms", v));
    return v;
  };
  c.tau_early = positive_time("tau_early", c.tau_early);
  c.tau_late = positive_time("tau_late", c.tau_late);
  c.tau_protein = positive_time("tau_protein", c.tau_protein);
  c.alpha = t.quantity("alpha", Dim::none, c.alpha);
  if (!(c.alpha >= 0)) t.fail("alpha", fmt::format("must be >= 0, got {:g}", c.alpha));
  c.theta_tag = t.quantity("theta_tag", Dim::none, c.theta_tag);
  if (!(c.theta_tag > 0))
    t.fail("theta_tag",
           fmt::format("must be > 0 (a fraction of the baseline weight), got {:g}", c.theta_tag));
  c.theta_pro = t.quantity("theta_pro", Dim::none, c.theta_pro);
  if (!(c.theta_pro >= 0))
    t.fail("theta_pro", fmt::format("must be >= 0 (summed early change in baseline weights), "
                                    "got {:g}",
                                    c.theta_pro));
  c.interval = t.quantity("interval", Dim::time, c.interval);
  const double ratio = c.interval / dt;
  if (!(c.interval > 0) || std::fabs(ratio - std::round(ratio)) > 1e-6)
    t.fail("interval",
           fmt::format("must be a positive multiple of dt ({:g} ms), got {:g} ms", dt, c.interval));
  if (t.has("block_synthesis")) {
    const auto w = t.quantity_list("block_synthesis", Dim::time);
    if (w.size() != 2 || !(w[0] >= 0) || !(w[1] > w[0]))
      t.fail("block_synthesis", "must be [start, stop] with 0 <= start < stop");
    c.block_start = w[0];
    c.block_stop = w[1];
  }
  // the protein pool is the target neuron's, shared by every consolidating projection onto
  // the population: they must agree on it
  for (const auto& q : m.projections) {
    const ConsolidationSpec& o = q.consolidation;
    if (q.to != p.to || !o.enabled) continue;
    if (o.tau_protein != c.tau_protein || o.alpha != c.alpha || o.theta_pro != c.theta_pro ||
        o.interval != c.interval || o.block_start != c.block_start || o.block_stop != c.block_stop)
      s.fail("consolidation",
             fmt::format("projection '{}' onto the same population has other protein settings "
                         "(tau_protein, alpha, theta_pro, interval, block_synthesis): the protein "
                         "is the target neuron's, give them the same values",
                         q.name));
  }
  t.finish();
}

ProjectionSpec read_projection(TableReader& r, const ModelSpec& m, size_t index) {
  ProjectionSpec p;
  p.origin = r.origin();
  p.from = population_ref(r, "from", m);
  p.to = population_ref(r, "to", m);
  p.name =
      r.string("name", fmt::format("{}->{}", m.populations[p.from].name, m.populations[p.to].name));
  (void)index;
  const ModelInfo& target = *m.populations[p.to].model;
  if (target.receptors.empty())
    r.fail("to", fmt::format("population '{}' ({}) takes no synaptic input",
                             m.populations[p.to].name, target.name));
  TableReader c = r.subtable("connect");
  p.connect = read_connect(c, m, p);
  TableReader s = r.subtable("synapse");
  const CellKind pre_kind = m.populations[p.from].kind;
  p.receptor = receptor_ref(s, "receptor", target, default_receptor(target, pre_kind));
  const Dim wdim = target.receptors[p.receptor].weight_dim;
  // an explicit list may carry its own weights; then synapse.weight is only the fallback
  bool list_has_weights = p.connect.rule == ConnectRule::from_list && !p.connect.list.empty();
  for (const auto& e : p.connect.list) list_has_weights &= e.weight.has_value();
  p.weight =
      list_has_weights ? s.distribution("weight", wdim, 0.0) : s.distribution("weight", wdim);
  if (r.boolean("dale", m.dale) && pre_kind != CellKind::unspecified)
    check_dale(s, m.populations[p.from], target, p);
  const toml::node* dnode = s.node("delay");
  if (dnode && dnode->is_table() && dnode->as_table()->contains("distance")) {
    // conduction delay: offset + distance / velocity
    TableReader dt_reader(*dnode->as_table(), s.key_path("delay"), s.context());
    TableReader d = dt_reader.subtable("distance");
    p.velocity = d.quantity("velocity", Dim::velocity);
    if (!(p.velocity > 0)) d.fail("velocity", "must be > 0 um/ms");
    p.delay_offset = d.quantity("offset", Dim::time, m.protocol.dt);
    d.finish();
    dt_reader.finish();
    if (m.populations[p.from].positions.empty() || m.populations[p.to].positions.empty())
      s.fail("delay", "a distance-dependent delay needs both populations placed in space");
    p.delay = Distribution{Distribution::Kind::constant, p.delay_offset, 0};
  } else {
    p.delay = s.distribution("delay", Dim::time, m.protocol.dt);
  }
  const double dt = m.protocol.dt;
  auto delay_min = [&](const Distribution& d) {
    switch (d.kind) {
      case Distribution::Kind::uniform:
        return d.a;
      case Distribution::Kind::constant:
        return d.a;
      default:
        return d.a;  // drawn delays are clipped to >= dt at build time
    }
  };
  if (delay_min(p.delay) < dt - 1e-9 * dt)
    s.fail("delay", fmt::format("must be at least one time step (dt = {:g} ms), got {:g} ms", dt,
                                delay_min(p.delay)));
  if (p.delay.is_constant() && p.delay.a / dt > 60000)
    s.fail("delay", "is longer than 60000 time steps");
  if (s.has("stp")) {
    TableReader t = s.subtable("stp");
    p.stp = read_stp(t);
  }
  if (s.has("plasticity")) {
    TableReader t = s.subtable("plasticity");
    p.stdp = read_stdp(t, wdim, p.weight, s, m);
    if (p.stdp.rule == StdpRule::clopath)
      for (auto row : ClopathRule::kRows)
        if (find_index(target.state, row) < 0)
          t.fail("rule", fmt::format("the clopath rule reads the target's membrane potential and "
                                     "filtered voltages (state rows v, u_bar_plus_delayed, "
                                     "u_bar_minus_delayed, u_bar_bar); population '{}' is a {}, "
                                     "which has no '{}' (use adex_psc_delta_clopath)",
                                     m.populations[p.to].name, target.name, row));
  }
  if (s.has("scaling")) {
    TableReader t = s.subtable("scaling");
    ScalingSpec& sc = p.scaling;
    sc.enabled = true;
    sc.target_rate = t.quantity("target_rate", Dim::frequency);
    if (!(sc.target_rate > 0))
      t.fail("target_rate", fmt::format("must be > 0 Hz, got {:g} Hz", sc.target_rate));
    sc.beta = t.quantity("beta", Dim::none);
    if (!(sc.beta > 0)) t.fail("beta", fmt::format("must be > 0 (1/(Hz s)), got {:g}", sc.beta));
    sc.tau_rate = t.quantity("tau_rate", Dim::time, 1000.0);
    if (!(sc.tau_rate > 0))
      t.fail("tau_rate", fmt::format("must be > 0 ms, got {:g} ms", sc.tau_rate));
    sc.interval = t.quantity("interval", Dim::time, 1000.0);
    const double ratio = sc.interval / m.protocol.dt;
    if (!(sc.interval > 0) || std::fabs(ratio - std::round(ratio)) > 1e-6)
      t.fail("interval", fmt::format("must be a positive multiple of dt ({:g} ms), got {:g} ms",
                                     m.protocol.dt, sc.interval));
    if (sc.beta * sc.interval * 1e-3 * sc.target_rate > 0.5)
      t.fail("beta", fmt::format("beta · interval · target_rate = {:g} is too large: one scaling "
                                 "step would change weights by more than half; use a smaller "
                                 "beta or interval",
                                 sc.beta * sc.interval * 1e-3 * sc.target_rate));
    if (p.stdp.rule != StdpRule::none) {
      sc.w_min = p.stdp.w_min;
      sc.w_max = p.stdp.w_max;
    } else {
      sc.w_min = t.quantity("w_min", wdim, 0.0);
      sc.w_max = t.quantity("w_max", wdim, 1e300);
      if (!(sc.w_max > sc.w_min)) t.fail("w_max", "must be > w_min");
    }
    t.finish();
  }
  if (s.has("consolidation")) {
    TableReader t = s.subtable("consolidation");
    read_consolidation(t, p, s, m);
  }
  s.finish();
  r.finish();
  return p;
}

// [[gap_junction]]: electrical synapses between neurons that take injected current; the
// engine adds g (v_partner - v) to each neuron's injected current (engine/gap_junctions.hpp).
ProjectionSpec read_gap_junction(TableReader& r, const ModelSpec& m) {
  ProjectionSpec p;
  p.origin = r.origin();
  p.from = population_ref(r, "from", m);
  p.to = population_ref(r, "to", m);
  p.name = r.string("name",
                    fmt::format("{}<->{}", m.populations[p.from].name, m.populations[p.to].name));
  for (const char* key : {"from", "to"}) {
    const PopulationSpec& pop = m.populations[key[0] == 'f' ? p.from : p.to];
    const ModelInfo& model = *pop.model;
    if (model.kind != ModelKind::neuron || !model.accepts_current || model.state.empty() ||
        model.state[0].dim != Dim::voltage)
      r.fail(key, fmt::format("population '{}' ({}) cannot be coupled by gap junctions: they need "
                              "a neuron model with a membrane potential (mV) that takes injected "
                              "current",
                              pop.name, model.name));
    if (pop.cable && (pop.cable->current_site.section != pop.cable->spike_site.section ||
                      pop.cable->current_site.x != pop.cable->spike_site.x))
      r.fail(key, fmt::format("population '{}' (cable): gap junctions couple v at the spike site, "
                              "so its current_site must be the spike site",
                              pop.name));
  }
  TableReader c = r.subtable("connect");
  p.connect = read_connect(c, m, p);
  p.connect.autapses = false;  // a junction of a neuron with itself carries no current
  p.weight = r.distribution("g", Dim::conductance);
  if (p.weight.mean() < 0 || (p.weight.is_constant() && !(p.weight.a >= 0)))
    r.fail("g",
           fmt::format("must be >= 0 nS (a conductance), got a mean of {:g} nS", p.weight.mean()));
  p.delay = Distribution{Distribution::Kind::constant, m.protocol.dt, 0};
  r.finish();
  return p;
}

// Whole-cell membrane capacitance (pF) of a population's neurons, which the voltage clamp's
// integration needs (io/stimulus.cpp); 0 when the model's parameters do not give it.
double membrane_capacitance(const PopulationSpec& pop) {
  const auto& ps = pop.model->params;
  const int c_m = find_index(ps, "c_m"), cm = find_index(ps, "cm"), area = find_index(ps, "area");
  if (c_m >= 0 && ps[c_m].dim == Dim::capacitance) return pop.params[c_m];
  // hh_squid: specific capacitance (uF/cm2) times area (um2); 1 uF/cm2 x 1 um2 = 0.01 pF
  if (cm >= 0 && area >= 0) return pop.params[cm] * pop.params[area] * 0.01;
  // izhikevich is written with the capacitance scaled out: 1 pA moves v by 1 mV/ms (1 pF)
  if (pop.model->name == "izhikevich") return 1.0;
  return 0;
}

// voltage_clamp: a single-electrode clamp with series resistance, as NEURON's SEClamp;
// `levels` held for `durations` from `start`, then the cell is released.
void read_voltage_clamp(TableReader& r, StimulusSpec& st, const PopulationSpec& pop) {
  const auto& model = *pop.model;
  if (model.kind != ModelKind::neuron || model.state.empty() || model.state[0].name != "v" ||
      model.state[0].dim != Dim::voltage || !model.accepts_current)
    r.fail("to", fmt::format("population '{}' ({}) has no membrane potential to clamp", pop.name,
                             model.name));
  if (pop.cable)
    r.fail("to", fmt::format("population '{}' is made of cable cells: clamp a location of the "
                             "cell with [[population.vclamp]] (NEURON's SEClamp, solved with the "
                             "cable) instead",
                             pop.name));
  st.c_m = membrane_capacitance(pop);
  if (!(st.c_m > 0))
    r.fail("to", fmt::format("population '{}' ({}): the voltage clamp needs the membrane "
                             "capacitance, which this model's parameters do not give",
                             pop.name, model.name));
  if (r.has("stop"))
    r.fail("stop",
           "a voltage clamp ends after its durations (then it releases the cell, as "
           "NEURON's SEClamp); give durations, not stop");
  st.rs = r.quantity("rs", Dim::resistance);
  if (!(st.rs > 0)) r.fail("rs", fmt::format("must be > 0 MOhm, got {:g} MOhm", st.rs));
  st.levels = r.quantity_list("levels", Dim::voltage);
  st.durations = r.quantity_list("durations", Dim::time);
  if (st.levels.empty()) r.fail("levels", "must not be empty");
  if (st.durations.size() != st.levels.size())
    r.fail("durations", fmt::format("needs one duration per level: {} levels, {} durations",
                                    st.levels.size(), st.durations.size()));
  double total = 0;
  for (double d : st.durations) {
    if (!(d >= 0)) r.fail("durations", fmt::format("must be >= 0 ms, got {:g} ms", d));
    total += d;
  }
  if (!(total > 0)) r.fail("durations", "must add up to more than 0 ms");
  st.stop = st.start + total;
}

StimulusSpec read_stimulus(TableReader& r, const ModelSpec& m) {
  StimulusSpec st;
  st.origin = r.origin();
  std::string kind = r.string("kind");
  st.target = population_ref(r, "to", m);
  const auto& pop = m.populations[st.target];
  st.neurons = r.index_list("neurons", pop.size);
  st.start = r.quantity("start", Dim::time, 0.0);
  st.stop = r.quantity("stop", Dim::time, kInf);
  if (st.start < 0) r.fail("start", "must be >= 0 ms");
  if (st.stop < st.start) r.fail("stop", "must not be before start");
  auto need_current = [&] {
    if (!pop.model->accepts_current)
      r.fail("to", fmt::format("population '{}' ({}) cannot take a current stimulus", pop.name,
                               pop.model->name));
  };
  if (kind == "dc") {
    st.kind = StimulusKind::dc;
    need_current();
    // one amplitude for all targets, or a list with one per target (an f-I sweep)
    if (const toml::node* a = r.node("amplitude"); a && a->is_array()) {
      st.per_target = r.quantity_list("amplitude", Dim::current);
      const size_t n = st.neurons.empty() ? pop.size : st.neurons.size();
      if (st.per_target.size() != n)
        r.fail("amplitude", fmt::format("a list needs one amplitude per target neuron: {} targets, "
                                        "{} amplitudes",
                                        n, st.per_target.size()));
    } else {
      st.amplitude = r.quantity("amplitude", Dim::current);
    }
  } else if (kind == "step_current" || kind == "waveform") {
    st.kind = kind == "dc"
                  ? StimulusKind::dc
                  : (kind == "waveform" ? StimulusKind::waveform : StimulusKind::step_current);
    need_current();
    if (r.has("file")) {
      std::string file = r.string("file");
      auto wf = read_waveform_file(r.context().base_dir / file, r.where("file"), r.key_path("file"),
                                   r.context().extra_hash_input);
      st.times = std::move(wf.first);
      st.amplitudes = std::move(wf.second);
    } else {
      st.times = r.quantity_list("times", Dim::time);
      st.amplitudes = r.quantity_list("amplitudes", Dim::current);
    }
    if (st.times.size() != st.amplitudes.size())
      r.fail("amplitudes", fmt::format("needs one amplitude per time: {} times, {} amplitudes",
                                       st.times.size(), st.amplitudes.size()));
    if (st.times.empty()) r.fail("times", "must not be empty");
    for (size_t i = 0; i < st.times.size(); ++i) {
      if (st.times[i] < 0)
        r.fail("times", fmt::format("times must be >= 0 ms, got {:g}", st.times[i]));
      if (i > 0 && st.times[i] <= st.times[i - 1])
        r.fail("times", fmt::format("times must be strictly increasing, got {:g} ms after {:g} ms",
                                    st.times[i], st.times[i - 1]));
    }
    if (st.kind == StimulusKind::waveform) {
      std::string interp = r.string("interpolation", std::string("step"));
      if (interp != "step" && interp != "linear")
        r.fail("interpolation", "expected \"step\" or \"linear\", got \"" + interp + "\"");
      st.linear = interp == "linear";
    }
  } else if (kind == "noise") {
    st.kind = StimulusKind::noise;
    need_current();
    st.mean = r.quantity("mean", Dim::current, 0.0);
    st.std = r.quantity("std", Dim::current);
    st.tau = r.quantity("tau", Dim::time);
    if (st.std < 0) r.fail("std", "must be >= 0 pA");
    if (!(st.tau >= 0)) r.fail("tau", "must be >= 0 ms (0: a new independent value every step)");
    const std::string dist = r.string("distribution", std::string("gaussian"));
    if (dist != "gaussian" && dist != "uniform")
      r.fail("distribution", "expected \"gaussian\" or \"uniform\", got \"" + dist + "\"");
    st.uniform = dist == "uniform";
    if (st.uniform && st.tau > 0)
      r.fail("distribution", "\"uniform\" needs tau = 0 ms (independent values each step)");
  } else if (kind == "poisson") {
    st.kind = StimulusKind::poisson;
    if (pop.model->receptors.empty())
      r.fail("to", fmt::format("population '{}' ({}) takes no synaptic input", pop.name,
                               pop.model->name));
    st.rate = r.quantity("rate", Dim::frequency);
    if (st.rate < 0) r.fail("rate", "must be >= 0 Hz");
    int64_t inputs = r.integer("inputs", 1);
    if (inputs < 1) r.fail("inputs", "must be >= 1");
    st.rate *= static_cast<double>(inputs);
    st.receptor = receptor_ref(r, "receptor", *pop.model, "exc");
    st.weight = r.quantity("weight", pop.model->receptors[st.receptor].weight_dim);
  } else if (kind == "voltage_clamp") {
    st.kind = StimulusKind::voltage_clamp;
    read_voltage_clamp(r, st, pop);
  } else {
    std::vector<std::string> kinds = {"dc",    "step_current", "waveform",
                                      "noise", "poisson",      "voltage_clamp"};
    auto hint = did_you_mean(kind, kinds);
    r.fail("kind",
           fmt::format("unknown stimulus kind '{}'{}", kind, hint.empty() ? "" : "; " + hint));
  }
  r.finish();
  return st;
}

// [[record]] what = "weights": a projection's weights at an interval (all synapses, or
// `sample` of them evenly spaced in the canonical order of the connectivity table).
RecordSpec read_weight_record(TableReader& r, const ModelSpec& m, RecordSpec& rec) {
  rec.spikes = false;
  const std::string of = r.string("of");
  std::vector<std::string> names;
  for (size_t j = 0; j < m.projections.size(); ++j) {
    names.push_back(m.projections[j].name);
    if (m.projections[j].name == of) rec.projection = static_cast<int>(j);
  }
  if (rec.projection < 0) {
    std::string list;
    for (const auto& nm : names) list += (list.empty() ? "" : ", ") + nm;
    const auto hint = did_you_mean(of, names);
    r.fail("of", fmt::format("no projection named '{}' (weights are recorded of a projection; "
                             "there are: {}){}",
                             of, list.empty() ? "none" : list, hint.empty() ? "" : "; " + hint));
  }
  rec.interval = r.quantity("interval", Dim::time, m.protocol.duration);
  const double ratio = rec.interval / m.protocol.dt;
  if (rec.interval <= 0 || std::fabs(ratio - std::round(ratio)) > 1e-6 || std::round(ratio) < 1)
    r.fail("interval", fmt::format("must be a positive multiple of dt ({:g} ms), got {:g} ms",
                                   m.protocol.dt, rec.interval));
  rec.start = r.quantity("start", Dim::time, 0.0);
  rec.stop = r.quantity("stop", Dim::time, kInf);
  if (rec.start < 0) r.fail("start", "must be >= 0 ms");
  if (rec.stop < rec.start) r.fail("stop", "must not be before start");
  if (r.has("sample")) {
    const int64_t n = r.integer("sample");
    if (n < 1 || n > 4'000'000'000LL) r.fail("sample", "must be >= 1 (synapses)");
    rec.synapses = static_cast<uint32_t>(n);
  }
  r.finish();
  return rec;
}

// [[reward]]: see RewardSpec.
RewardSpec read_reward(TableReader& r, const ModelSpec& m) {
  RewardSpec w;
  w.origin = r.origin();
  w.name = r.string("name");
  check_name(r, "name", w.name);
  for (const auto& other : m.rewards)
    if (other.name == w.name) r.fail("name", fmt::format("reward '{}' is defined twice", w.name));
  auto neuron_of = [&](std::string_view key, int& pop, uint32_t& neuron) {
    TableReader t = r.subtable(key);
    pop = population_ref(t, "of", m);
    const int64_t n = t.integer("neuron");
    if (n < 0 || n >= m.populations[pop].size)
      t.fail("neuron", fmt::format("must be in [0, {}) (population '{}'), got {}",
                                   m.populations[pop].size, m.populations[pop].name, n));
    neuron = static_cast<uint32_t>(n);
    t.finish();
  };
  neuron_of("pre", w.pre, w.pre_neuron);
  neuron_of("post", w.post, w.post_neuron);
  w.window = r.quantity("window", Dim::time, 10.0);
  if (!(w.window > 0)) r.fail("window", fmt::format("must be > 0 ms, got {:g} ms", w.window));
  w.delay = r.distribution("delay", Dim::time);
  if (w.delay.kind == Distribution::Kind::uniform ? w.delay.a < 0 : w.delay.a <= 0)
    r.fail("delay", "must be positive (the reward comes after the pairing)");
  r.finish();
  return w;
}

RecordSpec read_record(TableReader& r, const ModelSpec& m) {
  RecordSpec rec;
  rec.origin = r.origin();
  std::string what = r.string("what");
  if (what == "weights") return read_weight_record(r, m, rec);
  rec.population = population_ref(r, "of", m);
  const auto& pop = m.populations[rec.population];
  if (what == "spikes") {
    rec.spikes = true;
    if (r.has("interval"))
      r.fail("interval", "applies to state recordings only; spikes are recorded as they occur");
  } else {
    rec.spikes = false;
    rec.state = find_index(pop.model->state, what);
    // the injected current of all current stimuli and voltage clamps (a model's own state
    // variable of that name would come first)
    const bool injectable = pop.model->accepts_current;
    if (rec.state < 0 && what == "i_stim" && injectable) rec.state = RecordSpec::kInjectedCurrent;
    if (rec.state == -1) {
      std::vector<std::string_view> names = {"spikes"};
      std::string list = "spikes";
      for (const auto& s : pop.model->state) {
        names.push_back(s.name);
        list += ", " + std::string(s.name);
      }
      if (injectable) {
        names.push_back("i_stim");
        list += ", i_stim";
      }
      auto hint = did_you_mean(what, names);
      r.fail("what",
             fmt::format("population '{}' ({}) has no recordable '{}' (it has: {}){}", pop.name,
                         pop.model->name, what, list, hint.empty() ? "" : "; " + hint));
    }
    rec.interval = r.quantity("interval", Dim::time, m.protocol.dt);
    double ratio = rec.interval / m.protocol.dt;
    if (rec.interval <= 0 || std::fabs(ratio - std::round(ratio)) > 1e-6 || std::round(ratio) < 1)
      r.fail("interval", fmt::format("must be a positive multiple of dt ({:g} ms), got {:g} ms",
                                     m.protocol.dt, rec.interval));
  }
  rec.start = r.quantity("start", Dim::time, 0.0);
  rec.stop = r.quantity("stop", Dim::time, kInf);
  if (rec.start < 0) r.fail("start", "must be >= 0 ms");
  if (rec.stop < rec.start) r.fail("stop", "must not be before start");
  rec.neurons = r.index_list("neurons", pop.size);
  if (r.has("sample")) {
    if (!rec.neurons.empty()) r.fail("sample", "give neurons or sample, not both");
    int64_t n = r.integer("sample");
    if (n < 1) r.fail("sample", "must be >= 1");
    for (uint32_t i = 0; i < std::min<int64_t>(n, pop.size); ++i) rec.neurons.push_back(i);
  }
  r.finish();
  return rec;
}

// Locates an element of an array of tables by name or index, for --set.
toml::table* find_element(toml::array& arr, std::string_view which) {
  for (auto& e : arr)
    if (auto* t = e.as_table())
      if (auto n = t->get_as<std::string>("name"); n && n->get() == which) return t;
  size_t idx = 0;
  auto [ptr, ec] = std::from_chars(which.data(), which.data() + which.size(), idx);
  if (ec == std::errc{} && ptr == which.data() + which.size() && idx < arr.size())
    return arr[idx].as_table();
  return nullptr;
}

void apply_override(toml::table& root, const Override& o) {
  std::vector<std::string> parts;
  std::stringstream ss(o.key);
  for (std::string part; std::getline(ss, part, '.');) parts.push_back(part);
  auto bad = [&](const std::string& msg) {
    throw InputError(SourceLocation{"--set", 0, 0}, o.key, msg);
  };
  if (parts.empty() || o.key.empty()) bad("empty key");
  toml::table* t = &root;
  size_t i = 0;
  while (i + 1 < parts.size()) {
    toml::node* n = t->get(parts[i]);
    if (n && n->is_array()) {
      // [[population]] and friends: the next part names the element
      if (i + 2 >= parts.size()) bad("expected '" + parts[i] + ".<name or index>.<key>'");
      t = find_element(*n->as_array(), parts[i + 1]);
      if (!t) bad(fmt::format("no {} named or numbered '{}'", parts[i], parts[i + 1]));
      i += 2;
      continue;
    }
    if (!n) {
      t->insert(parts[i], toml::table{});
      n = t->get(parts[i]);
    }
    if (!n->is_table()) bad("'" + parts[i] + "' is not a table");
    t = n->as_table();
    ++i;
  }
  toml::table holder;
  try {
    holder = toml::parse("v = " + o.value);
  } catch (const toml::parse_error&) {
    holder = toml::table{};
    holder.insert("v", o.value);
  }
  t->insert_or_assign(parts.back(), *holder.get("v"));
}

ModelSpec load(toml::table root, const std::string& origin, const std::string& base_dir,
               const std::vector<Override>& overrides) {
  ReadContext ctx{origin, base_dir, {}};
  for (const auto& o : overrides) apply_override(root, o);
  for (const auto& [k, v] : root) {
    bool ok = false;
    for (auto t : kTopLevel) ok |= t == k.str();
    if (!ok) {
      auto hint = did_you_mean(k.str(), kTopLevel);
      throw InputError(location_of(&v, ctx), std::string(k.str()),
                       "unknown section" + (hint.empty() ? std::string() : "; " + hint));
    }
  }
  ModelSpec m;
  m.file = origin;
  m.name = std::filesystem::path(origin).stem().string();
  for (char& c : m.name)  // a file stem may hold characters a name may not
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') c = '_';
  if (m.name.empty() || std::isdigit(static_cast<unsigned char>(m.name[0])))
    m.name = "model_" + m.name;
  if (auto* mt = root.get_as<toml::table>("model")) {
    TableReader r(*mt, "model", ctx);
    m.name = r.string("name", m.name);
    check_name(r, "name", m.name);
    r.string("description", std::string());
    m.dale = r.boolean("dale", true);
    r.finish();
  }
  m.protocol = read_protocol(root, ctx);
  auto pops = elements(root, "population", ctx);
  if (pops.empty())
    throw InputError(SourceLocation{ctx.file, 1, 0}, "population",
                     "missing section [[population]]: a model needs at least one population");
  for (auto& [t, label] : pops) {
    TableReader r(*t, label, ctx);
    m.populations.push_back(read_population(r, m));
    check_model_params(m.populations.back(), m.protocol, ctx, *t);
  }
  for (auto& [t, label] : elements(root, "reward", ctx)) {
    TableReader r(*t, label, ctx);
    m.rewards.push_back(read_reward(r, m));
  }
  for (auto& [t, label] : elements(root, "projection", ctx)) {
    TableReader r(*t, label, ctx);
    m.projections.push_back(read_projection(r, m, m.projections.size()));
  }
  for (auto& [t, label] : elements(root, "gap_junction", ctx)) {
    TableReader r(*t, label, ctx);
    m.gap_junctions.push_back(read_gap_junction(r, m));
  }
  for (auto& [t, label] : elements(root, "stimulus", ctx)) {
    TableReader r(*t, label, ctx);
    m.stimuli.push_back(read_stimulus(r, m));
  }
  for (auto& [t, label] : elements(root, "record", ctx)) {
    TableReader r(*t, label, ctx);
    m.records.push_back(read_record(r, m));
  }
  std::ostringstream canon;
  canon << toml::toml_formatter{root};
  m.text = canon.str();
  // the hash identifies what is simulated: the thread count changes how, not what
  toml::table hashed = root;
  if (auto* proto = hashed.get_as<toml::table>("protocol")) proto->erase("threads");
  std::ostringstream canon_hashed;
  canon_hashed << toml::toml_formatter{hashed};
  uint64_t h = fnv1a(canon_hashed.str());
  h = fnv1a(ctx.extra_hash_input, h);
  m.hash = fmt::format("{:016x}", h);
  return m;
}

toml::table parse_toml(std::string_view text, const std::string& origin) {
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    SourceLocation loc{origin, e.source().begin.line, e.source().begin.column};
    throw InputError(loc, "", fmt::format("malformed TOML: {}", e.description()));
  }
}

}  // namespace

ModelSpec load_model_file(const std::string& path, const std::vector<Override>& overrides) {
  if (std::filesystem::is_directory(path))
    throw InputError(SourceLocation{path, 0, 0}, "", "is a directory, not a model file");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError(SourceLocation{path, 0, 0}, "", "cannot open model file (does it exist?)");
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  auto base = std::filesystem::path(path).parent_path();
  return load(parse_toml(text, path), path, base.string(), overrides);
}

ModelSpec load_model_text(std::string_view text, const std::string& origin,
                          const std::string& base_dir, const std::vector<Override>& overrides) {
  return load(parse_toml(text, origin), origin, base_dir, overrides);
}

Override parse_override(std::string_view kv) {
  auto eq = kv.find('=');
  if (eq == std::string_view::npos || eq == 0)
    throw InputError(SourceLocation{"--set", 0, 0}, std::string(kv), "expected KEY=VALUE");
  return Override{std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1))};
}

}  // namespace engram
