// The 1000-segment active cell of bench/run_cell_bench.py, simulated by engram's CableCell:
// soma (L = diam = 20 um, hh) and one dendrite (L 1000 um, diam 2 um, nseg 1000, on
// soma(1); hh at a tenth of the soma's Na and K densities), Ra 100 ohm cm, cm 1 uF/cm2,
// IClamp soma(0.5) 0.5 nA throughout, v_init -65 mV, celsius 6.3.
// Prints one JSON line: wall seconds of the run (construction excluded), nodes, the soma's
// spike times (upward 0 mV crossings, linear interpolation between steps).
//   engram_cell_bench [--T ms] [--dt ms] [--method cn|be] [--nseg n] [--reps n]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "engram/dendrites/cable.hpp"

using namespace engram::dendrites;

int main(int argc, char** argv) {
  double t_stop = 1000.0, dt = 0.025;
  int nseg = 1000, reps = 1;
  Integrator method = Integrator::crank_nicolson;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const char* val = argv[i + 1];
    if (key == "--T") {
      t_stop = std::atof(val);
    } else if (key == "--dt") {
      dt = std::atof(val);
    } else if (key == "--nseg") {
      nseg = std::atoi(val);
    } else if (key == "--reps") {
      reps = std::max(1, std::atoi(val));
    } else if (key == "--method") {
      method =
          std::strcmp(val, "be") == 0 ? Integrator::backward_euler : Integrator::crank_nicolson;
    } else {
      std::fprintf(stderr, "engram_cell_bench: unknown option %s\n", key.c_str());
      return 2;
    }
  }
  CellSpec spec(Morphology::ball_and_stick(20.0, {1000.0, 2.0}), {.cm = 1.0, .ra = 100.0});
  spec.properties[1].nseg = nseg;
  spec.insert("hh");
  spec.insert("hh", Region::section(1), {{"gnabar", 0.012}, {"gkbar", 0.0036}});
  spec.iclamps.push_back({.where = {0, 0.5}, .delay = 0.0, .dur = 1e9, .amp = 0.5});
  CableCell cell(spec, dt, method);
  const int32_t soma = cell.node({0, 0.5});
  std::vector<double> best_spikes;
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    cell.initialize();
    std::vector<double> spikes;
    spikes.reserve(1000);
    const auto steps = static_cast<int64_t>(t_stop / dt + 0.5);
    const auto start = std::chrono::steady_clock::now();
    double v_prev = cell.v()[static_cast<size_t>(soma)];
    for (int64_t s = 0; s < steps; ++s) {
      cell.step();
      const double v = cell.v()[static_cast<size_t>(soma)];
      if (v_prev < 0.0 && v >= 0.0)
        spikes.push_back(dt * (static_cast<double>(s) + (0.0 - v_prev) / (v - v_prev)));
      v_prev = v;
    }
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (wall < best) best = wall, best_spikes = spikes;
  }
  std::string list;
  for (size_t k = 0; k < best_spikes.size(); ++k)
    list += fmt::format("{}{:.6f}", k ? "," : "", best_spikes[k]);
  fmt::print("{{\"wall_s\": {:.6f}, \"nodes\": {}, \"steps\": {}, \"spikes\": [{}]}}\n", best,
             cell.compartments().size(), cell.steps(), list);
  return 0;
}
