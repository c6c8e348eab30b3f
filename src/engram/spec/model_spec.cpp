#include "engram/spec/model_spec.hpp"

#include <cmath>

namespace engram {

double Distribution::mean() const {
  switch (kind) {
    case Kind::constant:
      return a;
    case Kind::normal:
      return a;
    case Kind::lognormal:
      return a * std::exp(0.5 * b * b);
    case Kind::uniform:
      return 0.5 * (a + b);
  }
  return a;
}

int ModelSpec::population_index(std::string_view n) const {
  for (size_t i = 0; i < populations.size(); ++i)
    if (populations[i].name == n) return static_cast<int>(i);
  return -1;
}

}  // namespace engram
