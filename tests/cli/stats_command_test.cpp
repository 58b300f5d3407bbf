// darkscan stats: CSV in and out, closed-form values through the whole path, and every
// kind of bad row refused by line and column with no output file.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "support/run_command.hpp"
#include "support/temp_dir.hpp"

namespace darkscan {
namespace {

using testing::run_darkscan;

class StatsCommand : public testing::TempDirTest {
 protected:
  std::vector<std::vector<std::string>> read_csv(const std::string& name) {
    std::ifstream in(path(name));
    std::vector<std::vector<std::string>> rows;
    for (std::string line; std::getline(in, line);) {
      std::vector<std::string> fields;
      std::stringstream s(line);
      for (std::string field; std::getline(s, field, ',');) fields.push_back(field);
      rows.push_back(fields);
    }
    return rows;
  }
};

TEST_F(StatsCommand, WritesInputColumnsThenResultsWithSeventeenDigits) {
  const auto in = write_file("in.csv",
                        "# a comment line\n"
                        "n_obs, n_sb, f, delta, eff_rel_unc, lumi_rel_unc, eff, lumi_fb\n"
                        "0, 12, 30, 0, 0, 0, 0.1, 365\n"
                        "\n"
                        "1, 0, 1e13, 0, 0, 0, 0.2, 10\n"
                        "3, 40, 20, 0.2, 0.05, 0.0047, 0.05, 365\n");
  const auto r = run_darkscan({"stats", "--input", in, "--output", path("out.csv").string(), "--backend", "cpu"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = read_csv("out.csv");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"n_obs", "n_sb", "f", "delta", "eff_rel_unc", "lumi_rel_unc", "eff",
                                               "lumi_fb", "p0", "z", "ul_events", "ul_xsec_fb", "flags"}));
  // No events: -ln 0.05 signal events whatever the background; p0 = 1, Z = -inf.
  EXPECT_EQ(rows[1][8], "1");
  EXPECT_EQ(rows[1][9], "-inf");
  EXPECT_NEAR(std::stod(rows[1][10]), 2.9957322735539909, 1e-15);
  EXPECT_NEAR(std::stod(rows[1][11]), 2.9957322735539909 / (0.1 * 365), 1e-15);
  // One event, no background: the textbook 4.7439 events.
  EXPECT_NEAR(std::stod(rows[2][10]), 4.74386451, 1e-8);
  EXPECT_EQ(rows[3][12], "0");
}

TEST_F(StatsCommand, WithoutEfficiencyNoCrossSectionColumn) {
  const auto in = write_file("in.csv", "n_obs,n_sb,f,delta,eff_rel_unc,lumi_rel_unc\n2,5,10,0,0,0\n");
  ASSERT_EQ(run_darkscan({"stats", "--input", in, "--output", path("out.csv").string()}).exit_code, 0);
  EXPECT_EQ(read_csv("out.csv")[0].back(), "flags");
  EXPECT_EQ(read_csv("out.csv")[0].size(), 10u);
}

struct BadRow {
  const char* row;
  const char* message;
};

class StatsBadRow : public StatsCommand, public ::testing::WithParamInterface<BadRow> {};

TEST_P(StatsBadRow, IsRefusedByLineAndColumnWithNoOutput) {
  const auto in = write_file("in.csv", std::string("n_obs,n_sb,f,delta,eff_rel_unc,lumi_rel_unc\n1,2,3,0,0.05,0.01\n") +
                                      GetParam().row + "\n");
  const auto out = path("out.csv");
  const auto r = run_darkscan({"stats", "--input", in, "--output", out.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(in + ":3:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(GetParam().message), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

INSTANTIATE_TEST_SUITE_P(
    Rows, StatsBadRow,
    ::testing::Values(BadRow{"-1,2,3,0,0.05,0.01", "column 'n_obs': -1 is not a count"},
                      BadRow{"1,2.5,3,0,0.05,0.01", "column 'n_sb': 2.5 is not a count"},
                      BadRow{"1,4294967296,3,0,0.05,0.01",
                             "column 'n_sb': 4294967296 is above 2000000000, the largest sideband count"},
                      BadRow{"300,2,3,0,0.05,0.01", "column 'n_obs': n_obs = 300 is above the largest supported count, 255"},
                      BadRow{"1,2,0,0,0.05,0.01", "column 'f': f = 0 must be a positive number"},
                      BadRow{"1,2,3,-0.1,0.05,0.01", "column 'delta'"},
                      BadRow{"1,2,3,0,-0.05,0.01", "column 'eff_rel_unc'"},
                      BadRow{"1,2,3,0,0.05,0.2", "column 'lumi_rel_unc': lumi_rel_unc = 0.2 is 0.2 or more"},
                      BadRow{"1,2,3,0,0.25,0.01", "--nuisance-prior lognormal"},
                      BadRow{"1,2,nan,0,0.05,0.01", "column 'f': nan is not a finite number"},
                      BadRow{"1,2,three,0,0.05,0.01", "column 'f': 'three' is not a number"},
                      BadRow{"1,2,3,0,0.05", "5 fields, the header has 6"},
                      BadRow{"1,2,,0,0.05,0.01", "column 'f': '' is not a number"}),
    [](const ::testing::TestParamInfo<BadRow>& param) { return "row" + std::to_string(param.index); });

TEST_F(StatsCommand, MissingColumnAndMissingFile) {
  const auto in = write_file("in.csv", "n_obs,n_sb,f,delta,eff_rel_unc\n1,2,3,0,0.05\n");
  auto r = run_darkscan({"stats", "--input", in, "--output", path("out.csv").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(in + ":1: missing column 'lumi_rel_unc'"), std::string::npos) << r.err;
  r = run_darkscan({"stats", "--input", path("none.csv").string(), "--output", path("out.csv").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no such file"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(path("out.csv")));
}

// A byte-order mark before the header (as Windows editors save UTF-8) is skipped: the
// output is the one of the same file without it.
TEST_F(StatsCommand, ByteOrderMarkBeforeTheHeaderIsSkipped) {
  const std::string rows = "n_obs,n_sb,f,delta,eff_rel_unc,lumi_rel_unc\n2,5,10,0,0,0\n";
  const auto plain = write_file("plain.csv", rows);
  const auto marked = write_file("marked.csv", "\xEF\xBB\xBF" + rows);
  auto r = run_darkscan({"stats", "--input", plain, "--output", path("a.csv").string(), "--backend", "cpu"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_darkscan({"stats", "--input", marked, "--output", path("b.csv").string(), "--backend", "cpu"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_csv("a.csv"), read_csv("b.csv"));
  // Elsewhere it is an unknown column, and the message shows it as an escape, never as an
  // invisible character.
  const auto inside = write_file("inside.csv", "n_obs,\xEF\xBB\xBFn_sb,f,delta,eff_rel_unc,lumi_rel_unc\n2,5,10,0,0,0\n");
  r = run_darkscan({"stats", "--input", inside, "--output", path("c.csv").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown column '\\xef\\xbb\\xbfn_sb'"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("\xEF\xBB\xBF"), std::string::npos) << r.err;
}

// An efficiency so small that the limit on the cross section overflows (5e-324 gave
// ul_xsec_fb = inf with flags 0) is refused by line and column, with no output.
TEST_F(StatsCommand, EfficiencyTooSmallForAFiniteCrossSectionLimitIsRefused) {
  const auto in = write_file("in.csv", "n_obs,n_sb,f,delta,eff_rel_unc,lumi_rel_unc,eff,lumi_fb\n"
                                       "1,2,3,0,0.05,0.01,0.1,365\n"
                                       "1,2,3,0,0.05,0.01,5e-324,365\n");
  const auto out = path("out.csv");
  const auto r = run_darkscan({"stats", "--input", in, "--output", out.string(), "--backend", "cpu"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(in + ":3: column 'eff'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no finite limit on the cross section"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(StatsCommand, LognormalPriorTakesLargeUncertainties) {
  const auto in = write_file("in.csv", "n_obs,n_sb,f,delta,eff_rel_unc,lumi_rel_unc\n2,10,5,0.1,0.5,1.0\n");
  const auto r = run_darkscan(
      {"stats", "--input", in, "--output", path("out.csv").string(), "--nuisance-prior", "lognormal"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(std::stod(read_csv("out.csv")[1][8]), 0.0);
}

}  // namespace
}  // namespace darkscan
