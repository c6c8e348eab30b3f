#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "engram/engine/simulation.hpp"
#include "engram/spec/parse.hpp"

namespace engram::test {

// Parses model text as if it were a file in examples/ (for relative data paths).
ModelSpec spec_from(std::string_view toml, const std::vector<Override>& overrides = {});
// Parses and runs; the simulation is returned for inspection.
std::unique_ptr<Simulation> run_model(std::string_view toml, const std::vector<Override>& overrides = {});
std::string source_path(std::string_view relative);
std::string read_file(const std::string& path);

}  // namespace engram::test
