#pragma once
// The cells of tools/neuron_reference/dendrite_reference.py, built with engram, and helpers
// to read its reference data (tests/data/neuron/dendrite_*.csv).
#include <algorithm>
#include <cmath>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engram/dendrites/cable.hpp"
#include "test_support.hpp"

namespace engram::dendrites::test_models {

// Rows of a reference CSV without its comment lines and header.
inline std::vector<std::vector<std::string>> read_csv(const std::string& name) {
  std::istringstream in(test::read_file(test::source_path("tests/data/neuron/" + name)));
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> row;
    std::istringstream fields(line);
    std::string f;
    while (std::getline(fields, f, ',')) row.push_back(f);
    if (!line.empty() && line.back() == ',') row.emplace_back();
    rows.push_back(row);
  }
  if (rows.empty()) throw std::runtime_error("no rows in " + name);
  return rows;
}

// bs_pas: ball and stick, hh soma, passive dendrite, IClamp at the soma.
inline CellSpec bs_pas() {
  CellSpec c(Morphology::ball_and_stick(12.6157, {200.0, 1.0}), {.cm = 1.0, .ra = 100.0});
  c.apply_d_lambda();
  c.insert("hh", Region::of_type(SectionType::soma));
  c.insert("pas", Region::section(c.section("dend")), {{"g", 0.001}, {"e", -65.0}});
  c.iclamps.push_back({.where = {0, 0.5}, .delay = 5.0, .dur = 90.0, .amp = 0.2});
  return c;
}

// bs_hh: hh everywhere, gnabar = 0.12 exp(-d/300 um) in the dendrite, which attaches at
// soma(0.5); six 1 ms pulses at dend(0.8).
inline CellSpec bs_hh() {
  const SectionSpec rows[] = {
      {.name = "soma", .type = SectionType::soma, .length = 20.0, .diam = 20.0},
      {.name = "dend", .parent = "soma", .parent_x = 0.5, .length = 500.0, .diam = 2.0},
  };
  CellSpec c(Morphology::from_table(rows), {.cm = 1.0, .ra = 100.0});
  c.apply_d_lambda();
  c.insert("hh");
  c.insert(
      "hh", Region::section(1),
      {{.name = "gnabar", .of_distance = [](double d) { return 0.12 * std::exp(-d / 300.0); }}});
  for (int k = 0; k < 6; ++k)
    c.iclamps.push_back({.where = {1, 0.8}, .delay = 10.0 + 15.0 * k, .dur = 1.0, .amp = 1.0});
  return c;
}

// y: soma, an active trunk and branch ("left" = NEURON's b1), a passive branch ("right" =
// b2); IClamp at the tip of the active branch (a zero-area node).
inline CellSpec y_cell() {
  CellSpec c(Morphology::y_branch({100.0, 2.0}, {150.0, 1.0}, {200.0, 0.6}, 18.0),
             {.cm = 1.0, .ra = 150.0});
  c.apply_d_lambda();
  c.insert("hh", {.sections = {0, 1, 2}});
  c.insert("pas", Region::section(3), {{"g", 2e-4}, {"e", -65.0}});
  c.iclamps.push_back({.where = {2, 1.0}, .delay = 5.0, .dur = 90.0, .amp = 0.1});
  return c;
}

inline CellSpec model(const std::string& name) {
  if (name == "bs_pas") return bs_pas();
  if (name == "bs_hh") return bs_hh();
  if (name == "y") return y_cell();
  throw std::runtime_error("no model " + name);
}

// "b1(0.5)" -> the section index and x in the engram cell of `model`.
inline Location location(const CellSpec& c, const std::string& text) {
  const size_t open = text.find('(');
  std::string name = text.substr(0, open);
  if (name == "b1") name = "left";
  if (name == "b2") name = "right";
  return {c.section(name), std::stod(text.substr(open + 1, text.size() - open - 2))};
}

// Upward crossings of `thresh`, linearly interpolated between samples dt apart.
inline std::vector<double> crossings(const std::vector<double>& v, double dt, double thresh = 0.0) {
  std::vector<double> t;
  for (size_t k = 0; k + 1 < v.size(); ++k)
    if (v[k] < thresh && v[k + 1] >= thresh)
      t.push_back(dt * (static_cast<double>(k) + (thresh - v[k]) / (v[k + 1] - v[k])));
  return t;
}

// v at `where` after each step (and at t = 0) over t_stop.
inline std::vector<std::vector<double>> run_traces(CableCell& cell,
                                                   const std::vector<Location>& where,
                                                   double t_stop) {
  std::vector<int32_t> nodes;
  for (const auto& w : where) nodes.push_back(cell.node(w));
  std::vector<std::vector<double>> out(where.size());
  const auto steps = static_cast<size_t>(std::llround(t_stop / cell.dt()));
  for (auto& o : out) o.reserve(steps + 1);
  for (size_t j = 0; j < nodes.size(); ++j) out[j].push_back(cell.v()[nodes[j]]);
  for (size_t s = 0; s < steps; ++s) {
    cell.step();
    for (size_t j = 0; j < nodes.size(); ++j) out[j].push_back(cell.v()[nodes[j]]);
  }
  return out;
}

// A mechanism test against NEURON reference traces (tools/neuron_reference/*.py): per case
// a cell, a duration and the recorded locations ("v" and "soma(0.5)" are the root's middle,
// "dend(0.9)" is section 1 at 0.9); the reference CSVs hold v every 0.5 ms and the spike
// times, keyed (case, scheme, location) with schemes "be", "cn" (NEURON's secondorder 0 and
// 2 at dt 0.025 ms) and "fine" (its converged run).
class NeuronComparison {
 public:
  using Cases = std::map<std::string, std::pair<double, std::vector<std::string>>>;
  using Key = std::tuple<std::string, std::string, std::string>;

  NeuronComparison(Cases cases, const std::string& v_csv, const std::string& spikes_csv,
                   std::function<CellSpec(const std::string&)> model)
      : cases_(std::move(cases)), model_(std::move(model)) {
    for (const auto& row : read_csv(v_csv))
      v_[{row[0], row[1], row[2]}].push_back(std::stod(row[4]));
    for (const auto& row : read_csv(spikes_csv))
      spikes_[{row[0], row[1], row[2]}].push_back(std::stod(row[4]));
  }

  const Cases& cases() const { return cases_; }
  CellSpec model(const std::string& name) const { return model_(name); }

  // The reference spike times (none when the reference has no row).
  std::vector<double> spikes(const Key& k) const {
    const auto it = spikes_.find(k);
    return it == spikes_.end() ? std::vector<double>{} : it->second;
  }

  // Runs a case at dt 0.025 ms; per location, v after every step (and at 0).
  std::map<std::string, std::vector<double>> simulate(const std::string& name,
                                                      Integrator method) const {
    const auto& [t_stop, locs] = cases_.at(name);
    CableCell cell(model_(name), 0.025, method);
    std::vector<Location> at;
    for (const auto& l : locs)
      at.push_back(l == "v" || l == "soma(0.5)" ? Location{0, 0.5} : Location{1, 0.9});
    const auto v = run_traces(cell, at, t_stop);
    std::map<std::string, std::vector<double>> out;
    for (size_t j = 0; j < locs.size(); ++j) out[locs[j]] = v[j];
    return out;
  }

  // Every case against NEURON's run with the same scheme: the largest |dv| (at the 0.5 ms
  // samples) below v_bound mV and the largest spike-time difference below spike_bound ms.
  void compare(Integrator method, const std::string& same, double v_bound,
               double spike_bound) const {
    for (const auto& [name, c] : cases_) {
      const auto got = simulate(name, method);
      for (const auto& loc : c.second) {
        const auto& ref = v_.at({name, same, loc});
        const auto& v = got.at(loc);
        ASSERT_EQ(v.size(), (ref.size() - 1) * 20 + 1) << name;
        double dv = 0;
        for (size_t k = 0; k < ref.size(); ++k) dv = std::max(dv, std::fabs(v[20 * k] - ref[k]));
        const auto got_spikes = crossings(v, 0.025);
        const auto ref_spikes = spikes({name, same, loc});
        ASSERT_EQ(got_spikes.size(), ref_spikes.size()) << name << " " << loc;
        double dt = 0;
        for (size_t k = 0; k < got_spikes.size(); ++k)
          dt = std::max(dt, std::fabs(got_spikes[k] - ref_spikes[k]));
        std::cout << fmt::format(
            "{} {} vs NEURON {}: max |dv| {:.2e} mV, {} spikes, max |dt| {:.2e} ms\n", name, loc,
            same, dv, got_spikes.size(), dt);
        EXPECT_LT(dv, v_bound) << name << " " << loc;
        EXPECT_LT(dt, spike_bound) << name << " " << loc;
      }
    }
  }

  // Crank-Nicolson's spike times within `tolerance` ms of NEURON's converged run.
  void compare_with_converged(double tolerance) const {
    for (const auto& [name, c] : cases_) {
      const auto got = simulate(name, Integrator::crank_nicolson);
      for (const auto& loc : c.second) {
        const auto ref = spikes({name, "fine", loc});
        const auto got_spikes = crossings(got.at(loc), 0.025);
        ASSERT_EQ(got_spikes.size(), ref.size()) << name << " " << loc;
        for (size_t k = 0; k < ref.size(); ++k) EXPECT_NEAR(got_spikes[k], ref[k], tolerance);
      }
    }
  }

 private:
  Cases cases_;
  std::function<CellSpec(const std::string&)> model_;
  std::map<Key, std::vector<double>> v_, spikes_;  // v every 0.5 ms; spike times
};

}  // namespace engram::dendrites::test_models
