#include "models_listing.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engram/core/error.hpp"
#include "engram/models/model.hpp"

namespace engram {
namespace {

std::string default_text(const ParamSpec& p) { return format_quantity(p.default_value, p.dim); }

void print_text(const ModelInfo& m) {
  fmt::print("{} ({}): {}\n", m.name, m.kind == ModelKind::neuron ? "neuron" : "source", m.summary);
  fmt::print("  {}\n", m.doc);
  if (!m.params.empty()) {
    fmt::print("  {:<12} {:<6} {:>12}  {:<18} {}\n", "parameter", "unit", "default", "valid range", "meaning");
    for (const auto& p : m.params)
      fmt::print("  {:<12} {:<6} {:>12}  {:<18} {}\n", p.name, canonical_unit(p.dim),
                 fmt::format("{:g}", p.default_value), p.range_text(), p.doc);
  }
  if (!m.state.empty()) {
    fmt::print("  recordable:");
    for (const auto& s : m.state)
      fmt::print(" {}{}", s.name, s.dim == Dim::none ? "" : fmt::format(" ({})", canonical_unit(s.dim)));
    fmt::print("\n");
  }
  if (!m.receptors.empty()) {
    fmt::print("  receptors:");
    for (const auto& r : m.receptors)
      fmt::print(" {} (weight in {})", r.name, r.weight_dim == Dim::none ? "1" : canonical_unit(r.weight_dim));
    fmt::print("\n");
  }
  fmt::print("  integrators: ");
  for (size_t i = 0; i < m.integrators.size(); ++i)
    fmt::print("{}{}{}", i ? ", " : "", m.integrators[i], i == 0 ? " (default)" : "");
  fmt::print("\n\n");
}

void print_markdown(const ModelInfo& m) {
  fmt::print("### `{}` ({})\n\n{}. {}\n\n", m.name, m.kind == ModelKind::neuron ? "neuron" : "source",
             m.summary, m.doc);
  if (!m.params.empty()) {
    fmt::print("| parameter | unit | default | valid range | meaning |\n|---|---|---|---|---|\n");
    for (const auto& p : m.params)
      fmt::print("| `{}` | {} | {} | {} | {} |\n", p.name, canonical_unit(p.dim), default_text(p),
                 p.range_text(), p.doc);
    fmt::print("\n");
  }
  if (!m.state.empty()) {
    fmt::print("Recordable state:");
    for (const auto& s : m.state)
      fmt::print(" `{}`{}", s.name, s.dim == Dim::none ? "" : fmt::format(" ({})", canonical_unit(s.dim)));
    fmt::print(".");
  }
  if (!m.receptors.empty()) {
    fmt::print(" Receptor ports:");
    for (const auto& r : m.receptors)
      fmt::print(" `{}` (weight in {}: {})", r.name,
                 r.weight_dim == Dim::none ? "1" : canonical_unit(r.weight_dim), r.doc);
    fmt::print(".");
  }
  fmt::print(" Integrators: {}.\n\n", fmt::join(m.integrators, ", "));
}

}  // namespace

int list_models(const ModelsArgs& a) {
  if (!a.name.empty()) {
    const ModelInfo* m = find_model(a.name);
    if (!m) {
      std::vector<std::string_view> names;
      for (const auto* x : all_models()) names.push_back(x->name);
      auto hint = did_you_mean(a.name, names);
      throw InputError({}, "", fmt::format("unknown model '{}'{}", a.name, hint.empty() ? "" : "; " + hint));
    }
    a.markdown ? print_markdown(*m) : print_text(*m);
    return 0;
  }
  for (const auto* m : all_models()) a.markdown ? print_markdown(*m) : print_text(*m);
  return 0;
}

}  // namespace engram
