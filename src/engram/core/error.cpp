#include "engram/core/error.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace engram {
namespace {

std::string render(const SourceLocation& where, const std::string& key_path,
                   const std::string& message) {
  std::string out;
  if (!where.file.empty()) {
    out = where.file;
    if (where.line > 0) out = fmt::format("{}:{}", out, where.line);
    if (where.column > 0) out = fmt::format("{}:{}", out, where.column);
    out = fmt::format("{}: ", out);
  }
  if (!key_path.empty()) out = fmt::format("{}{}: ", out, key_path);
  return out + message;
}

}  // namespace

InputError::InputError(SourceLocation where, std::string key_path, std::string message)
    : std::runtime_error(render(where, key_path, message)),
      where_(std::move(where)),
      key_path_(std::move(key_path)),
      message_(std::move(message)) {}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace engram
