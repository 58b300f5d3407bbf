// darkscan info on both layouts, --check through both backends, --version.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>

#include "events/synthetic_sample.hpp"
#include "support/h5_builder.hpp"
#include "support/run_command.hpp"
#include "support/temp_dir.hpp"

namespace darkscan {
namespace {

using testing::run_darkscan;

class InfoCommand : public testing::TempDirTest {};

TEST_F(InfoCommand, DescribesAColumnLayoutFile) {
  events::write_synthetic_file(path("events.h5"), {{"data", "data", 1234}, {"sig_mumu", "signal", 56}}, 1);
  const auto r = run_darkscan({"info", path("events.h5").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2 samples"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sample 'data': kind data, 1234 rows, 43 columns (column datasets at /samples/data)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("sample 'sig_mumu': kind signal, 56 rows, 46 columns"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("luminosity_fb = 365"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("n_generated = 56"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("hp_trk0_pid (int8)"), std::string::npos) << r.out;
}

TEST_F(InfoCommand, DescribesAndChecksAPyTablesCompoundTable) {
  const auto batch = events::synthetic_rows({"data", "data", 300}, 2, 0, 300);
  {
    testing::H5Builder b(path("ntuple.h5"));
    b.compound_sample("/variables", batch, {{"hp_trk0_px", "daughter__bo0__cm__sppx__bc"}}, true);
    b.string_attribute(b.file(), "note", "root attribute");
  }
  std::ofstream(path("map.toml")) << "[columns]\nhp_trk0_px = \"daughter__bo0__cm__sppx__bc\"\n";
  const auto r = run_darkscan(
      {"info", "--check", "--backend", "cpu", "--config", path("map.toml").string(), path("ntuple.h5").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("sample 'variables': kind not set, 300 rows, 47 columns (compound table at /variables)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("__experiment__ (int32)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("daughter__bo0__cm__sppx__bc (float64)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("300 rows x 43 columns"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("every value finite"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("backend: cpu"), std::string::npos) << r.out;
}

TEST_F(InfoCommand, CheckReportsColumnRanges) {
  events::write_synthetic_file(path("events.h5"), {{"data", "data", 500}}, 1);
  const auto r = run_darkscan({"info", "--check", "--backend", "auto", path("events.h5").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Charges are exactly -1 and +1; the event numbering of 500 rows ends at 499*100/103.
  EXPECT_NE(r.out.find("hp_trk0_charge"), std::string::npos);
  EXPECT_NE(r.out.find("-1              1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(fmt::format("{:>14}", 499 * 100 / 103)), std::string::npos) << r.out;
}

TEST_F(InfoCommand, TakesTheEventFileFromTheConfigRelativeToIt) {
  std::filesystem::create_directories(path("configs"));
  events::write_synthetic_file(path("events.h5"), {{"data", "data", 10}}, 1);
  std::ofstream(path("configs/c.toml")) << "[input]\nevents = \"../events.h5\"\n";
  const auto r = run_darkscan({"info", "--config", path("configs/c.toml").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("sample 'data': kind data, 10 rows"), std::string::npos) << r.out;

  std::ofstream(path("configs/unset.toml")) << "[run]\nname = \"x\"\n";
  const auto u = run_darkscan({"info", "--config", path("configs/unset.toml").string()});
  EXPECT_EQ(u.exit_code, 2);
  EXPECT_NE(u.err.find("key 'input.events' is not set"), std::string::npos) << u.err;

  // A file the key names that is not there: the message names the key and the config.
  std::ofstream(path("configs/gone.toml")) << "[input]\nevents = \"../gone.h5\"\n";
  const auto g = run_darkscan({"info", "--config", path("configs/gone.toml").string()});
  EXPECT_EQ(g.exit_code, 2);
  EXPECT_EQ(testing::count_lines(g.err), 1) << g.err;
  for (const std::string& m : {path("gone.h5").string(), std::string("no such file"), std::string("'input.events'"),
                               path("configs/gone.toml").string()})
    EXPECT_NE(g.err.find(m), std::string::npos) << "'" << m << "' not in: " << g.err;
}

TEST(Version, NamesVersionCommitAndBackends) {
  const auto r = run_darkscan({"--version"});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("darkscan 0.", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("commit "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("backends compiled in: cpu"), std::string::npos) << r.out;
}

TEST(Help, EverySubcommandHasHelp) {
  for (const char* sub : {"info", "config"}) {
    const auto r = run_darkscan({sub, "--help"});
    EXPECT_EQ(r.exit_code, 0) << sub;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << sub;
  }
}

}  // namespace
}  // namespace darkscan
