// darkscan lee and its toy checkpoint through the executable: a run resumed from a
// checkpoint gives the toys of an uninterrupted run; a checkpoint with one byte flipped,
// a damaged toy count (under an address-space limit, so that a large allocation would
// fail), or another run's checkpoint is not merged, is said in one line, and the run's
// toys are those of an uninterrupted run; a checkpoint that cannot be written reports the
// toys the checkpoint on disk holds. The checkpoints are made by the stage itself
// (lee::look_elsewhere with a checkpoint and fewer toys), as an interrupted run leaves them.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "backend/cpu_backend.hpp"
#include "cli/lee_fixture.hpp"
#include "config/config.hpp"
#include "io/h5.hpp"
#include "io/host_batch.hpp"
#include "lee/look_elsewhere.hpp"
#include "scan/scan_file.hpp"
#include "selection/select_file.hpp"
#include "signal_model/signal_model_file.hpp"
#include "support/h5_read.hpp"
#include "support/run_command.hpp"
#include "support/temp_dir.hpp"

namespace darkscan {
namespace {

using testing::kBatch;
using testing::kConfig;
using testing::kToys;
using testing::read_column;
using testing::run_darkscan;

class LeeCommand : public testing::LeeFixture {
 protected:
  // What a run of `toys` toys interrupted after its last batch leaves: the stage with a
  // checkpoint (the command removes it once its output is written; the stage does not).
  void interrupted_run(const std::string& out, std::uint64_t toys, std::uint64_t seed) {
    const auto cfg = config::load(config_);
    const auto data = selection::read_selected_data(data_);
    const auto model = signal_model::read_signal_model(model_);
    lee::LeeRequest request;
    request.settings.toys = toys;
    request.settings.batch = kBatch;
    request.settings.seed = seed;
    request.coverage_toys = 1;
    request.checkpoint = out + ".toys.partial";
    CpuBackend backend(1);
    lee::look_elsewhere(backend, cfg, data, model, model_, scan::read_scan_rows(scan_),
                        scan::read_scan_settings(scan_), request);
    ASSERT_TRUE(std::filesystem::exists(request.checkpoint));
  }

  // Every column of /lee/toys, as doubles.
  static std::vector<std::vector<double>> toys(const std::string& file) {
    const auto f = h5::open_file_readonly(file);
    std::vector<std::vector<double>> out;
    for (const char* c : {"toy", "max_z", "max_z_mumu", "max_z_pipi", "max_z_kk", "upcrossings_pipi", "events"})
      out.push_back(read_column<double>(f.get(), std::string("/lee/toys/") + c));
    return out;
  }

  // The toys of an uninterrupted run, made once per test.
  const std::vector<std::vector<double>>& uninterrupted() {
    if (reference_.empty()) {
      const auto out = path("uninterrupted.h5").string();
      const auto r = lee(out);
      EXPECT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(r.err.find("resuming"), std::string::npos) << r.err;
      reference_ = toys(out);
      EXPECT_EQ(reference_[0].size(), kToys);
    }
    return reference_;
  }

  static void expect_same_toys(const std::vector<std::vector<double>>& a, const std::vector<std::vector<double>>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t c = 0; c < a.size(); ++c) {
      ASSERT_EQ(a[c].size(), b[c].size()) << "column " << c;
      for (std::size_t i = 0; i < a[c].size(); ++i)
        ASSERT_TRUE(a[c][i] == b[c][i] || (std::isnan(a[c][i]) && std::isnan(b[c][i])))
            << "column " << c << " toy " << i << ": " << a[c][i] << " vs " << b[c][i];
    }
  }

  // The offset of the toy count in a checkpoint: after the magic, the fingerprint's
  // length and text, and the record size (docs/formats/outputs.md#toy-checkpoint).
  static std::uint64_t count_offset(const std::string& checkpoint) {
    std::ifstream in(checkpoint, std::ios::binary);
    std::uint64_t length = 0;
    in.seekg(8);
    in.read(reinterpret_cast<char*>(&length), sizeof length);
    return 8 + 8 + length + 8;
  }

  static void overwrite(const std::string& file, std::uint64_t offset, const void* bytes, std::size_t n) {
    std::fstream f(file, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(static_cast<std::streamoff>(offset));
    f.write(static_cast<const char*>(bytes), static_cast<std::streamsize>(n));
    ASSERT_TRUE(f.good());
  }

  std::vector<std::vector<double>> reference_;
};

TEST_F(LeeCommand, AResumedRunGivesTheToysOfAnUninterruptedOne) {
  const auto out = path("resumed.h5").string();
  interrupted_run(out, 100, 11);
  const auto r = lee(out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("resuming after 100 toys"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out + ".toys.partial"));
  expect_same_toys(toys(out), uninterrupted());
}

TEST_F(LeeCommand, ACheckpointWithOneFlippedByteIsSetAsideNotMerged) {
  const auto out = path("flipped.h5").string();
  const auto checkpoint = out + ".toys.partial";
  interrupted_run(out, 100, 11);
  // A byte of toy 40's largest Z (each record is 64 bytes, max_z first).
  const std::uint64_t offset = count_offset(checkpoint) + 8 + 40 * 64 + 3;
  char byte = 0;
  {
    std::ifstream in(checkpoint, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(&byte, 1);
  }
  byte = static_cast<char>(byte ^ 0x10);
  overwrite(checkpoint, offset, &byte, 1);

  const auto r = lee(out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("resuming"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("damaged (its SHA-256 does not match its content)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("set aside as " + checkpoint + ".corrupt"), std::string::npos) << r.err;
  EXPECT_TRUE(std::filesystem::exists(checkpoint + ".corrupt"));
  EXPECT_FALSE(std::filesystem::exists(checkpoint));
  expect_same_toys(toys(out), uninterrupted());
}

TEST_F(LeeCommand, ADamagedToyCountIsRefusedBeforeAnythingIsAllocated) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves more address space than the limit this test sets";
#else
  const auto out = path("count.h5").string();
  const auto checkpoint = out + ".toys.partial";
  interrupted_run(out, 100, 11);
  // 2^27 toys of 64 bytes: 8 GiB, four times the address space the run is given.
  const std::uint64_t count = std::uint64_t{1} << 27;
  overwrite(checkpoint, count_offset(checkpoint), &count, sizeof count);
  std::vector<std::string> argv{"lee",   "--config", config_, "--data",  data_,           "--model",
                                model_,  "--scan",   scan_,   "--toys",  std::to_string(kToys), "--batch",
                                std::to_string(kBatch), "--coverage-toys", "20", "--output", out};
  std::string command = "ulimit -v 2097152 && exec \"$0\"";
  for (std::size_t i = 0; i < argv.size(); ++i) command += " \"${" + std::to_string(i + 1) + "}\"";
  std::vector<std::string> shell{"/bin/sh", "-c", command, DARKSCAN_EXE};
  shell.insert(shell.end(), argv.begin(), argv.end());
  const auto r = testing::run_command(shell);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("says 134217728 toys but its"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("set aside"), std::string::npos) << r.err;
  EXPECT_TRUE(std::filesystem::exists(checkpoint + ".corrupt"));
  expect_same_toys(toys(out), uninterrupted());
#endif
}

TEST_F(LeeCommand, AnotherSeedsCheckpointIsNotMerged) {
  const auto out = path("other_seed.h5").string();
  interrupted_run(out, 100, 12);
  const auto r = lee(out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("resuming"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("toy checkpoint of another run ('seed 12' there, 'seed 11' here)"), std::string::npos)
      << r.err;
  expect_same_toys(toys(out), uninterrupted());
}

TEST_F(LeeCommand, AnotherConfigsCheckpointIsNotMerged) {
  const auto out = path("other_config.h5").string();
  interrupted_run(out, 100, 11);
  // The same keys with another window step: other windows, other toys.
  config_ = write_file("lee.toml", kConfig + "window_step_sigma = 0.4\n");
  reference_.clear();
  const auto r = lee(out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("resuming"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("toy checkpoint of another run ('config "), std::string::npos) << r.err;
  expect_same_toys(toys(out), uninterrupted());
}

TEST_F(LeeCommand, ACheckpointThatCannotBeWrittenReportsTheToysOnDisk) {
  // The checkpoint's temporary name taken by a folder: no checkpoint can be written. The
  // name holds the writer's process id (io/atomic_output.hpp), so a shell makes the folder
  // for its own id and then becomes darkscan (exec keeps the id). Before any checkpoint,
  // none is kept; with one of 100 toys, those 100, not the toys in memory.
  for (const std::uint64_t before : {std::uint64_t{0}, std::uint64_t{100}}) {
    SCOPED_TRACE(before);
    const auto out = path("unwritable" + std::to_string(before) + ".h5").string();
    const auto checkpoint = out + ".toys.partial";
    if (before > 0) interrupted_run(out, before, 11);
    std::vector<std::string> argv{"/bin/sh", "-c", "mkdir -p \"$0.tmp-$$/blocked\" && exec \"$@\"", checkpoint,
                                  DARKSCAN_EXE,  "lee", "--config", config_, "--data", data_, "--model", model_,
                                  "--scan",      scan_, "--toys", std::to_string(kToys), "--batch",
                                  std::to_string(kBatch), "--coverage-toys", "20", "--output", out};
    const auto r = testing::run_command(argv);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(testing::count_lines(r.err.substr(r.err.find("darkscan: failure"))), 1) << r.err;
    EXPECT_NE(r.err.find(checkpoint + ": cannot write"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(before == 0 ? std::string("no toys kept")
                                     : std::to_string(before) + " toys kept in " + checkpoint),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
    if (before > 0) {
      for (const auto& entry : std::filesystem::directory_iterator(path("")))
        if (entry.path().string().starts_with(checkpoint + ".tmp-")) std::filesystem::remove_all(entry.path());
      const auto again = lee(out);
      ASSERT_EQ(again.exit_code, 0) << again.err;
      EXPECT_NE(again.err.find("resuming after 100 toys"), std::string::npos) << again.err;
      expect_same_toys(toys(out), uninterrupted());
    }
  }
}

TEST_F(LeeCommand, MoreToysThanMemoryHoldsAreRefusedBeforeAnyIsDrawn) {
  // 2^40 toys keep 64 TiB of outcomes.
  const auto out = path("many.h5").string();
  const auto r = run_darkscan({"lee", "--config", config_, "--data", data_, "--model", model_, "--scan", scan_,
                               "--toys", "1099511627776", "--output", out});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("--toys: 1099511627776 toys keep 64 TiB of outcomes (64 bytes a toy), more than the "),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".toys.partial"));
}

TEST_F(LeeCommand, ABatchLargerThanMemoryHoldsIsRefusedNamingTheOption) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves more address space than the limit this test sets";
#else
  // Under a 2 GiB address space: 2^24 toys keep 1 GiB, a batch of all of them (their
  // counts and about 15 events each) would take about 5.5 GiB more.
  const auto out = path("batch.h5").string();
  const std::vector<std::string> argv{DARKSCAN_EXE, "lee",   "--config", config_,    "--data",   data_,
                                      "--model",    model_,  "--scan",   scan_,      "--toys",   "16777216",
                                      "--batch",    "16777216", "--output", out};
  std::string command = "ulimit -v 2097152 && exec \"$0\"";
  for (std::size_t i = 1; i < argv.size(); ++i) command += " \"${" + std::to_string(i) + "}\"";
  std::vector<std::string> shell{"/bin/sh", "-c", command};
  shell.insert(shell.end(), argv.begin(), argv.end());
  const auto r = testing::run_command(shell);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("--batch: batches of 16777216 toys of about "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("beside the 1 GiB the toys keep, more than the 2 GiB of memory"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
#endif
}

}  // namespace
}  // namespace darkscan
