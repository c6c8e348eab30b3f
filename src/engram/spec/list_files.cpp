#include "engram/spec/list_files.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace engram {
namespace {

struct CsvRow {
  uint32_t line;
  std::vector<double> fields;
};

// Reads numeric CSV rows (comma or whitespace separated). Skips blank lines, '#' comments
// and a first line that is not numeric (a header).
std::vector<CsvRow> read_csv(const std::filesystem::path& file, const SourceLocation& ref,
                             const std::string& key, std::string& hash_input, size_t min_fields,
                             size_t max_fields) {
  std::ifstream in(file);
  if (!in)
    throw InputError(ref, key,
                     fmt::format("cannot open file '{}' (does it exist?)", file.string()));
  std::vector<CsvRow> rows;
  std::string line;
  uint32_t lineno = 0;
  const std::string fname = file.string();
  while (std::getline(in, line)) {
    ++lineno;
    hash_input += line;
    hash_input += '\n';
    if (auto c = line.find('#'); c != std::string::npos) line.resize(c);
    for (char& ch : line)
      if (ch == ',' || ch == ';' || ch == '\t' || ch == '\r') ch = ' ';
    std::istringstream ss(line);
    std::vector<double> fields;
    std::string tok;
    bool numeric = true;
    while (ss >> tok) {
      double v = 0;
      auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), v);
      if (ec != std::errc{} || p != tok.data() + tok.size() || !std::isfinite(v)) {
        numeric = false;
        break;
      }
      fields.push_back(v);
    }
    if (fields.empty() && numeric) continue;
    if (!numeric) {
      if (rows.empty() && lineno == 1) continue;  // header
      throw InputError(SourceLocation{fname, lineno, 0}, key,
                       fmt::format("expected numbers, got '{}'", tok));
    }
    if (fields.size() < min_fields || fields.size() > max_fields)
      throw InputError(
          SourceLocation{fname, lineno, 0}, key,
          fmt::format("expected {} to {} columns, got {}", min_fields, max_fields, fields.size()));
    rows.push_back({lineno, std::move(fields)});
  }
  return rows;
}

uint32_t index_field(double v, uint32_t limit, const std::string& fname, uint32_t line,
                     const std::string& key, const char* what) {
  if (v < 0 || v >= limit || std::floor(v) != v)
    throw InputError(
        SourceLocation{fname, line, 0}, key,
        fmt::format("{} index must be an integer in [0, {}), got {:g}", what, limit, v));
  return static_cast<uint32_t>(v);
}

}  // namespace

std::vector<std::vector<double>> read_spike_time_file(const std::filesystem::path& file,
                                                      uint32_t n_neurons, const SourceLocation& ref,
                                                      const std::string& key,
                                                      std::string& hash_input) {
  auto rows = read_csv(file, ref, key, hash_input, 2, 2);
  std::vector<std::vector<double>> out(n_neurons);
  const std::string fname = file.string();
  for (const auto& r : rows) {
    uint32_t n = index_field(r.fields[0], n_neurons, fname, r.line, key, "neuron");
    double t = r.fields[1];
    if (t < 0)
      throw InputError(SourceLocation{fname, r.line, 0}, key,
                       fmt::format("spike times must be >= 0 ms, got {:g} ms", t));
    if (!out[n].empty() && t < out[n].back())
      throw InputError(SourceLocation{fname, r.line, 0}, key,
                       fmt::format("spike times of neuron {} must be increasing, got {:g} ms after "
                                   "{:g} ms",
                                   n, t, out[n].back()));
    out[n].push_back(t);
  }
  return out;
}

std::vector<ListedSynapse> read_connection_file(const std::filesystem::path& file, uint32_t n_pre,
                                                uint32_t n_post, const SourceLocation& ref,
                                                const std::string& key, std::string& hash_input) {
  auto rows = read_csv(file, ref, key, hash_input, 2, 4);
  std::vector<ListedSynapse> out;
  out.reserve(rows.size());
  const std::string fname = file.string();
  for (const auto& r : rows) {
    ListedSynapse s;
    s.pre = index_field(r.fields[0], n_pre, fname, r.line, key, "pre");
    s.post = index_field(r.fields[1], n_post, fname, r.line, key, "post");
    if (r.fields.size() > 2) s.weight = r.fields[2];
    if (r.fields.size() > 3) {
      s.delay = r.fields[3];
      if (!(*s.delay > 0))
        throw InputError(SourceLocation{fname, r.line, 0}, key,
                         fmt::format("delay must be > 0 ms, got {:g}", *s.delay));
    }
    out.push_back(s);
  }
  return out;
}

std::pair<std::vector<double>, std::vector<double>> read_waveform_file(
    const std::filesystem::path& file, const SourceLocation& ref, const std::string& key,
    std::string& hash_input) {
  auto rows = read_csv(file, ref, key, hash_input, 2, 2);
  std::vector<double> t, a;
  const std::string fname = file.string();
  for (const auto& r : rows) {
    if (r.fields[0] < 0 || (!t.empty() && r.fields[0] <= t.back()))
      throw InputError(
          SourceLocation{fname, r.line, 0}, key,
          fmt::format("times must be >= 0 and strictly increasing, got {:g} ms", r.fields[0]));
    t.push_back(r.fields[0]);
    a.push_back(r.fields[1]);
  }
  if (t.empty()) throw InputError(ref, key, fmt::format("file '{}' holds no samples", fname));
  return {t, a};
}

}  // namespace engram
