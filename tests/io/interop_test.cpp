// Interoperability with the Python HDF5 ecosystem, through Debian's python3: files
// that pandas and PyTables write (basf2's ntuple writer is PyTables) load through the
// event store, and darkscan's own files satisfy h5py/pandas readers and the docs/formats/events.md
// conventions, in the checksummed HDF5 format (tests/io/damaged_files_test.cpp damages it).
// The expected numbers come from numpy, not from darkscan.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "events/synthetic_sample.hpp"
#include "support/run_command.hpp"
#include "support/temp_dir.hpp"

namespace darkscan {
namespace {

const std::string kInterop = DARKSCAN_SOURCE_DIR "/tests/support/interop.py";

class Interop : public testing::TempDirTest {};

TEST_F(Interop, PandasAndPyTablesFilesLoadThroughTheEventStore) {
  const auto file = path("pandas.h5").string();
  const auto py = testing::run_command({"/usr/bin/python3", kInterop, "write-pandas", file, "2000"});
  ASSERT_EQ(py.exit_code, 0) << py.err;

  // numpy's min and max of one column per sample, "%.6g" formatted.
  std::map<std::string, std::pair<std::string, std::string>> expected;
  std::istringstream lines(py.out);
  for (std::string sample, column, lo, hi; lines >> sample >> column >> lo >> hi;) expected[sample] = {lo, hi};
  ASSERT_EQ(expected.size(), 2u) << py.out;

  // The pandas table holds darkscan's names; the basf2 table needs the mapping.
  const auto r = testing::run_darkscan({"info", "--check", "--sample", "candidates", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ofstream(path("basf2.toml")) << "[columns]\nhp_trk0_px = \"daughter__bo0__cm__sppx__bc\"\n";
  const auto m = testing::run_darkscan(
      {"info", "--check", "--sample", "variables", "--config", path("basf2.toml").string(), file});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_NE(r.out.find("sample 'candidates': kind not set, 2000 rows, 44 columns (compound table at "
                       "/candidates/table)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(m.out.find("sample 'variables': kind not set, 2000 rows, 47 columns (compound table at /variables)"),
            std::string::npos)
      << m.out;
  EXPECT_EQ(r.out.find("pandas_type"), std::string::npos) << "PyTables/pandas bookkeeping listed as metadata";
  const auto row = [](const std::string& column, const std::string& stored, const std::string& dtype,
                      const std::pair<std::string, std::string>& range) {
    return fmt::format("  {:<20} {:<32} {:>8} {:>14} {:>14}", column, stored, dtype, range.first, range.second);
  };
  EXPECT_NE(r.out.find(row("hp_vx", "hp_vx", "float32", expected["candidates"])), std::string::npos) << r.out;
  EXPECT_NE(m.out.find(row("hp_trk0_px", "daughter__bo0__cm__sppx__bc", "float32", expected["variables"])),
            std::string::npos)
      << m.out;
}

TEST_F(Interop, DarkscanFilesFollowTheConventionsForH5pyAndPandas) {
  const auto file = path("events.h5");
  events::write_synthetic_file(file, {{"data", "data", 3000}, {"sig", "signal", 500}, {"bkg", "background", 400}}, 8);
  const auto py = testing::run_command({"/usr/bin/python3", kInterop, "check-darkscan", file.string()});
  EXPECT_EQ(py.exit_code, 0) << py.out << py.err;
}

TEST_F(Interop, DarkscanFilesUseTheChecksummedFormatAndStillReadInH5pyAndH5dump) {
  // The 1.10 format (superblock version 3: checksummed superblock, object headers and
  // chunk indexes), read by h5py and h5dump as before.
  const auto file = path("events.h5");
  events::write_synthetic_file(file, {{"data", "data", 3000}, {"sig", "signal", 500}}, 8);
  const auto py = testing::run_command({"/usr/bin/python3", kInterop, "check-format", file.string()});
  EXPECT_EQ(py.exit_code, 0) << py.out << py.err;
  EXPECT_EQ(py.out, "superblock 3\n") << py.err;
  const auto dump = testing::run_command({"/usr/bin/h5dump", "-H", "-p", file.string()});
  EXPECT_EQ(dump.exit_code, 0) << dump.err;
  EXPECT_NE(dump.out.find("DATASET \"hp_vx\""), std::string::npos);
}

}  // namespace
}  // namespace darkscan
