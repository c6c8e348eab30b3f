#pragma once
// Writes a run directory: spikes/<pop>.npy, traces/<pop>.<var>.npy, summary.json and the
// plots. Everything is written under a temporary name beside the target and renamed into
// place only when complete, so an interrupted run never leaves a directory that looks whole.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "engram/engine/simulation.hpp"

namespace engram {

struct OutputOptions {
  std::filesystem::path dir;
  bool plots = true;
  std::string plot_script;  // tools/plot_run.py; empty: no plots
  std::string python = "/usr/bin/python3";
  bool quiet = false;  // silence the plotter's notes
};

// The summary of a finished simulation (what summary.json holds).
nlohmann::json make_summary(const Simulation& sim);

// Writes the run directory; returns the summary written. Throws RuntimeFailure on I/O errors
// (leaving no partial directory behind).
nlohmann::json write_run(const Simulation& sim, const OutputOptions& options);

// Throws InputError unless `dir` is absent, an empty directory or an earlier run directory
// (holding summary.json): a run never replaces anything else.
void check_output_dir(const std::filesystem::path& dir);

// Peak resident memory of this process so far, in MiB.
double peak_rss_mib();

}  // namespace engram
