#include "test_support.hpp"

#include <fstream>
#include <sstream>

namespace engram::test {

std::string source_path(std::string_view relative) {
  return std::string(ENGRAM_SOURCE_DIR) + "/" + std::string(relative);
}

ModelSpec spec_from(std::string_view toml, const std::vector<Override>& overrides) {
  return load_model_text(toml, "test.toml", source_path("tests/data"), overrides);
}

std::unique_ptr<Simulation> run_model(std::string_view toml, const std::vector<Override>& overrides) {
  auto sim = std::make_unique<Simulation>(spec_from(toml, overrides));
  sim->run();
  return sim;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace engram::test
