// The main job under mpirun (docs/cluster.md#mpi): `darkscan run` on 2 and 3 ranks writes
// the files one process writes, every dataset and attribute equal bit for bit, with one
// rank speaking and nothing left of the ranks' shards or checkpoints; a rank that fails in
// the look-elsewhere stage ends the job naming it, the stages before it are kept, and the
// same command finishes with the same files. Skipped, saying so, where darkscan was
// configured without MPI.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cli/lee_fixture.hpp"
#include "support/run_command.hpp"
#include "support/temp_dir.hpp"

namespace darkscan {
namespace {

const std::vector<std::string> kFiles{"events.h5", "selected.h5", "signal_model.h5", "scan.h5", "results.h5",
                                      "interpretation.h5"};

class RunMpi : public testing::TempDirTest {
 protected:
  void SetUp() override {
    if (std::string(DARKSCAN_MPIEXEC).empty())
      GTEST_SKIP() << "MPI was not found when darkscan was configured (DARKSCAN_MPI, libopenmpi-dev): darkscan "
                      "runs as one process only";
    TempDirTest::SetUp();
    // The small run of tests/pipeline/run_pipeline.py: every stage in seconds.
    std::filesystem::copy_file(DARKSCAN_SMALL_RUN_CONFIG, path("run.toml"));
    config_ = path("run.toml").string();
    std::filesystem::create_directory(path("tmp"));
  }

  // `darkscan run` of the config into `dir`, one thread, no plots (no Python named
  // DARKSCAN_PYTHON exists), as one process (ranks 0) or under `mpirun -n ranks`. The ranks'
  // shard files go to this test's own temporary folder, where other tests' do not.
  testing::CommandResult run(const std::string& dir, int ranks, std::vector<std::string> env = {}) const {
    std::vector<std::string> argv{"env", "DARKSCAN_PYTHON=" + (path("no-python") / "python3").string(),
                                  "TMPDIR=" + path("tmp").string()};
    argv.insert(argv.end(), env.begin(), env.end());
    if (ranks > 0)
      argv.insert(argv.end(), {DARKSCAN_MPIEXEC, "-n", std::to_string(ranks), "--oversubscribe", "--allow-run-as-root"});
    argv.insert(argv.end(), {DARKSCAN_EXE, "run", "--config", config_, "--output-dir", path(dir).string(),
                             "--threads", "1"});
    return testing::run_command(argv);
  }

  // The files of one process in "one", written as "out" so that the attributes naming
  // the run's files are those of the runs compared with them.
  void one_process_files() const {
    const auto one = run("out", 0);
    ASSERT_EQ(one.exit_code, 0) << one.out << one.err;
    std::filesystem::rename(path("out"), path("one"));
  }

  void expect_same_files(const std::string& dir, const std::string& reference) const {
    // A merge of shards writes the datasets and attributes of one process, not its bytes
    // (the tables are copied from the shards' files in another order): the SHA-256 that
    // the later files record of the signal model and the scan differ, nothing else.
    for (const auto& file : kFiles) {
      SCOPED_TRACE(file);
      testing::expect_same_file(path(dir) / file, path(reference) / file, {"/@model_sha256", "/@scan_sha256"});
    }
    // Nothing of the ranks' checkpoints left beside the results.
    for (const auto& entry : std::filesystem::directory_iterator(path(dir)))
      EXPECT_EQ(entry.path().string().find(".toys.partial"), std::string::npos) << entry.path();
  }

  // The ranks' shard files left in the test's temporary folder.
  std::vector<std::string> shard_files() const {
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(path("tmp"))) {
      const auto name = entry.path().filename().string();
      if (name.starts_with("darkscan-efficiency-") || name.starts_with("darkscan-scan-") ||
          name.starts_with("darkscan-interpret-"))
        found.push_back(name);
    }
    return found;
  }

  std::string config_;
};

TEST_F(RunMpi, TwoAndThreeRanksWriteTheFilesOfOneProcess) {
  one_process_files();
  for (int ranks : {2, 3}) {
    SCOPED_TRACE(ranks);
    const auto r = run("out", ranks);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    expect_same_files("out", "one");
    std::filesystem::rename(path("out"), path("ranks" + std::to_string(ranks)));
    EXPECT_TRUE(shard_files().empty()) << shard_files().front();
    // One rank speaks: each stage once, one summary.
    for (const char* stage : {"generate", "select", "efficiency", "scan", "lee", "interpret"})
      EXPECT_EQ(testing::occurrences(r.err, std::string("run: ") + stage + "\n"), 1) << stage << "\n" << r.err;
    EXPECT_EQ(testing::occurrences(r.out, "darkscan run: "), 1) << r.out;
    EXPECT_NE(r.err.find("(rank 0 of " + std::to_string(ranks) + "; every rank its own)"), std::string::npos) << r.err;
  }
}

TEST_F(RunMpi, ARankThatFailsEndsTheJobAndTheSameCommandFinishesIt) {
  one_process_files();
  // Rank 1 cannot write its first toy checkpoint: the disk is full.
  const auto failed = run("out", 3, {std::string("LD_PRELOAD=") + DARKSCAN_FAIL_RENAME, "DARKSCAN_TEST_FAIL_RANK=1"});
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_NE(failed.err.find("darkscan: failure: rank 1 of 3: stage lee failed: "), std::string::npos) << failed.err;
  EXPECT_FALSE(std::filesystem::exists(path("out") / "results.h5"));
  EXPECT_TRUE(std::filesystem::exists(path("out") / "scan.h5"));  // the stages before are kept

  const auto resumed = run("out", 3);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  for (const char* stage : {"generate", "select", "efficiency", "scan"})
    EXPECT_NE(resumed.err.find(std::string("run: ") + stage + " is up to date"), std::string::npos) << resumed.err;
  EXPECT_NE(resumed.err.find("run: lee\n"), std::string::npos) << resumed.err;
  expect_same_files("out", "one");
}

}  // namespace
}  // namespace darkscan
