// Every kind of bad input through the darkscan executable: one line on stderr that
// names the file and the column or key, exit status 2, nothing on the way out.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "events/synthetic_sample.hpp"
#include "support/h5_builder.hpp"
#include "support/run_command.hpp"
#include "support/temp_dir.hpp"

namespace darkscan {
namespace {

using testing::H5Builder;
using testing::run_darkscan;

class BadInput : public testing::TempDirTest {
 protected:
  // Runs darkscan and checks the contract for bad input; returns stderr.
  std::string expect_bad_input(const std::vector<std::string>& args, const std::vector<std::string>& mentions) {
    const auto r = run_darkscan(args);
    EXPECT_EQ(r.exit_code, 2) << "stdout: " << r.out << "\nstderr: " << r.err;
    EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
    EXPECT_EQ(r.err.rfind("darkscan: error: ", 0), 0u) << r.err;
    for (const auto& m : mentions) EXPECT_NE(r.err.find(m), std::string::npos) << "'" << m << "' not in: " << r.err;
    return r.err;
  }

  io::HostBatch good_rows(std::uint64_t n = 50) { return events::synthetic_rows({"data", "data", n}, 4, 0, n); }

  // A column-layout file holding `batch` as its one sample, 'data'.
  std::string file_with(const std::string& name, io::HostBatch batch) {
    const auto p = path(name);
    H5Builder b(p);
    b.column_sample("/samples/data", batch, "data");
    return p.string();
  }

};

TEST_F(BadInput, MissingFile) {
  const auto f = path("nope.h5").string();
  expect_bad_input({"info", f}, {f, "no such file"});
}

TEST_F(BadInput, NotAnHdf5File) {
  const auto f = write_file("text.h5", "this is not HDF5\n");
  expect_bad_input({"info", f}, {f, "not a readable HDF5 file"});
}

TEST_F(BadInput, TruncatedHdf5File) {
  events::write_synthetic_file(path("whole.h5"), {{"data", "data", 20000}}, 1);
  const auto size = std::filesystem::file_size(path("whole.h5"));
  std::filesystem::copy_file(path("whole.h5"), path("cut.h5"));
  std::filesystem::resize_file(path("cut.h5"), size / 2);
  const auto f = path("cut.h5").string();
  expect_bad_input({"info", "--check", f}, {f});
}

TEST_F(BadInput, FileWithoutSamples) {
  const auto p = path("empty.h5");
  { H5Builder b(p); }
  expect_bad_input({"info", p.string()}, {p.string(), "no event samples found"});
}

TEST_F(BadInput, MissingSample) {
  const auto f = file_with("f.h5", good_rows());
  expect_bad_input({"info", "--sample", "signal_pipi", f}, {f, "no sample 'signal_pipi'", "the file has: data"});
}

TEST_F(BadInput, MissingColumn) {
  auto batch = good_rows();
  std::erase_if(batch.columns, [](const io::HostColumn& c) { return c.name == "hp_trk0_px"; });
  const auto f = file_with("f.h5", batch);
  expect_bad_input({"info", "--check", f}, {f, "sample 'data'", "column 'hp_trk0_px'", "not found"});
}

TEST_F(BadInput, MappedColumnMissing) {
  const auto f = file_with("f.h5", good_rows());
  const auto cfg = write_file("map.toml", "[columns]\nhp_trk0_px = \"daughter__bo0__cm__sppx__bc\"\n");
  expect_bad_input({"info", "--check", "--config", cfg, f},
                   {f, "column 'hp_trk0_px' (stored as 'daughter__bo0__cm__sppx__bc')", "not found"});
}

TEST_F(BadInput, WrongDtypeString) {
  auto batch = good_rows();
  std::erase_if(batch.columns, [](const io::HostColumn& c) { return c.name == "miss_klm_angle"; });
  const auto p = path("f.h5");
  {
    H5Builder b(p);
    b.column_sample("/samples/data", batch, "data");
    b.string_dataset(b.group("/samples/data"), "miss_klm_angle", 50);
  }
  expect_bad_input({"info", "--check", p.string()}, {p.string(), "column 'miss_klm_angle'", "has type string"});
}

TEST_F(BadInput, WrongDtypeIntegerForAFloatColumn) {
  auto batch = good_rows();
  for (auto& c : batch.columns)
    if (c.name == "hp_vx") c = io::HostColumn::from<std::int32_t>("hp_vx", std::vector<std::int32_t>(50, 1));
  const auto f = file_with("f.h5", batch);
  expect_bad_input({"info", "--check", f}, {f, "column 'hp_vx'", "int32", "expected a floating-point column"});
}

TEST_F(BadInput, TwoDimensionalColumn) {
  auto batch = good_rows();
  std::erase_if(batch.columns, [](const io::HostColumn& c) { return c.name == "hp_vy"; });
  const auto p = path("f.h5");
  {
    H5Builder b(p);
    b.column_sample("/samples/data", batch, "data");
    b.matrix_dataset(b.group("/samples/data"), "hp_vy", 50, 3);
  }
  expect_bad_input({"info", "--check", p.string()}, {p.string(), "column 'hp_vy'", "2-dimensional"});
}

TEST_F(BadInput, ColumnsOfUnequalLength) {
  auto batch = good_rows();
  for (auto& c : batch.columns)
    if (c.name == "chi_vz") c = io::HostColumn::from<float>("chi_vz", std::vector<float>(49, 1.f));
  const auto f = file_with("f.h5", batch);
  expect_bad_input({"info", f}, {f, "sample 'data'", "unequal length", "'chi_vz' has 49 rows"});
}

TEST_F(BadInput, EmptySample) {
  const auto f = file_with("f.h5", good_rows(0));
  expect_bad_input({"info", "--check", f}, {f, "sample 'data'", "empty (0 rows)"});
}

TEST_F(BadInput, NaNInACutColumn) {
  auto batch = good_rows();
  for (auto& c : batch.columns)
    if (c.name == "hp_trk1_theta_ext") c.values<float>()[7] = std::nanf("");
  const auto f = file_with("f.h5", batch);
  expect_bad_input({"info", "--check", f}, {f, "column 'hp_trk1_theta_ext'", "NaN or infinite", "row 7"});
}

TEST_F(BadInput, InfinityInACutColumn) {
  auto batch = good_rows();
  for (auto& c : batch.columns)
    if (c.name == "ecl_energy_extra") c.values<float>()[33] = INFINITY;
  const auto f = file_with("f.h5", batch);
  expect_bad_input({"info", "--check", "--backend", "cpu", f}, {f, "column 'ecl_energy_extra'", "row 33"});
}

TEST_F(BadInput, SignalSampleWithoutTruth) {
  auto batch = events::synthetic_rows({"sig", "signal", 30}, 4, 0, 30);
  std::erase_if(batch.columns, [](const io::HostColumn& c) { return c.name == "true_hp_ctau"; });
  const auto p = path("f.h5");
  {
    H5Builder b(p);
    b.column_sample("/samples/sig", batch, "signal");
  }
  expect_bad_input({"info", "--check", p.string()}, {p.string(), "sample 'sig'", "column 'true_hp_ctau'", "not found"});
}

TEST_F(BadInput, BadKindAttribute) {
  const auto p = path("f.h5");
  {
    H5Builder b(p);
    b.column_sample("/samples/data", good_rows(), "");
    b.string_attribute(b.group("/samples/extra"), "kind", "simulation");
  }
  expect_bad_input({"info", p.string()}, {p.string(), "sample 'extra'", "attribute 'kind' = 'simulation'"});
}

TEST_F(BadInput, UnknownPriorInAScanFile) {
  // The root attributes of a scan output with one prior misspelt: later stages must not
  // compute under the default prior instead of the scan's.
  struct Case {
    const char* nuisance_prior;
    const char* signal_prior;
    const char* key;  // the misspelt one
  };
  for (const Case& c : {Case{"log-normal", "uniform", "nuisance_prior"}, Case{"gaussian", "flat", "signal_prior"}}) {
    const auto p = path(std::string(c.key) + ".h5");
    {
      H5Builder b(p);
      b.double_attribute(b.file(), "credibility", 0.95);
      b.string_attribute(b.file(), "nuisance_prior", c.nuisance_prior);
      b.string_attribute(b.file(), "signal_prior", c.signal_prior);
      b.double_attribute(b.file(), "luminosity_fb", 365);
      b.double_attribute(b.file(), "luminosity_rel_unc", 0.0047);
      b.string_attribute(b.file(), "data_sha256", std::string(64, '0'));
      b.string_attribute(b.file(), "model_sha256", std::string(64, '0'));
    }
    const std::string value = std::string(c.key) == "nuisance_prior" ? c.nuisance_prior : c.signal_prior;
    expect_bad_input({"interpret", "--scan", p.string(), "--output", path("out.h5").string()},
                     {p.string(), fmt::format("attribute {} = '{}'", c.key, value)});
  }
}

TEST_F(BadInput, UnknownConfigKey) {
  const auto f = file_with("f.h5", good_rows());
  const auto cfg = write_file("c.toml", "[selection]\ntrack_hit_min = 20\n");
  expect_bad_input({"info", "--config", cfg, f}, {cfg, "unknown key 'selection.track_hit_min'"});
  expect_bad_input({"config", cfg}, {cfg, "selection.track_hit_min"});
}

TEST_F(BadInput, OutOfRangeConfigValue) {
  const auto cfg = write_file("c.toml", "[selection]\nelectron_e_over_p_min = -0.6\n");
  expect_bad_input({"config", cfg}, {cfg, "key 'selection.electron_e_over_p_min'", "outside the valid range"});
}

TEST_F(BadInput, ConfigSyntaxError) {
  const auto cfg = write_file("c.toml", "[run]\nname = \"unterminated\n");
  expect_bad_input({"config", cfg}, {cfg + ":2:", "TOML syntax error"});
}

TEST_F(BadInput, MissingConfigFile) {
  const auto cfg = path("none.toml").string();
  expect_bad_input({"config", cfg}, {cfg, "no such config file"});
}

TEST_F(BadInput, UnknownBackendOnTheCommandLine) {
  const auto f = file_with("f.h5", good_rows());
  const auto r = run_darkscan({"info", "--check", "--backend", "gpu", f});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--backend"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace darkscan
