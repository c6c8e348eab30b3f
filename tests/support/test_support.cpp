#include "test_support.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

namespace engram::test {

std::string source_path(std::string_view relative) {
  return std::string(ENGRAM_SOURCE_DIR) + "/" + std::string(relative);
}

ModelSpec spec_from(std::string_view toml, const std::vector<Override>& overrides) {
  return load_model_text(toml, "test.toml", source_path("tests/data"), overrides);
}

std::unique_ptr<Simulation> run_model(std::string_view toml,
                                      const std::vector<Override>& overrides) {
  auto sim = std::make_unique<Simulation>(spec_from(toml, overrides));
  sim->run();
  return sim;
}

std::unique_ptr<Simulation> run_file(const std::string& relative_path,
                                     const std::vector<Override>& overrides) {
  auto sim = std::make_unique<Simulation>(load_model_file(source_path(relative_path), overrides));
  sim->run();
  return sim;
}

std::optional<InputError> input_error_of(std::string_view toml,
                                         const std::vector<Override>& overrides) {
  try {
    spec_from(toml, overrides);
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an InputError, but the model was accepted:\n" << toml;
  return std::nullopt;
}

void expect_input_error(const std::optional<InputError>& e, uint32_t line, std::string_view key,
                        std::string_view fragment) {
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->where().line, line) << e->what();
  EXPECT_EQ(e->key_path(), key) << e->what();
  EXPECT_NE(e->message().find(fragment), std::string::npos)
      << "message lacks \"" << fragment << "\": " << e->what();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::vector<double>> spike_trains(const Simulation& sim, std::string_view population) {
  const int p = sim.spec().population_index(population);
  if (p < 0) throw std::runtime_error("no population " + std::string(population));
  const int r = sim.recorders().spike_recording_of(static_cast<uint32_t>(p));
  if (r < 0) throw std::runtime_error("spikes of " + std::string(population) + " not recorded");
  const auto& rec = sim.recorders().spikes()[r];
  std::vector<std::vector<double>> trains(sim.spec().populations[p].size);
  for (size_t k = 0; k < rec.t_ms.size(); ++k) trains[rec.neuron[k]].push_back(rec.t_ms[k]);
  return trains;
}

std::vector<double> trace(const Simulation& sim, std::string_view population,
                          std::string_view variable, size_t column) {
  const int p = sim.spec().population_index(population);
  for (const auto& rec : sim.recorders().states()) {
    if (rec.population != static_cast<uint32_t>(p)) continue;
    if (rec.variable != variable) continue;
    std::vector<double> out(rec.samples);
    const size_t n = rec.neurons.size();
    for (size_t i = 0; i < rec.samples; ++i) out[i] = rec.data[i * n + column];
    return out;
  }
  throw std::runtime_error("no recording of " + std::string(variable));
}

}  // namespace engram::test
