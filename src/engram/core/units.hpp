#pragma once
// Physical quantities at the model-file boundary. Inside the engine every value is a plain
// double in the canonical unit of its dimension (ms, mV, pA, nS, pF, Hz, um, MOhm).
#include <optional>
#include <string>
#include <string_view>

namespace engram {

enum class Dim {
  none,         // dimensionless
  time,         // ms
  voltage,      // mV
  current,      // pA
  conductance,  // nS
  capacitance,  // pF
  frequency,    // Hz
  length,       // um
  resistance,   // MOhm
  velocity,     // um/ms (= mm/s)
};

// Canonical unit symbol of a dimension ("ms", "mV", ...; "" for none).
std::string_view canonical_unit(Dim d);
// Human name of a dimension ("time", "voltage", ...).
std::string_view dimension_name(Dim d);

struct Quantity {
  double value;  // in canonical units of `dim`
  Dim dim;
};

// Parses "20 ms", "-65mV", "1.5e3 Hz", "0.3" (dimensionless). Returns nullopt on a malformed
// string or an unknown unit symbol.
std::optional<Quantity> parse_quantity(std::string_view text);

// Formats a canonical value with its unit, e.g. "20 ms".
std::string format_quantity(double value, Dim d);

}  // namespace engram
