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

double DistanceProfile::reach() const {
  if (kind == Kind::custom && !distances.empty()) return std::min(cutoff, distances.back());
  return cutoff;
}

double DistanceProfile::operator()(double d) const {
  if (d > cutoff) return 0.0;
  switch (kind) {
    case Kind::none:
      return 1.0;
    case Kind::gaussian:
      return std::exp(-0.5 * d * d / (scale * scale));
    case Kind::exponential:
      return std::exp(-d / scale);
    case Kind::custom: {
      if (distances.empty() || d > distances.back()) return 0.0;
      if (d <= distances.front()) return values.front();
      size_t k = 1;
      while (distances[k] < d) ++k;
      const double f = (d - distances[k - 1]) / (distances[k] - distances[k - 1]);
      return values[k - 1] + f * (values[k] - values[k - 1]);
    }
  }
  return 1.0;
}

int ModelSpec::population_index(std::string_view n) const {
  for (size_t i = 0; i < populations.size(); ++i)
    if (populations[i].name == n) return static_cast<int>(i);
  return -1;
}

}  // namespace engram
