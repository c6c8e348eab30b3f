#include "models_listing.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engram/core/error.hpp"
#include "engram/dendrites/mechanism.hpp"
#include "engram/models/model.hpp"

namespace engram {
namespace {

std::string default_text(const ParamSpec& p) {
  return format_quantity(p.default_value, p.dim);
}

// "a = 0.02, c = -50 mV" for a preset's overrides (parameters, then initial state).
std::string preset_values(const ModelInfo& m, const Preset& p) {
  std::vector<std::string> parts;
  for (const auto& [name, value] : p.params)
    parts.push_back(fmt::format("{} = {}", name,
                                format_quantity(value, m.params[find_index(m.params, name)].dim)));
  for (const auto& [name, value] : p.init)
    parts.push_back(fmt::format("initial {} = {}", name,
                                format_quantity(value, m.state[find_index(m.state, name)].dim)));
  return fmt::format("{}", fmt::join(parts, ", "));
}

void print_text(const ModelInfo& m) {
  fmt::print("{} ({}): {}\n", m.name, m.kind == ModelKind::neuron ? "neuron" : "source", m.summary);
  fmt::print("  {}\n", m.doc);
  if (!m.params.empty()) {
    fmt::print("  {:<12} {:<6} {:>12}  {:<18} {}\n", "parameter", "unit", "default", "valid range",
               "meaning");
    for (const auto& p : m.params)
      fmt::print("  {:<12} {:<6} {:>12}  {:<18} {}\n", p.name, canonical_unit(p.dim),
                 fmt::format("{:g}", p.default_value), p.range_text(), p.doc);
  }
  if (!m.state.empty()) {
    fmt::print("  recordable:");
    for (const auto& s : m.state)
      fmt::print(" {}{}", s.name,
                 s.dim == Dim::none ? "" : fmt::format(" ({})", canonical_unit(s.dim)));
    fmt::print("\n");
  }
  if (!m.receptors.empty()) {
    fmt::print("  receptors:");
    for (const auto& r : m.receptors)
      fmt::print(" {} (weight in {})", r.name,
                 r.weight_dim == Dim::none ? "dimensionless units" : canonical_unit(r.weight_dim));
    fmt::print("\n");
  }
  fmt::print("  integrators: ");
  for (size_t i = 0; i < m.integrators.size(); ++i)
    fmt::print("{}{}{}", i ? ", " : "", m.integrators[i], i == 0 ? " (default)" : "");
  fmt::print("\n");
  if (!m.presets.empty()) {
    fmt::print("  presets (preset = \"NAME\"; params override them):\n");
    for (const auto& p : m.presets) {
      fmt::print("    {:<28} {} [{}]\n", p.name, p.doc, p.source);
      fmt::print("    {:<28} {}\n", "", preset_values(m, p));
      if (!p.protocol.empty()) fmt::print("    {:<28} stimulus: {}\n", "", p.protocol);
    }
  }
  fmt::print("\n");
}

void print_markdown(const ModelInfo& m) {
  fmt::print("### `{}` ({})\n\n{}. {}\n\n", m.name,
             m.kind == ModelKind::neuron ? "neuron" : "source", m.summary, m.doc);
  if (!m.params.empty()) {
    fmt::print("| parameter | unit | default | valid range | meaning |\n|---|---|---|---|---|\n");
    for (const auto& p : m.params)
      fmt::print("| `{}` | {} | {} | {} | {} |\n", p.name, canonical_unit(p.dim), default_text(p),
                 p.range_text(), p.doc);
    fmt::print("\n");
  }
  if (!m.state.empty()) {
    fmt::print("Recordable state (`what` of a `[[record]]`):\n\n");
    for (const auto& s : m.state)
      fmt::print("- `{}`{}: {}\n", s.name,
                 s.dim == Dim::none ? "" : fmt::format(" ({})", canonical_unit(s.dim)), s.doc);
    fmt::print("\n");
  }
  if (!m.receptors.empty()) {
    fmt::print("Receptor ports (`synapse.receptor`):\n\n");
    for (const auto& r : m.receptors)
      fmt::print("- `{}`, weight in {}: {}\n", r.name,
                 r.weight_dim == Dim::none ? "dimensionless units" : canonical_unit(r.weight_dim),
                 r.doc);
    fmt::print("\n");
  }
  fmt::print("Integrators (`integrator`): {} (default: {}).\n\n", fmt::join(m.integrators, ", "),
             m.integrators[0]);
  if (!m.presets.empty()) {
    fmt::print(
        "Presets (`preset = \"NAME\"`; the population's `params` and `init` override them):\n\n"
        "| preset | behaviour | source | values | published stimulus |\n|---|---|---|---|---|\n");
    for (const auto& p : m.presets)
      fmt::print("| `{}` | {} | {} | {} | {} |\n", p.name, p.doc, p.source, preset_values(m, p),
                 p.protocol);
    fmt::print("\n");
  }
}

// A density mechanism's valid range; 1e9 stands for no bound in the tables.
std::string range_text(const dendrites::MechanismParam& p) {
  const bool low = p.min > -1e9, high = p.max < 1e9;
  if (low && high) return fmt::format("{}{:g}, {:g}]", p.min_open ? "(" : "[", p.min, p.max);
  if (low) return fmt::format("{} {:g}", p.min_open ? ">" : ">=", p.min);
  if (high) return fmt::format("<= {:g}", p.max);
  return "any";
}

void print_mechanism_text(const dendrites::MechanismInfo& m) {
  fmt::print("{} (cable mechanism): {}\n", m.name, m.doc);
  fmt::print("  {:<9} {:<6} {:>10}  {:<14} {}\n", "parameter", "unit", "default", "valid range",
             "meaning");
  for (const auto& p : m.params)
    fmt::print("  {:<9} {:<6} {:>10}  {:<14} {}\n", p.name, p.unit, fmt::format("{:g}", p.value),
               range_text(p), p.doc);
  if (!m.states.empty()) fmt::print("  gates: {}\n", fmt::join(m.states, ", "));
  fmt::print("\n");
}

void print_mechanism_markdown(const dendrites::MechanismInfo& m) {
  fmt::print("### `{}` (cable mechanism)\n\n{}.\n\n", m.name, m.doc);
  fmt::print("| parameter | unit | default | valid range | meaning |\n|---|---|---|---|---|\n");
  for (const auto& p : m.params)
    fmt::print("| `{}` | {} | {:g} | {} | {} |\n", p.name, p.unit, p.value, range_text(p), p.doc);
  fmt::print("\n");
  if (!m.states.empty()) fmt::print("Gates: {}.\n\n", fmt::join(m.states, ", "));
}

}  // namespace

int list_models(const ModelsArgs& a) {
  if (!a.name.empty()) {
    const ModelInfo* m = find_model(a.name);
    if (const auto* mech = dendrites::find_mechanism(a.name); !m && mech) {
      a.markdown ? print_mechanism_markdown(*mech) : print_mechanism_text(*mech);
      return 0;
    }
    if (!m) {
      std::vector<std::string_view> names;
      for (const auto* x : all_models()) names.push_back(x->name);
      for (const auto* x : dendrites::all_mechanisms()) names.push_back(x->name);
      auto hint = did_you_mean(a.name, names);
      throw InputError({}, "",
                       hint.empty() ? fmt::format("unknown model '{}'; the models are: {}", a.name,
                                                  fmt::join(names, ", "))
                                    : fmt::format("unknown model '{}'; {}", a.name, hint));
    }
    a.markdown ? print_markdown(*m) : print_text(*m);
    return 0;
  }
  if (a.markdown)
    fmt::print(
        "# Model reference\n\nGenerated by `engram models --markdown` from the models' "
        "parameter tables; do not edit by hand (a test checks it is current).\n\n");
  for (const auto* m : all_models()) a.markdown ? print_markdown(*m) : print_text(*m);
  if (a.markdown)
    fmt::print(
        "## Cable mechanisms\n\nDensity mechanisms of `model = \"cable\"` cells "
        "(`[[population.mechanism]]`, `name` and `params`); densities in S/cm2, potentials in "
        "mV; each parameter may vary with the distance from the root (README).\n\n");
  else
    fmt::print("cable mechanisms ([[population.mechanism]] of model \"cable\"):\n\n");
  for (const auto* m : dendrites::all_mechanisms())
    a.markdown ? print_mechanism_markdown(*m) : print_mechanism_text(*m);
  return 0;
}

}  // namespace engram
