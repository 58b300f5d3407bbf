// The stages split by their shards under mpirun (docs/cluster.md#mpi): darkscan scan,
// efficiency and interpret on 1, 2 and 3 ranks write the file one process writes, every
// dataset and attribute equal bit for bit, with one rank speaking and nothing left of the
// ranks' shard files; a failed rank ends the job naming it. Skipped, saying so, where darkscan was configured
// without MPI.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
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

  // darkscan interpret of the fixture's scan (the benchmark points' merge: InterpretShard).
  std::vector<std::string> interpret_args(const std::string& out) const {
    return {"interpret", "--config", config_, "--scan", scan_, "--model", model_, "--output", out, "--threads", "1"};
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

  // `args(out)` under mpirun on 1, 2 and 3 ranks writes the file one process writes, every
  // attribute too (one thread, the same backend); one rank speaks (one summary), nothing is
  // left of the ranks' shard files, and on more than one rank stdout says `says(ranks)`.
  using Args = std::function<std::vector<std::string>(const std::string& out)>;
  void expect_ranks_write_the_file_of_one_process(const std::string& stage, const Args& args,
                                                   const std::function<std::string(int)>& says) {
    const auto whole = testing::run_darkscan(args(p("whole.h5")));
    ASSERT_EQ(whole.exit_code, 0) << whole.err;
    const auto before = rank_files(stage);
    for (int ranks = 1; ranks <= 3; ++ranks) {
      SCOPED_TRACE(ranks);
      const std::string out = p("ranks" + std::to_string(ranks) + ".h5");
      const auto r = mpirun(ranks, args(out));
      ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
      testing::expect_same_file(out, p("whole.h5"));
      EXPECT_EQ(rank_files(stage), before);
      EXPECT_EQ(testing::count_lines(r.err), testing::count_lines(whole.err)) << r.err;
      if (ranks > 1) {
        EXPECT_NE(r.out.find(says(ranks)), std::string::npos) << r.out;
      }
    }
  }

  // The job `argv` (of three ranks, rank 2 another job than the others) refused by rank 0
  // naming rank 2 and the fingerprint line that differs, `line` (the start of what follows
  // "its fingerprint has "); and `args` with --shard under mpirun refused naming the option.
  // Nothing is written to `out`.
  void expect_job_refused(const std::string& stage, const std::vector<std::string>& argv, const std::string& line,
                          std::vector<std::string> args, const std::string& out) {
    const auto r = testing::run_command(argv);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("darkscan: error: rank 0 of 3: rank 2 of 3 runs another " + stage +
                         " job than rank 0 (other inputs, config, options or backend): its fingerprint has " + line),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
    args.insert(args.end(), {"--shard", "1/2"});
    const auto sharded = mpirun(2, args);
    EXPECT_EQ(sharded.exit_code, 2) << sharded.err;
    EXPECT_NE(sharded.err.find("--shard: not under mpirun (2 ranks)"), std::string::npos) << sharded.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
};

TEST_F(StageMpi, ScanOnOneTwoAndThreeRanksWritesTheFileOfOneProcess) {
  expect_ranks_write_the_file_of_one_process(
      "scan", [this](const std::string& out) { return scan_args(out); },
      [](int ranks) { return "rows on " + std::to_string(ranks) + " ranks"; });
}

TEST_F(StageMpi, AFailedScanRankEndsTheJobNamingItAndWritesNothing) {
  // Rank 2 asks for another credibility level than the others: its fingerprint differs
  // and rank 0 refuses the job before any statistics, naming it.
  const std::string out = p("out.h5");
  expect_job_refused("scan", testing::mpmd_argv(DARKSCAN_MPIEXEC, DARKSCAN_EXE, 2, scan_args(out), {"--cl", "0.9"}),
                     "'credibility 0.9' where rank 0 has 'credibility 0.95'", scan_args(out), out);
}

TEST_F(StageMpi, EfficiencyOnOneTwoAndThreeRanksWritesTheFileOfOneProcess) {
  expect_ranks_write_the_file_of_one_process(
      "efficiency", [this](const std::string& out) { return efficiency_args(out); },
      [](int ranks) { return "3 signal points, 5 lifetimes on " + std::to_string(ranks) + " ranks"; });
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
  expect_job_refused("efficiency", argv, "'config sha256 ", args, out);
}

TEST_F(StageMpi, InterpretOnOneTwoAndThreeRanksWritesTheFileOfOneProcess) {
  expect_ranks_write_the_file_of_one_process(
      "interpret", [this](const std::string& out) { return interpret_args(out); },
      [](int ranks) { return "y-limit pairs of 1 model point on " + std::to_string(ranks) + " ranks"; });
}

TEST_F(StageMpi, AFailedInterpretRankEndsTheJobNamingItAndWritesNothing) {
  // Rank 2 alone interprets the benchmark points too: its fingerprint differs, and rank 0
  // refuses the job before any combination, naming it.
  const std::string out = p("out.h5");
  expect_job_refused("interpret",
                     testing::mpmd_argv(DARKSCAN_MPIEXEC, DARKSCAN_EXE, 2, interpret_args(out), {"--benchmark-points"}),
                     "'benchmark points true' where rank 0 has 'benchmark points false'", interpret_args(out), out);
}

}  // namespace
}  // namespace darkscan
