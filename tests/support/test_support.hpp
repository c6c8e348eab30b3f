#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

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

// The recorded spikes of a population: times (ms) per neuron.
std::vector<std::vector<double>> spike_trains(const Simulation& sim, std::string_view population);
// A recorded trace: samples of one neuron (column) of the recording of `variable`.
std::vector<double> trace(const Simulation& sim, std::string_view population,
                          std::string_view variable, size_t column = 0);

}  // namespace engram::test
