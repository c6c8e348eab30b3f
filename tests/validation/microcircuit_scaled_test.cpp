// The Potjans & Diesmann (2014) microcircuit at a tenth of its size, in-degrees kept
// (examples/potjans_diesmann_2014_scale0p1.toml, from tools/make_microcircuit.py --scale 0.1):
// the CI-sized companion of the full-scale test in tests/long/.
//
// Keeping every neuron's in-degree keeps the mean and variance of its input, so no DC
// compensation is needed; what changes is that neurons share ten times more of their inputs,
// and the correlated input raises the rates of the low-rate, fluctuation-driven populations.
// Measured (seed 55, 0.5 s after the 500 ms transient): 1 % below to 28 % above NEST's
// full-scale rates (L23E/L23I/L5E highest); over other seeds and a full second up to 54 %.
// So the bound here is 60 % per population and 30 % on the mean absolute deviation; the
// published 15 % is asserted at full scale (Microcircuit.PopulationRatesAndIrregularity).
#include <cmath>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace engram {
namespace {

TEST(MicrocircuitScaled, RatesNearTheFullScaleAndIrregular) {
  auto sim = test::run_file("examples/potjans_diesmann_2014_scale0p1.toml");
  const char* names[] = {"L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"};
  const double nest[] = {0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829};
  double deviation = 0;
  for (int p = 0; p < 8; ++p) {
    const auto trains = test::spike_trains(*sim, names[p]);
    double spikes = 0, cv_sum = 0, cv_n = 0;
    for (const auto& t : trains) {
      spikes += t.size();
      if (t.size() < 3) continue;
      double m = 0, v = 0;
      for (size_t k = 1; k < t.size(); ++k) m += t[k] - t[k - 1];
      m /= t.size() - 1;
      for (size_t k = 1; k < t.size(); ++k) v += (t[k] - t[k - 1] - m) * (t[k] - t[k - 1] - m);
      cv_sum += std::sqrt(v / (t.size() - 2)) / m;
      ++cv_n;
    }
    const double rate = spikes / (trains.size() * 0.5);  // 0.5 s recorded
    RecordProperty(names[p], std::to_string(rate));
    deviation += std::fabs(rate / nest[p] - 1) / 8;
    EXPECT_NEAR(rate, nest[p], 0.6 * nest[p]) << names[p];
    EXPECT_GT(cv_sum / cv_n, 0.55) << names[p];  // irregular, as at full scale
    EXPECT_LT(cv_sum / cv_n, 1.0) << names[p];
  }
  EXPECT_LT(deviation, 0.3);
}

}  // namespace
}  // namespace engram
