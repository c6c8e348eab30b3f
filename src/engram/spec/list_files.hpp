#pragma once
// Readers for the data files a model file may point to. Each error names the file and line.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "engram/core/error.hpp"
#include "engram/spec/model_spec.hpp"

namespace engram {

// Lines "neuron,time_ms" (a header line and '#' comments allowed). Times per neuron must be
// >= 0 and increasing. Returns one sorted list per neuron.
std::vector<std::vector<double>> read_spike_time_file(const std::filesystem::path& file,
                                                      uint32_t n_neurons, const SourceLocation& ref,
                                                      const std::string& key,
                                                      std::string& hash_input);

// Lines "pre,post[,weight[,delay_ms]]": an explicit synapse list.
std::vector<ListedSynapse> read_connection_file(const std::filesystem::path& file, uint32_t n_pre,
                                                uint32_t n_post, const SourceLocation& ref,
                                                const std::string& key, std::string& hash_input);

// Lines "time_ms,amplitude_pA": a current waveform (times strictly increasing).
std::pair<std::vector<double>, std::vector<double>> read_waveform_file(
    const std::filesystem::path& file, const SourceLocation& ref, const std::string& key,
    std::string& hash_input);

}  // namespace engram
