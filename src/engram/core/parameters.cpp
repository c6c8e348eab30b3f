#include "engram/core/parameters.hpp"

#include <cmath>

#include <fmt/format.h>

namespace engram {

std::string ParamSpec::range_text() const {
  auto unit = canonical_unit(dim);
  auto num = [&](double v) {
    return unit.empty() ? fmt::format("{:g}", v) : fmt::format("{:g} {}", v, unit);
  };
  bool has_lo = std::isfinite(lo), has_hi = std::isfinite(hi);
  if (!has_lo && !has_hi) return "any";
  if (has_lo && !has_hi) return fmt::format("{} {}", lo_open ? ">" : ">=", num(lo));
  if (!has_lo && has_hi) return fmt::format("{} {}", hi_open ? "<" : "<=", num(hi));
  return fmt::format("{}{:g}, {:g}{}{}{}", lo_open ? "(" : "[", lo, hi, hi_open ? ")" : "]",
                     unit.empty() ? "" : " ", unit);
}

}  // namespace engram
