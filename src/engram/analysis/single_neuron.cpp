#include "engram/analysis/single_neuron.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <regex>

#include <fmt/format.h>

#include "engram/analysis/step_bounds.hpp"
#include "engram/core/error.hpp"
#include "engram/dendrites/cable_population.hpp"
#include "engram/engine/simulation.hpp"
#include "engram/spec/parse.hpp"

namespace fs = std::filesystem;

namespace engram {
namespace {

// A cable population's clamps belong to members of the file's population; the analyses
// make their own members and inject their own current, so they run the cell without them.
ModelSpec without_clamps(ModelSpec spec, int pop) {
  PopulationSpec& p = spec.populations.at(static_cast<size_t>(pop));
  if (p.cable && (!p.cable->iclamps.empty() || !p.cable->vclamps.empty())) {
    auto bare = p.cable->without_clamps();
    p.model = &bare->info;
    p.cable = std::move(bare);
  }
  return spec;
}

std::string names_of_presets(const ModelInfo& m) {
  std::string s;
  for (const auto& p : m.presets) s += (s.empty() ? "" : ", ") + std::string(p.name);
  return s;
}

void check_preset(const ModelInfo& m, const std::string& preset) {
  if (preset.empty() || find_preset(m, preset)) return;
  if (m.presets.empty())
    throw InputError({}, "", fmt::format("--preset: model {} has no presets", m.name));
  std::vector<std::string_view> names;
  for (const auto& p : m.presets) names.push_back(p.name);
  const auto hint = did_you_mean(preset, names);
  throw InputError({}, "",
                   fmt::format("--preset: unknown preset '{}' of model {}; {}", preset, m.name,
                               hint.empty() ? "the presets are: " + names_of_presets(m) : hint));
}

void check_takes_current(const ModelInfo& m) {
  if (m.kind != ModelKind::neuron || !m.accepts_current)
    throw InputError({}, "",
                     fmt::format("model {} is not a neuron that takes injected current", m.name));
}

}  // namespace

namespace {
NeuronModel load_unchecked(const NeuronSource& src);
}  // namespace

NeuronModel load_neuron(const NeuronSource& src) {
  NeuronModel m = load_unchecked(src);
  check_step_bounds(m.spec);
  return m;
}

namespace {

NeuronModel load_unchecked(const NeuronSource& src) {
  const std::string& what = src.model_or_file;
  std::vector<Override> overrides;
  if (const ModelInfo* m = find_model(what)) {
    check_takes_current(*m);
    check_preset(*m, src.preset);
    // the neuron as a one-population model file, so that parameters, presets, initial state
    // and integrator are validated exactly as in a model file
    std::string text = fmt::format(
        "[model]\nname = \"{0}\"\n[protocol]\nduration = \"1 s\"\n[[population]]\nname = "
        "\"{0}\"\nsize = 1\nmodel = \"{0}\"\n",
        what);
    if (!src.preset.empty()) text += fmt::format("preset = \"{}\"\n", src.preset);
    for (const auto& s : src.sets) {
      Override o = parse_override(s);
      if (o.key.find('.') == std::string::npos) o.key = "population.0.params." + o.key;
      overrides.push_back(std::move(o));
    }
    if (!src.integrator.empty())
      overrides.push_back({"population.0.integrator", "\"" + src.integrator + "\""});
    if (src.dt) overrides.push_back({"protocol.dt", fmt::format("\"{} ms\"", *src.dt)});
    return {
        load_model_text(text, fmt::format("<{}>", what), fs::current_path().string(), overrides),
        0};
  }
  std::error_code ec;
  if (!fs::is_regular_file(what, ec)) {
    std::vector<std::string_view> names;
    for (const auto* x : all_models()) names.push_back(x->name);
    const auto hint = did_you_mean(what, names);
    throw InputError(
        {}, "",
        fmt::format("'{}' is neither a model nor a model file{}", what,
                    hint.empty() ? " (`engram models` lists the models)" : "; " + hint));
  }
  for (const auto& s : src.sets) overrides.push_back(parse_override(s));
  ModelSpec spec = load_model_file(what, overrides);
  int pop = -1;
  if (!src.population.empty()) {
    pop = spec.population_index(src.population);
    if (pop < 0) {
      std::vector<std::string_view> names;
      for (const auto& p : spec.populations) names.push_back(p.name);
      const auto hint = did_you_mean(src.population, names);
      throw InputError({}, "",
                       fmt::format("--population: no population '{}' in {}{}", src.population, what,
                                   hint.empty() ? "" : "; " + hint));
    }
  } else {
    for (size_t i = 0; i < spec.populations.size() && pop < 0; ++i)
      if (spec.populations[i].model->kind == ModelKind::neuron &&
          spec.populations[i].model->accepts_current)
        pop = static_cast<int>(i);
    if (pop < 0)
      throw InputError({}, "",
                       fmt::format("{} has no population of neurons that take current", what));
  }
  const auto& p = spec.populations[static_cast<size_t>(pop)];
  check_takes_current(*p.model);
  check_preset(*p.model, src.preset);
  if (src.preset.empty() && src.integrator.empty() && !src.dt)
    return {without_clamps(std::move(spec), pop), pop};
  // reload with the options as overrides of that population, validated as the file is
  const std::string key = "population." + p.name + ".";
  if (!src.preset.empty()) overrides.push_back({key + "preset", "\"" + src.preset + "\""});
  if (!src.integrator.empty())
    overrides.push_back({key + "integrator", "\"" + src.integrator + "\""});
  if (src.dt) overrides.push_back({"protocol.dt", fmt::format("\"{} ms\"", *src.dt)});
  return {without_clamps(load_model_file(what, overrides), pop), pop};
}

}  // namespace

double CurrentProtocol::current_at(double t_ms) const {
  double i = 0;
  for (size_t k = 0; k < times.size() && times[k] <= t_ms; ++k) i = amplitudes[k];
  return i;
}

CurrentProtocol CurrentProtocol::step(double amplitude, double start, double stop) {
  CurrentProtocol p;
  p.times = {start};
  p.amplitudes = {amplitude};
  if (std::isfinite(stop)) {
    p.times.push_back(stop);
    p.amplitudes.push_back(0.0);
  }
  p.description = std::isfinite(stop)
                      ? fmt::format("{:g} pA step from {:g} to {:g} ms", amplitude, start, stop)
                      : fmt::format("{:g} pA step from {:g} ms", amplitude, start);
  return p;
}

std::optional<CurrentProtocol> preset_step(std::string_view description) {
  // the forms the presets use for a single step or pulse; anything else is not guessed at
  static const std::regex step(R"(^(-?[0-9.]+) (pA|nA) step(?: from ([0-9.]+) ms)?$)");
  static const std::regex pulse(R"(^(-?[0-9.]+) (pA|nA) from ([0-9.]+) to ([0-9.]+) ms$)");
  const std::string d(description);
  std::smatch m;
  auto num = [](const std::string& s) { return std::stod(s); };
  if (std::regex_match(d, m, step)) {
    const double a = num(m[1]) * (m[2] == "nA" ? 1000.0 : 1.0);
    auto p = CurrentProtocol::step(a, m[3].matched ? num(m[3]) : 0.0, INFINITY);
    p.description = d;
    return p;
  }
  if (std::regex_match(d, m, pulse)) {
    const double a = num(m[1]) * (m[2] == "nA" ? 1000.0 : 1.0);
    auto p = CurrentProtocol::step(a, num(m[3]), num(m[4]));
    p.description = d;
    return p;
  }
  return std::nullopt;
}

Trace run_trace(const NeuronModel& m, const CurrentProtocol& protocol, double duration) {
  ModelSpec s;
  s.name = m.spec.name;
  s.file = m.spec.file;
  s.protocol = m.spec.protocol;
  s.protocol.duration = duration;
  s.protocol.threads = 1;
  PopulationSpec p = m.spec.populations.at(static_cast<size_t>(m.pop));
  p.size = 1;
  p.positions.clear();
  p.spike_times.clear();
  const Origin origin = p.origin;
  const ModelInfo& model = *p.model;
  s.populations.push_back(std::move(p));
  if (!protocol.times.empty()) {
    StimulusSpec st;
    st.kind = StimulusKind::step_current;
    st.target = 0;
    st.times = protocol.times;
    st.amplitudes = protocol.amplitudes;
    st.origin = origin;
    s.stimuli.push_back(std::move(st));
  }
  RecordSpec spikes;
  spikes.population = 0;
  spikes.origin = origin;
  s.records.push_back(spikes);
  for (size_t i = 0; i < model.state.size(); ++i) {
    RecordSpec r;
    r.spikes = false;
    r.state = static_cast<int>(i);
    r.population = 0;
    r.interval = s.protocol.dt;
    r.origin = origin;
    s.records.push_back(r);
  }
  static const Communicator self{};  // this process alone (the root rank under mpirun)
  Simulation sim(s, self);
  sim.run();
  Trace t;
  t.spikes = sim.recorders().spikes().at(0).t_ms;
  for (const auto& rec : sim.recorders().states()) {
    t.variables.emplace_back(model.state[rec.state].name);
    t.data.emplace_back(rec.data.begin(), rec.data.begin() + static_cast<long>(rec.samples));
    if (t.t_ms.empty())
      for (size_t k = 0; k < rec.samples; ++k)
        t.t_ms.push_back(
            static_cast<double>(rec.first_k + static_cast<int64_t>(k) * rec.interval_steps) *
            s.protocol.dt);
  }
  return t;
}

}  // namespace engram
