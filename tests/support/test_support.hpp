#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engram/core/error.hpp"
#include "engram/engine/simulation.hpp"
#include "engram/spec/parse.hpp"

namespace engram::test {

// Parses model text as if it were a file in tests/data/ (for relative data paths).
ModelSpec spec_from(std::string_view toml, const std::vector<Override>& overrides = {});
// Parses and runs; the simulation is returned for inspection.
std::unique_ptr<Simulation> run_model(std::string_view toml,
                                      const std::vector<Override>& overrides = {});
std::unique_ptr<Simulation> run_file(const std::string& relative_path,
                                     const std::vector<Override>& overrides = {});
std::string source_path(std::string_view relative);
std::string read_file(const std::string& path);

// The InputError thrown while parsing `toml` (as a file in tests/data/); a test failure,
// and nullopt, when the model is accepted.
std::optional<InputError> input_error_of(std::string_view toml,
                                         const std::vector<Override>& overrides = {});
// Checks an input error's line, key path and a fragment of its message.
void expect_input_error(const std::optional<InputError>& e, uint32_t line, std::string_view key,
                        std::string_view fragment);

// The recorded spikes of a population: times (ms) per neuron.
std::vector<std::vector<double>> spike_trains(const Simulation& sim, std::string_view population);
// A recorded trace: samples of one neuron (column) of the recording of `variable`.
std::vector<double> trace(const Simulation& sim, std::string_view population,
                          std::string_view variable, size_t column = 0);

}  // namespace engram::test
