// Reading per-run int32 arrays with their chunks inflated in parallel (io/h5_read.h): the same
// values as HDF5's own reading, whether the chunks were encoded here or by HDF5's filters, for
// edge and missing chunks, and for layouts the fast path does not take; a corrupt chunk is an
// error naming the dataset.
#include "io/h5_read.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "io/error.h"
#include "io/h5_chunk.h"
#include "io/hash.h"

namespace sendcast::io {
namespace {

namespace fs = std::filesystem;

class H5Read : public ::testing::Test {
 protected:
  void SetUp() override {
    H5::Exception::dontPrint();
    path_ = fs::temp_directory_path() / ("sendcast_h5_read_" + std::to_string(::getpid()) + ".h5");
    file_ = H5::H5File(path_.string(), H5F_ACC_TRUNC);
  }
  void TearDown() override {
    file_.close();
    fs::remove(path_);
  }

  //! Values that use all four bytes of an int32, negative ones too, and many zeros.
  static std::vector<std::int32_t> values(std::size_t n, unsigned seed) {
    std::mt19937 gen(seed);
    std::vector<std::int32_t> v(n);
    for (auto& x : v) {
      const unsigned kind = gen() % 4;
      x = kind == 0   ? 0
          : kind == 1 ? static_cast<std::int32_t>(gen() % 50)
                      : static_cast<std::int32_t>(gen());
    }
    return v;
  }

  H5::DataSet create(const std::string& name, const std::vector<hsize_t>& dims,
                     const std::vector<hsize_t>& chunk, bool shuffle, bool deflate) {
    H5::DSetCreatPropList plist;
    if (!chunk.empty()) plist.setChunk(static_cast<int>(chunk.size()), chunk.data());
    if (shuffle) plist.setShuffle();
    if (deflate) plist.setDeflate(CHUNK_DEFLATE_LEVEL);
    H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
    return file_.createDataSet(name, H5::PredType::STD_I32LE, space, plist);
  }

  static std::vector<std::int32_t> read_fast(const H5::DataSet& ds,
                                             const std::vector<hsize_t>& dims) {
    std::size_t n = 1;
    for (hsize_t d : dims) n *= d;
    std::vector<std::int32_t> out(n, -7);
    read_int32_dataset(ds, "/x", dims, out.data());
    return out;
  }

  static std::vector<std::int32_t> read_by_hdf5(const H5::DataSet& ds, std::size_t n) {
    std::vector<std::int32_t> out(n, -7);
    ds.read(out.data(), H5::PredType::NATIVE_INT32);
    return out;
  }

  fs::path path_;
  H5::H5File file_;
};

TEST(H5Chunk, DecodeInvertsEncodeAndKeepsOnlyTheValuesAsked) {
  std::mt19937 gen(3);
  std::vector<std::int32_t> v(1000);
  for (auto& x : v) x = static_cast<std::int32_t>(gen());
  std::vector<unsigned char> shuffled, encoded;
  encode_int32_chunk(v.data(), v.size(), shuffled, encoded);
  std::vector<std::int32_t> back(v.size(), 0);
  decode_int32_chunk(encoded.data(), encoded.size(), v.size(), v.size(), shuffled, back.data());
  EXPECT_EQ(back, v);
  std::vector<std::int32_t> part(v.size(), 99);
  decode_int32_chunk(encoded.data(), encoded.size(), v.size(), 10, shuffled, part.data());
  EXPECT_TRUE(std::equal(v.begin(), v.begin() + 10, part.begin()));
  EXPECT_EQ(part[10], 99) << "wrote past the values kept";
  // A stream cut short, or of another length than the chunk's, is refused.
  EXPECT_THROW(decode_int32_chunk(encoded.data(), encoded.size() / 2, v.size(), v.size(), shuffled,
                                  back.data()),
               std::runtime_error);
  EXPECT_THROW(decode_int32_chunk(encoded.data(), encoded.size(), v.size() + 1, v.size(), shuffled,
                                  back.data()),
               std::runtime_error);
}

TEST_F(H5Read, ChunksWrittenRawReadAsHdf5ReadsThemWithEdgeAndMissingChunks) {
  // 10 rows in chunks of 4: rows 8-9 are an edge chunk (stored whole); chunk 1 is never written.
  const std::vector<hsize_t> dims = {10, 3, 5}, chunk = {4, 3, 5};
  const std::vector<std::int32_t> v = values(10 * 15, 1);
  H5::DataSet ds = create("/x", dims, chunk, true, true);
  std::vector<unsigned char> shuffled, encoded;
  for (hsize_t c : {0, 2}) {
    std::vector<std::int32_t> block(4 * 15, 0);
    const std::size_t rows = std::min<std::size_t>(4, 10 - 4 * c);
    std::copy_n(v.begin() + static_cast<std::ptrdiff_t>(4 * c * 15), rows * 15, block.begin());
    encode_int32_chunk(block.data(), block.size(), shuffled, encoded);
    const hsize_t offset[3] = {4 * c, 0, 0};
    ASSERT_GE(H5Dwrite_chunk(ds.getId(), H5P_DEFAULT, 0, offset, encoded.size(), encoded.data()),
              0);
  }
  std::vector<std::int32_t> expected = v;
  std::fill(expected.begin() + 4 * 15, expected.begin() + 8 * 15, 0);
  EXPECT_EQ(read_fast(ds, dims), expected);
  EXPECT_EQ(read_by_hdf5(ds, v.size()), expected);
}

TEST_F(H5Read, ChunksThatHdf5FilteredItselfAreReadTheSame) {
  const std::vector<hsize_t> dims = {1000, 11, 7}, chunk = {256, 11, 7};
  const std::vector<std::int32_t> v = values(1000 * 77, 2);
  H5::DataSet ds = create("/x", dims, chunk, true, true);
  ds.write(v.data(), H5::PredType::NATIVE_INT32);
  EXPECT_EQ(read_fast(ds, dims), v);
}

TEST_F(H5Read, OtherLayoutsAreLeftToHdf5) {
  const std::vector<hsize_t> dims = {9, 4, 6};
  const std::vector<std::int32_t> v = values(9 * 24, 3);
  struct Layout {
    std::string name;
    std::vector<hsize_t> chunk;
    bool shuffle, deflate;
  };
  for (const Layout& l :
       {Layout{"contiguous", {}, false, false}, Layout{"deflate_only", {4, 4, 6}, false, true},
        Layout{"shuffle_only", {4, 4, 6}, true, false},
        Layout{"split_rows", {4, 2, 6}, true, true}}) {
    H5::DataSet ds = create("/" + l.name, dims, l.chunk, l.shuffle, l.deflate);
    ds.write(v.data(), H5::PredType::NATIVE_INT32);
    EXPECT_EQ(read_fast(ds, dims), v) << l.name;
  }
  // A fill value other than 0 shows in a chunk never written: HDF5 reads that file.
  {
    H5::DSetCreatPropList plist;
    const hsize_t chunk[3] = {4, 4, 6};
    plist.setChunk(3, chunk);
    plist.setShuffle();
    plist.setDeflate(CHUNK_DEFLATE_LEVEL);
    const std::int32_t five = 5;
    plist.setFillValue(H5::PredType::NATIVE_INT32, &five);
    H5::DataSpace space(3, dims.data());
    H5::DataSet ds = file_.createDataSet("/filled", H5::PredType::STD_I32LE, space, plist);
    std::vector<unsigned char> shuffled, encoded;
    encode_int32_chunk(v.data(), 4 * 24, shuffled, encoded);
    const hsize_t offset[3] = {0, 0, 0};
    ASSERT_GE(H5Dwrite_chunk(ds.getId(), H5P_DEFAULT, 0, offset, encoded.size(), encoded.data()),
              0);
    std::vector<std::int32_t> expected(v.size(), 5);
    std::copy_n(v.begin(), 4 * 24, expected.begin());
    EXPECT_EQ(read_fast(ds, dims), expected);
  }
  // Another integer type, converted by HDF5 as before.
  const hsize_t n = 5;
  H5::DataSpace space(1, &n);
  H5::DataSet small = file_.createDataSet("/int16", H5::PredType::STD_I16LE, space);
  const std::vector<std::int32_t> five = {1, -2, 300, 0, 32767};
  small.write(five.data(), H5::PredType::NATIVE_INT32);
  EXPECT_EQ(read_fast(small, {n}), five);
}

TEST_F(H5Read, ACorruptChunkIsAnErrorNamingTheDataset) {
  const std::vector<hsize_t> dims = {8, 2}, chunk = {4, 2};
  H5::DataSet ds = create("/x", dims, chunk, true, true);
  // Chunk 0 is sound, chunk 1 is not a deflate stream.
  const std::vector<std::int32_t> v = values(8, 4);
  std::vector<unsigned char> shuffled, encoded;
  encode_int32_chunk(v.data(), 8, shuffled, encoded);
  const std::vector<unsigned char> garbage = {1, 2, 3, 4, 5, 6, 7, 8};
  const hsize_t first[2] = {0, 0}, second[2] = {4, 0};
  ASSERT_GE(H5Dwrite_chunk(ds.getId(), H5P_DEFAULT, 0, first, encoded.size(), encoded.data()), 0);
  ASSERT_GE(H5Dwrite_chunk(ds.getId(), H5P_DEFAULT, 0, second, garbage.size(), garbage.data()), 0);
  std::vector<std::int32_t> out(16);
  try {
    read_int32_dataset(ds, "/sufficiency/cells/demand", dims, out.data());
    FAIL() << "a corrupt chunk was read";
  } catch (const H5::Exception& e) {
    EXPECT_NE(e.getDetailMsg().find("/sufficiency/cells/demand"), std::string::npos)
        << e.getDetailMsg();
    EXPECT_NE(e.getDetailMsg().find("chunk 1"), std::string::npos) << e.getDetailMsg();
  }
}

// The integrity record beside results.h5: written, checked, and a changed byte, a changed
// length or an unreadable record each refused with the file named.
TEST(Checksum, RecordsTheFileAndRefusesAChangedOne) {
  const fs::path file =
      fs::temp_directory_path() / ("sendcast_checksum_" + std::to_string(::getpid()) + ".bin");
  std::string bytes(300000, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7 % 251);
  std::ofstream(file, std::ios::binary) << bytes;
  EXPECT_NO_THROW(verify_checksum(file)) << "no record: read unchecked";
  write_checksum(file);
  std::string record;
  std::getline(std::ifstream(checksum_file(file)), record);
  EXPECT_EQ(record.substr(8), " 300000 " + file.filename().string());
  EXPECT_NO_THROW(verify_checksum(file));
  bytes[123456] = static_cast<char>(bytes[123456] ^ 1);
  std::ofstream(file, std::ios::binary) << bytes;
  EXPECT_THROW(verify_checksum(file), InputError);
  std::ofstream(file, std::ios::binary) << bytes.substr(1);
  try {
    verify_checksum(file);
    FAIL() << "a shorter file passed";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("is 299999 bytes, not the 300000"), std::string::npos)
        << e.what();
  }
  std::ofstream(checksum_file(file)) << "not a checksum\n";
  try {
    verify_checksum(file);
    FAIL() << "a bad record passed";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(checksum_file(file).string() + ":1:"), std::string::npos)
        << e.what();
  }
  fs::remove(file);
  fs::remove(checksum_file(file));
}

}  // namespace
}  // namespace sendcast::io
