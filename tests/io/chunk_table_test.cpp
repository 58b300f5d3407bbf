// Columns read without HDF5 (io/chunk_table.hpp, io/raw_file.hpp): the chunks the index
// lists, read at their file addresses and decoded by darkscan, give the values the test
// wrote through HDF5's own filters, with and without a user block before the superblock,
// for every element type and filter set, over ranges that start and end inside chunks;
// the columns the index cannot list (another byte order, a filter darkscan does not
// decode, contiguous storage) are read by HDF5 with the same values; a chunk whose mask
// says a filter was skipped decodes; a damaged chunk is named with its rows.
#include "io/chunk_table.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

#include "errors.hpp"
#include "io/event_file.hpp"
#include "io/h5.hpp"
#include "io/raw_file.hpp"
#include "io/sample_reader.hpp"
#include "support/temp_dir.hpp"

namespace darkscan::io {
namespace {

constexpr hsize_t kChunk = 1000;
constexpr hsize_t kRows = 3500;  // three whole chunks and half of a fourth

struct ColumnType {
  hid_t stored;  // HDF5 file type
  DType logical;
};

// Values that compress somewhat, as columns do, exact in every type (integers below 2^7
// for int8).
std::vector<double> values() {
  std::vector<double> out(kRows);
  std::uint64_t state = 777;
  for (std::size_t i = 0; i < kRows; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    out[i] = static_cast<double>(static_cast<int>(i % 97) - 48 + static_cast<int>(state >> 62));
  }
  return out;
}

// The values in the logical type's native bytes.
std::vector<std::byte> native_bytes(DType t, const std::vector<double>& v) {
  std::vector<std::byte> out(v.size() * dtype_size(t));
  for (std::size_t i = 0; i < v.size(); ++i) {
    auto put = [&](auto x) { std::memcpy(out.data() + i * sizeof x, &x, sizeof x); };
    switch (t) {
      case DType::f32: put(static_cast<float>(v[i])); break;
      case DType::f64: put(v[i]); break;
      case DType::i8: put(static_cast<std::int8_t>(v[i])); break;
      case DType::i32: put(static_cast<std::int32_t>(v[i])); break;
      case DType::i64: put(static_cast<std::int64_t>(v[i])); break;
    }
  }
  return out;
}

class ChunkTableTest : public testing::TempDirTest {
 protected:
  // An event file with one sample 's' of one column 'x' (kRows values), written through
  // HDF5's own filters: `pipeline` sets the creation properties (chunking included).
  std::string write(const std::string& name, hsize_t user_block, ColumnType type,
                    const std::function<void(hid_t)>& pipeline) {
    const std::string file_path = path(name).string();
    h5::PropertyList create_file(H5Pcreate(H5P_FILE_CREATE));
    if (user_block > 0) H5Pset_userblock(create_file.get(), user_block);
    h5::File file(H5Fcreate(file_path.c_str(), H5F_ACC_TRUNC, create_file.get(), H5P_DEFAULT));
    h5::Group samples(H5Gcreate2(file.get(), "/samples", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    h5::Group sample(H5Gcreate2(samples.get(), "s", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    h5::write_attribute(sample.get(), "kind", std::string("data"), "test");
    h5::Dataspace space(H5Screate_simple(1, &kRows, nullptr));
    h5::PropertyList create(H5Pcreate(H5P_DATASET_CREATE));
    pipeline(create.get());
    h5::Dataset ds(H5Dcreate2(sample.get(), "x", type.stored, space.get(), H5P_DEFAULT, create.get(), H5P_DEFAULT));
    EXPECT_GE(H5Dwrite(ds.get(), h5::native_type(type.logical), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                       native_bytes(type.logical, values()).data()),
              0);
    return file_path;
  }

  // Rows [first, first + count) of 'x' through a SampleReader.
  static std::vector<std::byte> read(const EventFile& file, DType logical, std::uint64_t first, std::uint64_t count) {
    SampleReader reader(file, "s", {}, {ColumnRequest{"x", logical, WhenMissing::fail, 0.0, ValueRule::none}});
    return reader.read(first, count).columns.at(0).bytes;
  }

  static void expect_every_range(const std::string& file_path, DType logical, const std::string& what) {
    const EventFile file(file_path);
    const auto expected = native_bytes(logical, values());
    const std::size_t size = dtype_size(logical);
    for (auto [first, count] : std::vector<std::pair<std::uint64_t, std::uint64_t>>{
             {0, kRows}, {0, kChunk}, {999, 2}, {250, 2600}, {3000, 500}, {3499, 1}}) {
      const auto got = read(file, logical, first, count);
      ASSERT_EQ(got.size(), count * size) << what;
      EXPECT_EQ(0, std::memcmp(got.data(), expected.data() + first * size, got.size()))
          << what << ": rows " << first << ".." << first + count;
    }
  }
};

TEST_F(ChunkTableTest, ChunksReadAtTheirAddressesGiveWhatHdf5Wrote) {
  const std::vector<ColumnType> types{{H5T_NATIVE_INT8, DType::i8},
                                      {H5T_NATIVE_INT32, DType::i32},
                                      {H5T_NATIVE_INT64, DType::i64},
                                      {H5T_NATIVE_FLOAT, DType::f32},
                                      {H5T_NATIVE_DOUBLE, DType::f64}};
  const std::vector<std::pair<std::string, std::function<void(hid_t)>>> pipelines{
      {"no filter", [](hid_t p) { H5Pset_chunk(p, 1, &kChunk); }},
      {"deflate 1", [](hid_t p) { H5Pset_chunk(p, 1, &kChunk), H5Pset_deflate(p, 1); }},
      {"shuffle + deflate 6",
       [](hid_t p) { H5Pset_chunk(p, 1, &kChunk), H5Pset_shuffle(p), H5Pset_deflate(p, 6); }}};
  int k = 0;
  for (hsize_t user_block : {hsize_t{0}, hsize_t{512}, hsize_t{4096}})
    for (const auto& type : types)
      for (const auto& [name, pipeline] : pipelines) {
        const std::string what = fmt::format("{}, {}, user block {}", dtype_name(type.logical), name, user_block);
        const auto file_path = write(fmt::format("f{}.h5", k++), user_block, type, pipeline);
        {
          const EventFile file(file_path);
          ASSERT_TRUE(file.raw().usable()) << what;
          const auto& column = file.sample("s").columns.at(0);
          ASSERT_TRUE(column.chunks.has_value()) << what << ": the index lists the chunks";
          EXPECT_EQ(column.chunks->chunks.size(), 4u) << what;
          EXPECT_EQ(column.chunks->chunk_rows, kChunk) << what;
          EXPECT_EQ(column.chunks->native, type.logical) << what;
        }
        expect_every_range(file_path, type.logical, what);
      }
}

TEST_F(ChunkTableTest, ColumnsTheIndexCannotListAreReadByHdf5WithTheSameValues) {
  struct Case {
    std::string what;
    ColumnType type;
    std::function<void(hid_t)> pipeline;
  };
  const std::vector<Case> cases{
      {"big-endian float32", {H5T_IEEE_F32BE, DType::f32}, [](hid_t p) { H5Pset_chunk(p, 1, &kChunk); }},
      {"int16 into int32", {H5T_STD_I16LE, DType::i32}, [](hid_t p) { H5Pset_chunk(p, 1, &kChunk); }},
      {"fletcher32", {H5T_NATIVE_DOUBLE, DType::f64}, [](hid_t p) { H5Pset_chunk(p, 1, &kChunk), H5Pset_fletcher32(p); }},
      {"shuffle alone", {H5T_NATIVE_FLOAT, DType::f32}, [](hid_t p) { H5Pset_chunk(p, 1, &kChunk), H5Pset_shuffle(p); }},
      {"contiguous", {H5T_NATIVE_INT64, DType::i64}, [](hid_t) {}},
  };
  int k = 0;
  for (const auto& c : cases) {
    const auto file_path = write(fmt::format("g{}.h5", k++), 512, c.type, c.pipeline);
    {
      const EventFile file(file_path);
      EXPECT_FALSE(file.sample("s").columns.at(0).chunks.has_value()) << c.what;
    }
    expect_every_range(file_path, c.type.logical, c.what);
  }
}

TEST_F(ChunkTableTest, AChunkWhoseMaskSkipsDeflateDecodes) {
  // Chunks written raw with H5Dwrite_chunk: the second one shuffled only (its mask says
  // deflate, filter 1, was skipped, as HDF5 leaves a chunk deflate would not shrink).
  const std::string file_path = write("mask.h5", 0, {H5T_NATIVE_FLOAT, DType::f32}, [](hid_t p) {
    H5Pset_chunk(p, 1, &kChunk), H5Pset_shuffle(p), H5Pset_deflate(p, 4);
  });
  const auto source = native_bytes(DType::f32, values());
  {
    h5::File file(H5Fopen(file_path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
    h5::Dataset ds(H5Dopen2(file.get(), "/samples/s/x", H5P_DEFAULT));
    std::vector<std::byte> raw(source.begin() + kChunk * 4, source.begin() + 2 * kChunk * 4), stored;
    encode_chunk(raw, 4, {true, false, 0}, stored);
    const hsize_t offset = kChunk;
    ASSERT_GE(H5Dwrite_chunk(ds.get(), H5P_DEFAULT, 0b10, &offset, stored.size(), stored.data()), 0);
  }
  const EventFile file(file_path);
  const auto& column = file.sample("s").columns.at(0);
  ASSERT_TRUE(column.chunks.has_value());
  EXPECT_EQ(column.chunks->chunks.at(1).filter_mask, 0b10u);
  EXPECT_EQ(read(file, DType::f32, 0, kRows), source);
}

TEST_F(ChunkTableTest, ADamagedChunkIsNamedWithItsRows) {
  const std::string file_path = write("damaged.h5", 512, {H5T_NATIVE_DOUBLE, DType::f64}, [](hid_t p) {
    H5Pset_chunk(p, 1, &kChunk), H5Pset_shuffle(p), H5Pset_deflate(p, 4);
  });
  hsize_t address = 0, bytes = 0;
  {
    const EventFile file(file_path);
    const auto& chunk = file.sample("s").columns.at(0).chunks.value().chunks.at(2);
    address = chunk.address, bytes = chunk.bytes;
  }
  {
    // Every 16th byte of the third chunk's deflate stream flipped: HDF5's checksums cover
    // its metadata, not the chunks, so only the stream itself can tell.
    std::fstream f(file_path, std::ios::in | std::ios::out | std::ios::binary);
    for (hsize_t i = 8; i < bytes; i += 16) {
      f.seekg(static_cast<std::streamoff>(512 + address + i));
      const char c = static_cast<char>(f.get() ^ 0x5a);
      f.seekp(static_cast<std::streamoff>(512 + address + i));
      f.put(c);
    }
  }
  const EventFile file(file_path);
  const auto expected = native_bytes(DType::f64, values());
  EXPECT_EQ(read(file, DType::f64, 0, 2 * kChunk), std::vector<std::byte>(expected.begin(), expected.begin() + 2 * kChunk * 8))
      << "the chunks before it still read";
  try {
    read(file, DType::f64, 1500, 1000);
    FAIL() << "a damaged chunk was read";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), file_path + ": sample 's': column 'x': cannot read rows 1500..2500 (the chunk of "
                                                  "rows 2000..3000 does not decode (damaged?))");
  }
}

TEST_F(ChunkTableTest, AFileOpenThroughAnotherDriverIsNotReadRaw) {
  const std::string file_path =
      write("core.h5", 0, {H5T_NATIVE_FLOAT, DType::f32}, [](hid_t p) { H5Pset_chunk(p, 1, &kChunk); });
  h5::PropertyList access(H5Pcreate(H5P_FILE_ACCESS));
  H5Pset_fapl_core(access.get(), 1 << 20, 0);
  h5::File in_memory(H5Fopen(file_path.c_str(), H5F_ACC_RDONLY, access.get()));
  ASSERT_TRUE(in_memory);
  EXPECT_FALSE(RawFile(in_memory.get()).usable());
  h5::File on_disk(H5Fopen(file_path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  EXPECT_TRUE(RawFile(on_disk.get()).usable());
}

}  // namespace
}  // namespace darkscan::io
