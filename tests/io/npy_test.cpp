// The .npy writers: header, then every record in order, also when the records outnumber one
// write buffer (about 1 MB) several times over.
#include "engram/io/npy.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace engram {
namespace {

namespace fs = std::filesystem;

struct NpyFile {
  std::string header;  // the dict, padding stripped
  std::string data;    // everything after the header
};

NpyFile read_npy(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(all.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  const size_t len = static_cast<unsigned char>(all[8]) | static_cast<unsigned char>(all[9]) << 8;
  EXPECT_EQ((10 + len) % 64, 0u);
  std::string header = all.substr(10, len);
  header.erase(header.find_last_not_of(" \n") + 1);
  return {header, all.substr(10 + len)};
}

class NpyWriters : public ::testing::Test {
 protected:
  fs::path dir_ =
      fs::temp_directory_path() /
      ("engram_npy_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
       ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void SetUp() override { fs::create_directories(dir_); }
  void TearDown() override { fs::remove_all(dir_); }
};

TEST_F(NpyWriters, SpikesAcrossManyBuffers) {
  const size_t n = 300'001;  // 12-byte records: over three 1 MB buffers and a partial one
  std::vector<double> t(n);
  std::vector<uint32_t> neuron(n);
  for (size_t i = 0; i < n; ++i) {
    t[i] = 0.1 * static_cast<double>(i);
    neuron[i] = static_cast<uint32_t>(i * 7919 % 100'003);
  }
  write_npy_spikes(dir_ / "s.npy", t, neuron);
  const NpyFile f = read_npy(dir_ / "s.npy");
  EXPECT_EQ(f.header,
            "{'descr': [('t_ms', '<f8'), ('neuron', '<u4')], 'fortran_order': False, "
            "'shape': (300001,), }");
  ASSERT_EQ(f.data.size(), 12 * n);
  for (size_t i = 0; i < n; ++i) {
    double ti;
    uint32_t ni;
    std::memcpy(&ti, f.data.data() + 12 * i, 8);
    std::memcpy(&ni, f.data.data() + 12 * i + 8, 4);
    ASSERT_EQ(ti, t[i]) << i;
    ASSERT_EQ(ni, neuron[i]) << i;
  }
}

TEST_F(NpyWriters, ConnectionsAndSynapsesAcrossBuffers) {
  const size_t n = 100'000;  // 24-byte records: 43 690 a buffer
  std::vector<uint32_t> src(n), tgt(n);
  std::vector<double> w(n), d(n);
  for (size_t i = 0; i < n; ++i) {
    src[i] = static_cast<uint32_t>(i / 10);
    tgt[i] = static_cast<uint32_t>(i % 977);
    w[i] = 0.5 + static_cast<double>(i);
    d[i] = 0.1 * static_cast<double>(i % 30);
  }
  write_npy_connections(dir_ / "c.npy", src, tgt, w, d);
  write_npy_synapses(dir_ / "y.npy", src, tgt);
  const NpyFile c = read_npy(dir_ / "c.npy"), y = read_npy(dir_ / "y.npy");
  ASSERT_EQ(c.data.size(), 24 * n);
  ASSERT_EQ(y.data.size(), 8 * n);
  for (size_t i = 0; i < n; ++i) {
    uint32_t s, g, s2, g2;
    double wi, di;
    std::memcpy(&s, c.data.data() + 24 * i, 4);
    std::memcpy(&g, c.data.data() + 24 * i + 4, 4);
    std::memcpy(&wi, c.data.data() + 24 * i + 8, 8);
    std::memcpy(&di, c.data.data() + 24 * i + 16, 8);
    std::memcpy(&s2, y.data.data() + 8 * i, 4);
    std::memcpy(&g2, y.data.data() + 8 * i + 4, 4);
    ASSERT_EQ(s, src[i]) << i;
    ASSERT_EQ(g, tgt[i]) << i;
    ASSERT_EQ(wi, w[i]) << i;
    ASSERT_EQ(di, d[i]) << i;
    ASSERT_EQ(s2, src[i]) << i;
    ASSERT_EQ(g2, tgt[i]) << i;
  }
}

TEST_F(NpyWriters, EmptyRecordingHasAHeaderAndNoData) {
  write_npy_spikes(dir_ / "e.npy", {}, {});
  const NpyFile f = read_npy(dir_ / "e.npy");
  EXPECT_NE(f.header.find("'shape': (0,)"), std::string::npos);
  EXPECT_TRUE(f.data.empty());
}

}  // namespace
}  // namespace engram
