#pragma once
// Writes a run directory: spikes/<pop>.npy, traces/<pop>.<var>.npy, summary.json and the
// plots. Everything is written under a temporary name beside the target and renamed into
// place only when complete, so an interrupted run never leaves a directory that looks whole.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engram/engine/simulation.hpp"

namespace engram {

struct OutputOptions {
  std::filesystem::path dir;
  bool plots = true;
  std::string plot_script;  // tools/plot_run.py; empty: no plots
  std::string python = "/usr/bin/python3";
  bool quiet = false;         // silence the plotter's notes
  bool connectivity = false;  // write connectivity/<projection>.npy (every synapse)
};

// The summary of a finished simulation (what summary.json holds). Collective: with several
// ranks every rank must call it.
nlohmann::json make_summary(const Simulation& sim);

// The file name (under connectivity/) of each projection's synapse table.
std::vector<std::string> connectivity_files(const ModelSpec& spec);

// Writes the run directory (the root rank writes, every rank must call it); returns the
// summary written. Throws RuntimeFailure on I/O errors
// (leaving no partial directory behind).
nlohmann::json write_run(const Simulation& sim, const OutputOptions& options);

// Throws InputError unless `dir` is absent, an empty directory or an earlier run directory
// (holding summary.json): a run never replaces anything else.
void check_output_dir(const std::filesystem::path& dir);

// Peak resident memory of this process so far, in MiB.
double peak_rss_mib();

}  // namespace engram
