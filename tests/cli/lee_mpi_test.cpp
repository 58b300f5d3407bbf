// darkscan lee under mpirun (docs/cluster.md#mpi): 1, 2 and 3 ranks write the file one
// process writes, every dataset and attribute equal bit for bit, with nothing left of
// the ranks' checkpoints and one rank speaking; a rank that fails ends the job with one
// line naming it, and the same command resumes from the checkpoints to the same file;
// ranks of different runs, and --shard under mpirun, are refused. Skipped, saying so,
// where darkscan was configured without MPI.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "cli/lee_fixture.hpp"
#include "support/run_command.hpp"

namespace darkscan {
namespace {

class LeeMpi : public testing::LeeFixture {
 protected:
  void SetUp() override {
    if (std::string(DARKSCAN_MPIEXEC).empty())
      GTEST_SKIP() << "MPI was not found when darkscan was configured (DARKSCAN_MPI, libopenmpi-dev): darkscan "
                      "runs as one process only";
    LeeFixture::SetUp();
  }

  // `mpirun -n ranks` of darkscan lee on the fixture's inputs to `out` on one thread a
  // rank, 301 toys in batches of 50; `env` as VAR=value before the command.
  testing::CommandResult mpirun(int ranks, const std::string& out, std::vector<std::string> extra = {},
                                std::vector<std::string> env = {}) {
    std::vector<std::string> argv{"env"};
    argv.insert(argv.end(), env.begin(), env.end());
    // Oversubscribed: three ranks on a machine of fewer cores; as root where the tests run so.
    argv.insert(argv.end(), {DARKSCAN_MPIEXEC, "-n", std::to_string(ranks), "--oversubscribe",
                             "--allow-run-as-root", DARKSCAN_EXE});
    const auto args = lee_args(out, extra);
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::run_command(argv);
  }

  std::vector<std::string> lee_args(const std::string& out, const std::vector<std::string>& extra) const {
    std::vector<std::string> args{"lee",       "--config", config_, "--data",  data_, "--model", model_,
                                  "--scan",    scan_,      "--toys", "301",    "--batch", "50", "--coverage-toys",
                                  "20",        "--output", out,     "--threads", "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  // The checkpoints left in the test's folder.
  std::vector<std::string> checkpoints() const {
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(path("")))
      if (entry.path().string().ends_with(".toys.partial")) found.push_back(entry.path().filename().string());
    return found;
  }

  std::string p(const std::string& name) const { return path(name).string(); }
};

TEST_F(LeeMpi, OneTwoAndThreeRanksWriteTheFileOfOneProcess) {
  const auto whole = lee(p("whole.h5"), {"--threads", "1"}, 301);
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  for (int ranks = 1; ranks <= 3; ++ranks) {
    SCOPED_TRACE(ranks);
    const std::string out = p("ranks" + std::to_string(ranks) + ".h5");
    const auto r = mpirun(ranks, out);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    testing::expect_same_lee_file(out, p("whole.h5"));  // every attribute too: one thread, the same backend
    EXPECT_TRUE(checkpoints().empty()) << checkpoints().front();
    // One rank speaks: one summary, one backend line.
    EXPECT_EQ(testing::occurrences(r.out, "Gross"), testing::occurrences(whole.out, "Gross")) << r.out;
    EXPECT_EQ(testing::occurrences(r.err, "backend: "), 1) << r.err;
    if (ranks > 1) {
      EXPECT_NE(r.out.find("toys on " + std::to_string(ranks) + " ranks"), std::string::npos) << r.out;
    }
  }
}

TEST_F(LeeMpi, AFailedRankEndsTheJobNamingItAndTheSameCommandResumes) {
  const auto whole = lee(p("whole.h5"), {"--threads", "1"}, 301);
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  const std::string out = p("out.h5");
  // Rank 1 (toys 101-200) cannot write its second checkpoint: the disk is full.
  const auto failed = mpirun(3, out, {},
                             {std::string("LD_PRELOAD=") + DARKSCAN_FAIL_RENAME, "DARKSCAN_TEST_FAIL_RANK=1",
                              "DARKSCAN_TEST_FAIL_RENAME=2"});
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_EQ(testing::occurrences(failed.err, "darkscan: "), 1) << failed.err;
  EXPECT_NE(failed.err.find("darkscan: failure: rank 1 of 3: "), std::string::npos) << failed.err;
  EXPECT_NE(failed.err.find("50 toys kept in " + out + ".shard-2-of-3.toys.partial; the same command resumes"),
            std::string::npos)
      << failed.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  ASSERT_TRUE(std::filesystem::exists(out + ".shard-2-of-3.toys.partial"));

  const auto resumed = mpirun(3, out);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(resumed.out, m, std::regex("(\\d+) toys resumed from the ranks' checkpoints")))
      << resumed.out;
  EXPECT_GE(std::stoi(m[1]), 50);  // rank 1's first batch at least; the others' as far as they got
  testing::expect_same_lee_file(out, p("whole.h5"));
  EXPECT_TRUE(checkpoints().empty()) << checkpoints().front();
}

TEST_F(LeeMpi, RanksOfDifferentRunsAndShardsUnderMpirunAreRefused) {
  // Two programs in one job (mpirun's MPMD form), rank 1 with another seed.
  const std::string out = p("out.h5");
  const auto r =
      testing::run_command(testing::mpmd_argv(DARKSCAN_MPIEXEC, DARKSCAN_EXE, 1, lee_args(out, {}), {"--seed", "12"}));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("darkscan: error: rank 0 of 2: rank 1 of 2 runs another look-elsewhere job than rank 0 "
                       "(other inputs, config, options or backend): its fingerprint has 'seed 12' where rank 0 has "
                       "'seed 11'"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));

  const auto sharded = mpirun(2, out, {"--shard", "1/2"});
  EXPECT_EQ(sharded.exit_code, 2) << sharded.err;
  EXPECT_NE(sharded.err.find("--shard: not under mpirun (2 ranks): the ranks split the run among themselves"),
            std::string::npos)
      << sharded.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace darkscan
