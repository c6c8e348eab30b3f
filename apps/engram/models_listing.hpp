#pragma once
// `engram models`: the model tables as text or Markdown.
#include <string>

namespace engram {
struct ModelsArgs {
  std::string name;
  bool markdown = false;
};
int list_models(const ModelsArgs& args);
}  // namespace engram
