// darkscan's own shuffle + deflate of HDF5 chunks (io/chunk_codec.hpp) against HDF5's
// filters, the independent implementation: what darkscan encodes HDF5 decodes, what HDF5
// encodes darkscan decodes, for every element size and filter set; and the writer's
// right-sized chunks (io/event_writer.hpp).
#include "io/chunk_codec.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <numeric>
#include <vector>

#include "io/event_writer.hpp"
#include "io/h5.hpp"
#include "support/h5_read.hpp"
#include "support/temp_dir.hpp"

namespace darkscan::io {
namespace {

constexpr hsize_t kChunk = 1000;
constexpr hsize_t kRows = 2500;  // two whole chunks and a partial one

struct Case {
  hid_t type;
  std::size_t size;
  ChunkFilters filters;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  for (auto [type, size] : std::vector<std::pair<hid_t, std::size_t>>{
           {H5T_NATIVE_INT8, 1}, {H5T_NATIVE_FLOAT, 4}, {H5T_NATIVE_INT32, 4}, {H5T_NATIVE_DOUBLE, 8},
           {H5T_NATIVE_INT64, 8}}) {
    out.push_back({type, size, {false, false, 0}});
    out.push_back({type, size, {false, true, 1}});
    out.push_back({type, size, {true, true, 1}});
    out.push_back({type, size, {true, true, 6}});
  }
  return out;
}

// Bytes that compress somewhat (a slowly varying sequence with noise), as columns do.
std::vector<std::byte> column_bytes(std::size_t size) {
  std::vector<std::byte> out(kRows * size);
  std::uint64_t state = 12345;
  for (std::size_t i = 0; i < kRows; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const std::uint64_t value = i / 7 + (state >> 60);
    std::memcpy(out.data() + i * size, &value, size);
  }
  return out;
}

h5::PropertyList creation(const ChunkFilters& f) {
  h5::PropertyList create(H5Pcreate(H5P_DATASET_CREATE));
  H5Pset_chunk(create.get(), 1, &kChunk);
  if (f.shuffle) H5Pset_shuffle(create.get());
  if (f.deflate) H5Pset_deflate(create.get(), f.deflate_level);
  return create;
}

h5::Dataset make_dataset(hid_t file, const std::string& name, const Case& c) {
  h5::Dataspace space(H5Screate_simple(1, &kRows, nullptr));
  const auto create = creation(c.filters);
  return h5::Dataset(H5Dcreate2(file, name.c_str(), c.type, space.get(), H5P_DEFAULT, create.get(), H5P_DEFAULT));
}

std::string describe(const Case& c) {
  return std::to_string(c.size) + "-byte elements" + (c.filters.shuffle ? ", shuffle" : "") +
         (c.filters.deflate ? ", deflate " + std::to_string(c.filters.deflate_level) : "");
}

class ChunkCodec : public testing::TempDirTest {};

TEST_F(ChunkCodec, Hdf5DecodesWhatDarkscanEncodes) {
  h5::File file(H5Fcreate(path("encoded.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  int k = 0;
  for (const Case& c : cases()) {
    const std::string name = "d" + std::to_string(k++);
    const auto source = column_bytes(c.size);
    auto ds = make_dataset(file.get(), name, c);
    for (hsize_t first = 0; first < kRows; first += kChunk) {
      // The last chunk is padded with zeros to the chunk's size, as HDF5 stores one.
      std::vector<std::byte> raw(kChunk * c.size, std::byte{0});
      const hsize_t rows = std::min(kChunk, kRows - first);
      std::memcpy(raw.data(), source.data() + first * c.size, rows * c.size);
      std::vector<std::byte> stored;
      encode_chunk(raw, c.size, c.filters, stored);
      if (c.filters.deflate) {
        EXPECT_LT(stored.size(), raw.size()) << describe(c);
      }
      ASSERT_GE(H5Dwrite_chunk(ds.get(), H5P_DEFAULT, 0, &first, stored.size(), stored.data()), 0) << describe(c);
    }
    std::vector<std::byte> back(source.size());
    ASSERT_GE(H5Dread(ds.get(), c.type, H5S_ALL, H5S_ALL, H5P_DEFAULT, back.data()), 0) << describe(c);
    EXPECT_EQ(back, source) << describe(c);
  }
}

TEST_F(ChunkCodec, DarkscanDecodesWhatHdf5Encodes) {
  h5::File file(H5Fcreate(path("hdf5.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  int k = 0;
  for (const Case& c : cases()) {
    const std::string name = "d" + std::to_string(k++);
    const auto source = column_bytes(c.size);
    auto ds = make_dataset(file.get(), name, c);
    ASSERT_GE(H5Dwrite(ds.get(), c.type, H5S_ALL, H5S_ALL, H5P_DEFAULT, source.data()), 0);
    h5::PropertyList create(H5Dget_create_plist(ds.get()));
    ChunkFilters read_back;
    ASSERT_TRUE(own_filters(create.get(), read_back)) << describe(c);
    EXPECT_EQ(read_back.shuffle, c.filters.shuffle) << describe(c);
    EXPECT_EQ(read_back.deflate, c.filters.deflate) << describe(c);
    for (hsize_t first = 0; first < kRows; first += kChunk) {
      hsize_t bytes = 0;
      ASSERT_GE(H5Dget_chunk_storage_size(ds.get(), &first, &bytes), 0);
      std::vector<std::byte> stored(bytes);
      std::uint32_t skipped = 0;
      ASSERT_GE(H5Dread_chunk(ds.get(), H5P_DEFAULT, &first, &skipped, stored.data()), 0);
      std::vector<std::byte> raw(kChunk * c.size);
      ASSERT_TRUE(decode_chunk(stored, skipped, c.size, read_back, raw)) << describe(c) << " chunk at " << first;
      const hsize_t rows = std::min(kChunk, kRows - first);
      EXPECT_EQ(0, std::memcmp(raw.data(), source.data() + first * c.size, rows * c.size))
          << describe(c) << " chunk at " << first;
    }
  }
}

TEST_F(ChunkCodec, ADamagedStreamIsReportedNotDecoded) {
  const auto source = column_bytes(4);
  const ChunkFilters f{true, true, 1};
  std::vector<std::byte> stored;
  encode_chunk(std::span(source).first(kChunk * 4), 4, f, stored);
  std::vector<std::byte> raw(kChunk * 4);
  ASSERT_TRUE(decode_chunk(stored, 0, 4, f, raw));
  auto damaged = stored;
  for (std::size_t i = 8; i < damaged.size(); i += 16) damaged[i] ^= std::byte{0x5a};
  EXPECT_FALSE(decode_chunk(damaged, 0, 4, f, raw));
  EXPECT_FALSE(decode_chunk(std::span(stored).first(stored.size() / 2), 0, 4, f, raw)) << "a truncated stream";
  std::vector<std::byte> too_small(kChunk * 4 - 4);
  EXPECT_FALSE(decode_chunk(stored, 0, 4, f, too_small)) << "a stream longer than the chunk";
}

TEST_F(ChunkCodec, OnlyShuffleThenDeflateOrLessIsDecodedByDarkscan) {
  ChunkFilters f;
  auto with = [](auto... set) {
    h5::PropertyList create(H5Pcreate(H5P_DATASET_CREATE));
    H5Pset_chunk(create.get(), 1, &kChunk);
    (set(create.get()), ...);
    return create;
  };
  auto shuffle = [](hid_t p) { H5Pset_shuffle(p); };
  auto deflate = [](hid_t p) { H5Pset_deflate(p, 3); };
  auto fletcher = [](hid_t p) { H5Pset_fletcher32(p); };
  EXPECT_TRUE(own_filters(with().get(), f));
  EXPECT_TRUE(own_filters(with(deflate).get(), f));
  EXPECT_EQ(f.deflate_level, 3u);
  EXPECT_TRUE(own_filters(with(shuffle, deflate).get(), f));
  EXPECT_TRUE(f.shuffle && f.deflate);
  EXPECT_FALSE(own_filters(with(deflate, shuffle).get(), f)) << "shuffle after deflate";
  EXPECT_FALSE(own_filters(with(shuffle).get(), f)) << "shuffle alone: left to HDF5";
  EXPECT_FALSE(own_filters(with(shuffle, deflate, fletcher).get(), f));
  EXPECT_FALSE(own_filters(with(fletcher).get(), f));
}

hsize_t chunk_rows_of(hid_t file, const std::string& path) {
  h5::Dataset ds(H5Dopen2(file, path.c_str(), H5P_DEFAULT));
  h5::PropertyList create(H5Dget_create_plist(ds.get()));
  hsize_t chunk = 0;
  H5Pget_chunk(create.get(), 1, &chunk);
  return chunk;
}

HostBatch sequence(std::uint64_t first, std::uint64_t rows) {
  HostBatch b;
  b.rows = rows;
  std::vector<double> x(rows);
  std::vector<std::int8_t> k(rows);
  for (std::uint64_t i = 0; i < rows; ++i) {
    x[i] = 0.25 * static_cast<double>(first + i);
    k[i] = static_cast<std::int8_t>((first + i) % 3);
  }
  b.columns.push_back({"x", DType::f64, std::vector<std::byte>(rows * 8)});
  if (rows > 0) std::memcpy(b.columns.back().bytes.data(), x.data(), rows * 8);
  b.columns.push_back({"k", DType::i8, std::vector<std::byte>(rows)});
  if (rows > 0) std::memcpy(b.columns.back().bytes.data(), k.data(), rows);
  return b;
}

TEST_F(ChunkCodec, TablesShorterThanAChunkAreOneChunkOfTheirRows) {
  const std::string out = path("tables.h5");
  {
    EventFileWriter writer(out);
    const ColumnDoc docs[] = {{"x", "GeV", "a number"}, {"k", "", "a class"}};
    writer.begin_table("", "nine", {}, sequence(0, 9));
    writer.describe_columns(docs);
    writer.begin_table("", "empty", {}, sequence(0, 0));
    writer.begin_table("", "long", {}, sequence(0, 1000));
    writer.describe_columns(docs);
    for (std::uint64_t first = 1000; first < 70000; first += 1000) writer.append(sequence(first, 1000));
    writer.commit();
  }
  const h5::File file = h5::open_file_readonly(out);
  EXPECT_EQ(chunk_rows_of(file.get(), "/nine/x"), 9u);
  EXPECT_EQ(chunk_rows_of(file.get(), "/empty/x"), 1u);
  EXPECT_EQ(chunk_rows_of(file.get(), "/long/x"), 65536u);
  EXPECT_EQ(chunk_rows_of(file.get(), "/long/k"), 65536u);
  // HDF5's own filters read back every row; the held attributes were written.
  const auto x = testing::read_column<double>(file.get(), "/long/x");
  const auto k = testing::read_column<std::int8_t>(file.get(), "/long/k");
  ASSERT_EQ(x.size(), 70000u);
  ASSERT_EQ(k.size(), 70000u);
  for (std::size_t i = 0; i < x.size(); ++i) {
    ASSERT_EQ(x[i], 0.25 * static_cast<double>(i)) << i;
    ASSERT_EQ(k[i], static_cast<std::int8_t>(i % 3)) << i;
  }
  EXPECT_EQ(testing::read_column<double>(file.get(), "/nine/x").size(), 9u);
  EXPECT_TRUE(testing::read_column<double>(file.get(), "/empty/x").empty());
  EXPECT_EQ(testing::undescribed_datasets(out), (std::vector<std::string>{"/empty/k", "/empty/x"}));
}

// The filters of a dataset's pipeline, in order.
std::vector<H5Z_filter_t> filters_of(hid_t file, const std::string& path) {
  h5::Dataset ds(H5Dopen2(file, path.c_str(), H5P_DEFAULT));
  h5::PropertyList create(H5Dget_create_plist(ds.get()));
  std::vector<H5Z_filter_t> out;
  for (int i = 0; i < H5Pget_nfilters(create.get()); ++i) {
    unsigned flags = 0;
    std::size_t count = 0;
    out.push_back(H5Pget_filter2(create.get(), static_cast<unsigned>(i), &flags, &count, nullptr, 0, nullptr, nullptr));
  }
  return out;
}

TEST_F(ChunkCodec, ColumnsDeflateBarelyShrinksAreStoredWithoutFilters) {
  // 70,000 rows: a whole first chunk decides, a second partial chunk follows it. `noise`
  // is random bits in every float (deflate cannot shrink it), `steps` a slow ramp (it
  // shrinks many times), `sign` a small integer, `mixed` random bits in its first chunk
  // and a constant after: the first chunk decides for the whole column.
  constexpr std::uint64_t kRowsWritten = 70000;
  std::vector<float> noise(kRowsWritten), steps(kRowsWritten), mixed(kRowsWritten);
  std::vector<std::int32_t> sign(kRowsWritten);
  std::uint64_t state = 99;
  for (std::uint64_t i = 0; i < kRowsWritten; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto bits = static_cast<std::uint32_t>(state >> 32);
    // Random sign, mantissa and exponent (1..254: finite): no byte plane that repeats.
    const std::uint32_t exponent = 1 + ((bits >> 23) & 0xffu) % 254;
    const std::uint32_t random_float = (bits & 0x807fffffu) | (exponent << 23);
    std::memcpy(&noise[i], &random_float, 4);
    mixed[i] = i < 65536 ? noise[i] : 1.5f;
    steps[i] = static_cast<float>(i / 100);
    sign[i] = (i % 7 == 0) ? -1 : 1;
  }
  const std::string out = path("filters.h5");
  {
    EventFileWriter writer(out);
    HostBatch b;
    b.rows = kRowsWritten;
    b.columns.push_back(HostColumn::from<float>("noise", noise));
    b.columns.push_back(HostColumn::from<float>("steps", steps));
    b.columns.push_back(HostColumn::from<std::int32_t>("sign", sign));
    b.columns.push_back(HostColumn::from<float>("mixed", mixed));
    writer.begin_table("", "t", {}, b);
    writer.commit();
  }
  const h5::File file = h5::open_file_readonly(out);
  const std::vector<H5Z_filter_t> none, both{H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE};
  EXPECT_EQ(filters_of(file.get(), "/t/noise"), none);
  EXPECT_EQ(filters_of(file.get(), "/t/mixed"), none);
  EXPECT_EQ(filters_of(file.get(), "/t/steps"), both);
  EXPECT_EQ(filters_of(file.get(), "/t/sign"), both);
  EXPECT_EQ(chunk_rows_of(file.get(), "/t/noise"), 65536u);
  // HDF5's own reads give back every value, filtered or not.
  EXPECT_EQ(testing::read_column<float>(file.get(), "/t/noise"), noise);
  EXPECT_EQ(testing::read_column<float>(file.get(), "/t/mixed"), mixed);
  EXPECT_EQ(testing::read_column<float>(file.get(), "/t/steps"), steps);
  EXPECT_EQ(testing::read_column<std::int32_t>(file.get(), "/t/sign"), sign);
}

}  // namespace
}  // namespace darkscan::io
