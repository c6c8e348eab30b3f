#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "engram/spec/model_spec.hpp"

namespace engram {

// One `--set KEY=VALUE` override, applied to the model file before validation.
// KEY is a dotted path; inside population/projection/stimulus/record the second part is
// an element's `name` or its 0-based index: "population.exc.size", "protocol.seed".
struct Override {
  std::string key;
  std::string value;  // TOML value syntax; a bare word is taken as a string
};

// Parses and validates a model file. Throws InputError naming file, line and key.
ModelSpec load_model_file(const std::string& path, const std::vector<Override>& overrides = {});

// Same for model text held in memory (`origin` is used in messages and to resolve relative
// file paths; base_dir is where referenced files are looked up).
ModelSpec load_model_text(std::string_view text, const std::string& origin,
                          const std::string& base_dir, const std::vector<Override>& overrides = {});

Override parse_override(std::string_view key_equals_value);

}  // namespace engram
