// The stages split by their shards under mpirun (docs/cluster.md#mpi): darkscan scan on
// 1, 2 and 3 ranks writes the file one process writes, every dataset and attribute equal
// bit for bit, with one rank speaking and nothing left of the ranks' shard files; a
// failed rank ends the job naming it. Skipped, saying so, where darkscan was configured
// without MPI.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cli/lee_fixture.hpp"
#include "support/run_command.hpp"

namespace darkscan {
namespace {

class StageMpi : public testing::LeeFixture {
 protected:
  void SetUp() override {
    if (std::string(DARKSCAN_MPIEXEC).empty())
      GTEST_SKIP() << "MPI was not found when darkscan was configured (DARKSCAN_MPI, libopenmpi-dev): darkscan "
                      "runs as one process only";
    LeeFixture::SetUp();
  }

  // darkscan efficiency of the fixture's three signal points.
  std::vector<std::string> efficiency_args(const std::string& out) const {
    return {"efficiency", "--config", config_, "--input", (shared_ / "signal.h5").string(), "--output", out,
            "--threads", "1"};
  }

  std::vector<std::string> scan_args(const std::string& out) const {
    return {"scan", "--config", config_, "--data", data_, "--model", model_, "--output", out, "--threads", "1"};
  }

  // `mpirun -n ranks` of `args`, oversubscribed (three ranks on fewer cores), as root
  // where the tests run so; `env` as VAR=value before the command.
  testing::CommandResult mpirun(int ranks, const std::vector<std::string>& args, std::vector<std::string> env = {}) {
    std::vector<std::string> argv{"env"};
    argv.insert(argv.end(), env.begin(), env.end());
    argv.insert(argv.end(), {DARKSCAN_MPIEXEC, "-n", std::to_string(ranks), "--oversubscribe", "--allow-run-as-root",
                             DARKSCAN_EXE});
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::run_command(argv);
  }

  // The shard files the ranks left in the temporary folder by this test's processes.
  static std::vector<std::string> rank_files(const std::string& stage) {
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::temp_directory_path()))
      if (entry.path().filename().string().starts_with("darkscan-" + stage + "-")) found.push_back(entry.path());
    return found;
  }

  std::string p(const std::string& name) const { return path(name).string(); }
};

TEST_F(StageMpi, ScanOnOneTwoAndThreeRanksWritesTheFileOfOneProcess) {
  const auto whole = testing::run_darkscan(scan_args(p("whole.h5")));
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  const auto before = rank_files("scan");
  for (int ranks = 1; ranks <= 3; ++ranks) {
    SCOPED_TRACE(ranks);
    const std::string out = p("ranks" + std::to_string(ranks) + ".h5");
    const auto r = mpirun(ranks, scan_args(out));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    testing::expect_same_file(out, p("whole.h5"));  // every attribute too: one thread, the same backend
    EXPECT_EQ(rank_files("scan"), before);
    // One rank speaks: one summary.
    EXPECT_EQ(testing::count_lines(r.err), testing::count_lines(whole.err)) << r.err;
    if (ranks > 1) {
      EXPECT_NE(r.out.find("rows on " + std::to_string(ranks) + " ranks"), std::string::npos) << r.out;
    }
  }
}

TEST_F(StageMpi, AFailedScanRankEndsTheJobNamingItAndWritesNothing) {
  // Rank 2 asks for another credibility level than the others: its fingerprint differs
  // and rank 0 refuses the job before any statistics, naming it.
  const std::string out = p("out.h5");
  const auto r =
      testing::run_command(testing::mpmd_argv(DARKSCAN_MPIEXEC, DARKSCAN_EXE, 2, scan_args(out), {"--cl", "0.9"}));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("darkscan: error: rank 0 of 3: rank 2 of 3 runs another scan job than rank 0 (other inputs, "
                       "config, options or backend): its fingerprint has 'credibility 0.9' where rank 0 has "
                       "'credibility 0.95'"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));

  const auto sharded = mpirun(2, [&] {
    auto a = scan_args(out);
    a.insert(a.end(), {"--shard", "1/2"});
    return a;
  }());
  EXPECT_EQ(sharded.exit_code, 2) << sharded.err;
  EXPECT_NE(sharded.err.find("--shard: not under mpirun (2 ranks)"), std::string::npos) << sharded.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(StageMpi, EfficiencyOnOneTwoAndThreeRanksWritesTheFileOfOneProcess) {
  const auto whole = testing::run_darkscan(efficiency_args(p("whole.h5")));
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  const auto before = rank_files("efficiency");
  for (int ranks = 1; ranks <= 3; ++ranks) {
    SCOPED_TRACE(ranks);
    const std::string out = p("ranks" + std::to_string(ranks) + ".h5");
    const auto r = mpirun(ranks, efficiency_args(out));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    testing::expect_same_file(out, p("whole.h5"));  // every attribute too: one thread, the same backend
    EXPECT_EQ(rank_files("efficiency"), before);
    EXPECT_EQ(testing::count_lines(r.err), testing::count_lines(whole.err)) << r.err;
    if (ranks > 1) {
      EXPECT_NE(r.out.find("3 signal points, 5 lifetimes on " + std::to_string(ranks) + " ranks"), std::string::npos)
          << r.out;
    }
  }
}

TEST_F(StageMpi, AFailedEfficiencyRankEndsTheJobNamingItAndWritesNothing) {
  // Rank 2 computes the model at another minimum n_eff: its config, and so its
  // fingerprint, differs, and rank 0 refuses the job before any point, naming it.
  const std::string out = p("out.h5");
  auto args = efficiency_args(out);
  std::string text = testing::kConfig;
  text.replace(text.find("[scan]"), 0, "min_n_eff = 5\n");
  auto other = args;
  other[2] = write_file("other.toml", text);  // after "efficiency", "--config"
  // mpirun's MPMD form: two ranks of `args`, one of `other`.
  std::vector<std::string> argv{DARKSCAN_MPIEXEC, "--oversubscribe", "--allow-run-as-root", "-n", "2", DARKSCAN_EXE};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {":", "-n", "1", DARKSCAN_EXE});
  argv.insert(argv.end(), other.begin(), other.end());
  const auto r = testing::run_command(argv);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("darkscan: error: rank 0 of 3: rank 2 of 3 runs another efficiency job than rank 0 (other "
                       "inputs, config, options or backend): its fingerprint has 'config sha256 "),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));

  args.insert(args.end(), {"--shard", "1/2"});
  const auto sharded = mpirun(2, args);
  EXPECT_EQ(sharded.exit_code, 2) << sharded.err;
  EXPECT_NE(sharded.err.find("--shard: not under mpirun (2 ranks)"), std::string::npos) << sharded.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace darkscan
