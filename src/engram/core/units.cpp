#include "engram/core/units.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace engram {
namespace {

struct UnitSymbol {
  std::string_view symbol;
  Dim dim;
  double to_canonical;
};

// Every accepted symbol with its factor to the canonical unit of its dimension.
constexpr std::array kUnits = {
    UnitSymbol{"s", Dim::time, 1e3},          UnitSymbol{"ms", Dim::time, 1.0},
    UnitSymbol{"us", Dim::time, 1e-3},        UnitSymbol{"µs", Dim::time, 1e-3},
    UnitSymbol{"min", Dim::time, 60e3},       UnitSymbol{"h", Dim::time, 3600e3},
    UnitSymbol{"V", Dim::voltage, 1e3},       UnitSymbol{"mV", Dim::voltage, 1.0},
    UnitSymbol{"uV", Dim::voltage, 1e-3},     UnitSymbol{"µV", Dim::voltage, 1e-3},
    UnitSymbol{"A", Dim::current, 1e12},      UnitSymbol{"mA", Dim::current, 1e9},
    UnitSymbol{"uA", Dim::current, 1e6},      UnitSymbol{"µA", Dim::current, 1e6},
    UnitSymbol{"nA", Dim::current, 1e3},      UnitSymbol{"pA", Dim::current, 1.0},
    UnitSymbol{"fA", Dim::current, 1e-3},     UnitSymbol{"S", Dim::conductance, 1e9},
    UnitSymbol{"mS", Dim::conductance, 1e6},  UnitSymbol{"uS", Dim::conductance, 1e3},
    UnitSymbol{"µS", Dim::conductance, 1e3},  UnitSymbol{"nS", Dim::conductance, 1.0},
    UnitSymbol{"pS", Dim::conductance, 1e-3}, UnitSymbol{"F", Dim::capacitance, 1e12},
    UnitSymbol{"uF", Dim::capacitance, 1e6},  UnitSymbol{"µF", Dim::capacitance, 1e6},
    UnitSymbol{"nF", Dim::capacitance, 1e3},  UnitSymbol{"pF", Dim::capacitance, 1.0},
    UnitSymbol{"Hz", Dim::frequency, 1.0},    UnitSymbol{"kHz", Dim::frequency, 1e3},
    UnitSymbol{"m/s", Dim::velocity, 1e3},    UnitSymbol{"mm/ms", Dim::velocity, 1e3},
    UnitSymbol{"um/ms", Dim::velocity, 1.0},  UnitSymbol{"mm/s", Dim::velocity, 1.0},
    UnitSymbol{"m", Dim::length, 1e6},        UnitSymbol{"mm", Dim::length, 1e3},
    UnitSymbol{"um", Dim::length, 1.0},       UnitSymbol{"µm", Dim::length, 1.0},
    UnitSymbol{"Ohm", Dim::resistance, 1e-6}, UnitSymbol{"kOhm", Dim::resistance, 1e-3},
    UnitSymbol{"MOhm", Dim::resistance, 1.0}, UnitSymbol{"GOhm", Dim::resistance, 1e3},
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view canonical_unit(Dim d) {
  switch (d) {
    case Dim::none:
      return "";
    case Dim::time:
      return "ms";
    case Dim::voltage:
      return "mV";
    case Dim::current:
      return "pA";
    case Dim::conductance:
      return "nS";
    case Dim::capacitance:
      return "pF";
    case Dim::frequency:
      return "Hz";
    case Dim::length:
      return "um";
    case Dim::resistance:
      return "MOhm";
    case Dim::velocity:
      return "um/ms";
  }
  return "";
}

std::string_view dimension_name(Dim d) {
  switch (d) {
    case Dim::none:
      return "dimensionless";
    case Dim::time:
      return "time";
    case Dim::voltage:
      return "voltage";
    case Dim::current:
      return "current";
    case Dim::conductance:
      return "conductance";
    case Dim::capacitance:
      return "capacitance";
    case Dim::frequency:
      return "frequency";
    case Dim::length:
      return "length";
    case Dim::resistance:
      return "resistance";
    case Dim::velocity:
      return "velocity";
  }
  return "";
}

std::optional<Quantity> parse_quantity(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  double value = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (*first == '+') ++first;
  auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc{} || !std::isfinite(value)) return std::nullopt;
  std::string_view unit = trim(std::string_view(ptr, static_cast<size_t>(last - ptr)));
  if (unit.empty()) return Quantity{value, Dim::none};
  for (const auto& u : kUnits)
    if (u.symbol == unit) return Quantity{value * u.to_canonical, u.dim};
  return std::nullopt;
}

std::string format_quantity(double value, Dim d) {
  auto unit = canonical_unit(d);
  if (unit.empty()) return fmt::format("{:g}", value);
  return fmt::format("{:g} {}", value, unit);
}

}  // namespace engram
