#pragma once
// Errors that reach the user. InputError is bad input (exit code 2): it names the file,
// line and key path so the user can go straight to the fault. RuntimeFailure is a run
// that went wrong after the input was accepted (exit code 1), e.g. a numerical blow-up.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace engram {

struct SourceLocation {
  std::string file;   // empty when the input did not come from a file
  uint32_t line = 0;  // 1-based; 0 when unknown
  uint32_t column = 0;
};

class InputError : public std::runtime_error {
 public:
  InputError(SourceLocation where, std::string key_path, std::string message);

  const SourceLocation& where() const { return where_; }
  const std::string& key_path() const { return key_path_; }
  const std::string& message() const { return message_; }

 private:
  SourceLocation where_;
  std::string key_path_;
  std::string message_;
};

class RuntimeFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "did you mean 'tau_m'?" for the closest candidate within a small edit distance, or "".
template <class Range>
std::string did_you_mean(std::string_view got, const Range& candidates);

size_t edit_distance(std::string_view a, std::string_view b);

template <class Range>
std::string did_you_mean(std::string_view got, const Range& candidates) {
  std::string best;
  size_t best_d = got.size() / 2 + 2;
  for (const auto& c : candidates) {
    std::string_view cand(c);
    size_t d = edit_distance(got, cand);
    if (d < best_d) {
      best_d = d;
      best = std::string(cand);
    }
  }
  return best.empty() ? std::string() : "did you mean '" + best + "'?";
}

}  // namespace engram
