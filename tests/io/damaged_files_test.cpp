// Damaged HDF5 files (docs/bad-input.md): one byte flipped in a metadata block of a file
// darkscan wrote is reported in one line, not read back as another value (the files
// are in the checksummed format, io/h5_storage.hpp); an extent that says more rows than
// the file stores is refused before the rows are allocated, in an event file and in a
// numeric table.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <vector>

#include "errors.hpp"
#include "io/event_writer.hpp"
#include "io/host_batch.hpp"
#include "io/numeric_table.hpp"
#include "support/h5_builder.hpp"
#include "support/run_command.hpp"
#include "support/temp_dir.hpp"

namespace darkscan {
namespace {

// One byte flipped in a metadata block of a file darkscan wrote (an attribute's value,
// the extent of a column: both in an object header) is reported in one line, not read
// back as another value.
class DamagedMetadata : public testing::TempDirTest {
 protected:
  // A sample of one column of 777 rows with a distinctive attribute.
  std::string write() const {
    const auto file = path("result.h5").string();
    std::vector<double> mass(777);
    for (std::size_t i = 0; i < mass.size(); ++i) mass[i] = 0.3 + 0.001 * static_cast<double>(i);
    io::HostBatch batch;
    batch.rows = mass.size();
    batch.columns = {io::HostColumn::from<double>("mass", std::span<const double>(mass))};
    io::EventFileWriter writer(file);
    writer.begin_sample("bkg", {{"kind", std::string("background")}, {"cross_section_fb", 1234.5678}}, batch);
    writer.commit();
    return file;
  }
  // Flips bit 2 of the byte `at` bytes into the only occurrence of `pattern`.
  static void flip(const std::string& file, const void* pattern, std::size_t n, std::size_t at) {
    std::ifstream in(file, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    const std::string needle(static_cast<const char*>(pattern), n);
    const auto first = bytes.find(needle);
    ASSERT_NE(first, std::string::npos);
    ASSERT_EQ(bytes.find(needle, first + 1), std::string::npos) << "the pattern is not unique";
    bytes[first + at] = static_cast<char>(bytes[first + at] ^ 0x04);
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
  }
  static void expect_reported(const std::string& file, const std::string& must_not_show) {
    const auto r = testing::run_darkscan({"info", file});
    EXPECT_TRUE(r.exit_code == 2 || r.exit_code == 1) << r.exit_code << r.out << r.err;
    EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(file), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("checksum"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find(must_not_show), std::string::npos) << r.out;
  }
};

TEST_F(DamagedMetadata, AnUndamagedFileReadsBack) {
  const auto file = write();
  const auto r = testing::run_darkscan({"info", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("sample 'bkg': kind background, 777 rows"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cross_section_fb = 1234.5678"), std::string::npos) << r.out;
}

TEST_F(DamagedMetadata, AFlippedByteOfAnAttributeIsReported) {
  const auto file = write();
  const double value = 1234.5678;
  flip(file, &value, sizeof value, 3);
  expect_reported(file, "cross_section_fb = ");
}

TEST_F(DamagedMetadata, AFlippedByteOfAColumnsExtentIsReported) {
  const auto file = write();
  const std::uint64_t rows = 777;
  flip(file, &rows, sizeof rows, 0);  // 777 would read as 781
  expect_reported(file, "rows");
}

// A column whose extent was set to 2^40 rows with one chunk of 1,000 written (an
// unfinished or damaged file): before, every reader took the extent at its word.
void extend(const std::string& file, const std::string& dataset, hsize_t rows) {
  h5::File f(H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
  ASSERT_GE(f.get(), 0);
  h5::Dataset ds(H5Dopen2(f.get(), dataset.c_str(), H5P_DEFAULT));
  ASSERT_GE(ds.get(), 0);
  ASSERT_GE(H5Dset_extent(ds.get(), &rows), 0);
}

// A chunked, extendible 1-D column of `n` doubles (as h5py writes one with maxshape).
void chunked_column(hid_t parent, const std::string& name, std::size_t n) {
  const hsize_t dims = n, max = H5S_UNLIMITED, chunk = 1000;
  h5::Dataspace space(H5Screate_simple(1, &dims, &max));
  h5::PropertyList create(H5Pcreate(H5P_DATASET_CREATE));
  H5Pset_chunk(create.get(), 1, &chunk);
  h5::Dataset ds(H5Dcreate2(parent, name.c_str(), H5T_NATIVE_DOUBLE, space.get(), H5P_DEFAULT, create.get(),
                            H5P_DEFAULT));
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = 1.0 + static_cast<double>(i);
  H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
}

class StoredRows : public testing::TempDirTest {};

TEST_F(StoredRows, AnEventFileColumnLongerThanItsStoredChunksIsRefused) {
  const auto file = path("events.h5").string();
  {
    testing::H5Builder b(file);
    const hid_t g = b.group("/samples/bkg");
    b.string_attribute(g, "kind", "background");
    chunked_column(g, "mass", 1000);
    b.close();
  }
  // Intact: read as 1,000 rows.
  auto r = testing::run_darkscan({"info", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("sample 'bkg': kind background, 1000 rows"), std::string::npos) << r.out;
  extend(file, "/samples/bkg/mass", hsize_t{1} << 40);
  r = testing::run_darkscan({"info", file});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(file + ": /samples/bkg/mass: its extent says 1099511627776 rows but the file stores 1 "
                              "chunks of 1000 rows, at most 1000 rows"),
            std::string::npos)
      << r.err;
}

TEST_F(StoredRows, ANumericTableLongerThanItsStoredChunksIsRefusedBeforeAllocating) {
  // 2^40 doubles would be 8 TiB: refused from the chunks stored, not by a failed allocation.
  const auto file = path("table.h5").string();
  {
    testing::H5Builder b(file);
    chunked_column(b.file(), "m", 1000);
    chunked_column(b.file(), "value", 1000);
    b.close();
  }
  EXPECT_EQ(io::read_numeric_h5(file, {"m", "value"}).columns[0].size(), 1000u);
  extend(file, "/m", hsize_t{1} << 40);
  try {
    io::read_numeric_h5(file, {"m", "value"});
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(file + ": /m: its extent says 1099511627776 rows"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace darkscan
