#pragma once
// Reads one TOML table of a model file with units, ranges and "did you mean" for unknown
// keys. Every error names the file, line and the key path.
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "engram/core/error.hpp"
#include "engram/core/parameters.hpp"
#include "engram/spec/model_spec.hpp"

namespace engram {

struct ReadContext {
  std::string file;                // for messages
  std::filesystem::path base_dir;  // relative file paths are resolved here
  std::string extra_hash_input;    // contents of referenced files, for the model hash
};

SourceLocation location_of(const toml::node* node, const ReadContext& ctx);

class TableReader {
 public:
  TableReader(const toml::table& table, std::string path, ReadContext& ctx);

  const std::string& path() const { return path_; }
  std::string key_path(std::string_view key) const;
  bool has(std::string_view key) const { return table_.contains(key); }
  const toml::node* node(std::string_view key);  // marks the key as known
  SourceLocation where(std::string_view key = {}) const;
  Origin origin(std::string_view key = {}) const { return {where(key), key_path(key)}; }

  [[noreturn]] void fail(std::string_view key, const std::string& message) const;

  std::string string(std::string_view key, std::optional<std::string> fallback = std::nullopt);
  bool boolean(std::string_view key, bool fallback);
  int64_t integer(std::string_view key, std::optional<int64_t> fallback = std::nullopt);
  double quantity(std::string_view key, Dim dim, std::optional<double> fallback = std::nullopt);
  // A parameter from a table: checks dimension and valid range.
  double parameter(std::string_view key, const ParamSpec& spec);
  Distribution distribution(std::string_view key, Dim dim,
                            std::optional<double> fallback = std::nullopt);
  std::vector<double> quantity_list(std::string_view key, Dim dim);
  std::vector<uint32_t> index_list(std::string_view key, uint32_t limit);
  // A quantity held by a node inside this table's `key` (e.g. an element of a nested list);
  // errors point at that node's line under key `key`.
  double quantity_at(const toml::node& n, std::string_view key, Dim dim) const;
  TableReader subtable(std::string_view key);
  // Keys that are expected but must not be reported unknown even if unread.
  void allow(std::string_view key) { known_.insert(std::string(key)); }
  // Errors for keys that were never asked for, with a "did you mean".
  void finish() const;

  ReadContext& context() { return ctx_; }
  const toml::table& table() const { return table_; }

 private:
  double quantity_of(const toml::node& n, std::string_view key, Dim dim) const;
  [[noreturn]] void fail_at(const toml::node& n, std::string_view key,
                            const std::string& message) const;

  const toml::table& table_;
  std::string path_;
  ReadContext& ctx_;
  std::set<std::string> known_;
};

}  // namespace engram
