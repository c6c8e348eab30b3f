#pragma once
// Writers for NumPy's .npy format (version 1.0), so outputs load with numpy.load().
#include <cstdint>
#include <filesystem>
#include <span>

namespace engram {

// A 2-D float64 array (rows × cols), C order.
void write_npy_matrix(const std::filesystem::path& file, std::span<const double> data, size_t rows,
                      size_t cols);

// A structured array with fields t_ms (<f8) and neuron (<u4), one record per spike.
void write_npy_spikes(const std::filesystem::path& file, std::span<const double> t_ms,
                      std::span<const uint32_t> neuron);

// A structured array with fields source (<u4), target (<u4), weight (<f8), delay_ms (<f8).
void write_npy_connections(const std::filesystem::path& file, std::span<const uint32_t> source,
                           std::span<const uint32_t> target, std::span<const double> weight,
                           std::span<const double> delay_ms);

// A 2-D float32 array (rows × cols), C order (recorded weights: stored as float already).
void write_npy_matrix_f32(const std::filesystem::path& file, std::span<const float> data,
                          size_t rows, size_t cols);
// A structured array with fields source (<u4), target (<u4): which synapses were recorded.
void write_npy_synapses(const std::filesystem::path& file, std::span<const uint32_t> source,
                        std::span<const uint32_t> target);

}  // namespace engram
