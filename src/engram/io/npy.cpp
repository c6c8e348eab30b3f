#include "engram/io/npy.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "engram/core/error.hpp"

namespace engram {
namespace {

void write_header(std::ofstream& out, const std::string& dict) {
  // magic, version 1.0, header length; header padded with spaces to a multiple of 64 bytes
  std::string header = dict;
  const size_t preamble = 10;
  size_t total = preamble + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  const auto len = static_cast<uint16_t>(header.size());
  out.write("\x93NUMPY\x01\x00", 8);
  const char lenbytes[2] = {static_cast<char>(len & 0xff), static_cast<char>(len >> 8)};
  out.write(lenbytes, 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
}

// n structured records of `record` bytes, record i filled by fill(char*, i), written through
// one buffer of about 1 MB: the file's size never has to fit in memory again, and there are
// no page faults for a copy of it (tens of ms for a few million spikes on a virtual machine)
template <class F>
void write_records(std::ofstream& out, size_t n, size_t record, F&& fill) {
  const size_t chunk = std::max<size_t>(1, (size_t{1} << 20) / record);
  std::string buf(std::min(n, chunk) * record, '\0');
  for (size_t first = 0; first < n; first += chunk) {
    const size_t m = std::min(chunk, n - first);
    for (size_t i = 0; i < m; ++i) fill(buf.data() + record * i, first + i);
    out.write(buf.data(), static_cast<std::streamsize>(m * record));
  }
}

std::ofstream open(const std::filesystem::path& file) {
  std::ofstream out(file, std::ios::binary);
  if (!out) throw RuntimeFailure(fmt::format("cannot write '{}'", file.string()));
  return out;
}

}  // namespace

void write_npy_matrix(const std::filesystem::path& file, std::span<const double> data, size_t rows,
                      size_t cols) {
  auto out = open(file);
  write_header(out, fmt::format("{{'descr': '<f8', 'fortran_order': False, 'shape': ({}, {}), }}",
                                rows, cols));
  out.write(reinterpret_cast<const char*>(data.data()),
            static_cast<std::streamsize>(data.size() * sizeof(double)));
  if (!out) throw RuntimeFailure(fmt::format("error writing '{}'", file.string()));
}

void write_npy_spikes(const std::filesystem::path& file, std::span<const double> t_ms,
                      std::span<const uint32_t> neuron) {
  auto out = open(file);
  write_header(out, fmt::format("{{'descr': [('t_ms', '<f8'), ('neuron', '<u4')], "
                                "'fortran_order': False, 'shape': ({},), }}",
                                t_ms.size()));
  write_records(out, t_ms.size(), 12, [&](char* r, size_t i) {
    std::memcpy(r, &t_ms[i], 8);
    std::memcpy(r + 8, &neuron[i], 4);
  });
  if (!out) throw RuntimeFailure(fmt::format("error writing '{}'", file.string()));
}

void write_npy_connections(const std::filesystem::path& file, std::span<const uint32_t> source,
                           std::span<const uint32_t> target, std::span<const double> weight,
                           std::span<const double> delay_ms) {
  auto out = open(file);
  write_header(out, fmt::format("{{'descr': [('source', '<u4'), ('target', '<u4'), "
                                "('weight', '<f8'), ('delay_ms', '<f8')], "
                                "'fortran_order': False, 'shape': ({},), }}",
                                source.size()));
  write_records(out, source.size(), 24, [&](char* r, size_t i) {
    std::memcpy(r, &source[i], 4);
    std::memcpy(r + 4, &target[i], 4);
    std::memcpy(r + 8, &weight[i], 8);
    std::memcpy(r + 16, &delay_ms[i], 8);
  });
  if (!out) throw RuntimeFailure(fmt::format("error writing '{}'", file.string()));
}

void write_npy_matrix_f32(const std::filesystem::path& file, std::span<const float> data,
                          size_t rows, size_t cols) {
  auto out = open(file);
  write_header(out, fmt::format("{{'descr': '<f4', 'fortran_order': False, 'shape': ({}, {}), }}",
                                rows, cols));
  out.write(reinterpret_cast<const char*>(data.data()),
            static_cast<std::streamsize>(data.size() * sizeof(float)));
  if (!out) throw RuntimeFailure(fmt::format("error writing '{}'", file.string()));
}

void write_npy_synapses(const std::filesystem::path& file, std::span<const uint32_t> source,
                        std::span<const uint32_t> target) {
  auto out = open(file);
  write_header(out, fmt::format("{{'descr': [('source', '<u4'), ('target', '<u4')], "
                                "'fortran_order': False, 'shape': ({},), }}",
                                source.size()));
  write_records(out, source.size(), 8, [&](char* r, size_t i) {
    std::memcpy(r, &source[i], 4);
    std::memcpy(r + 4, &target[i], 4);
  });
  if (!out) throw RuntimeFailure(fmt::format("error writing '{}'", file.string()));
}

}  // namespace engram
