// Outputs on the failure paths (docs/commands/README.md#exit-status): a write that fails
// (a full disk, simulated by a file-size limit) is a WriteError naming the file, leaves
// no temporary and no HDF5 id open, and the process ends normally; a destination that is
// not a regular file is refused and left as it was; temporaries of killed runs are
// removed when the same output is next written, those of running processes kept.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "errors.hpp"
#include "events/synthetic_sample.hpp"
#include "io/atomic_output.hpp"
#include "io/event_writer.hpp"
#include "support/temp_dir.hpp"

namespace darkscan {
namespace {

namespace fs = std::filesystem;

class AtomicOutputTest : public testing::TempDirTest {
 protected:
  // The names in the test's folder, which should hold only what a test put there.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir())) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
};

// Files of this process may not grow beyond `bytes` from here on, and a write past the
// limit fails with EFBIG instead of raising SIGXFSZ: what a full disk does to a writer.
// A full disk: writes past `bytes` fail with EFBIG. The hard limit stays open, as an
// administrator's limit on disk files would leave a process's memory alone, so that a
// writer may close an abandoned file into memory (h5::abandon_file).
void limit_file_size(rlim_t bytes) {
  ::signal(SIGXFSZ, SIG_IGN);
  const rlimit limit{bytes, RLIM_INFINITY};
  ::setrlimit(RLIMIT_FSIZE, &limit);
}

// A process id that no process has now: a child that has exited and been waited for.
pid_t dead_pid() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

TEST_F(AtomicOutputTest, WritesAppearOnlyAtCommit) {
  const auto out = path("a.csv");
  {
    io::AtomicOutput output(out);
    EXPECT_TRUE(fs::is_regular_file(output.temporary()));
    EXPECT_EQ(output.temporary().filename().string(), "a.csv.tmp-" + std::to_string(::getpid()));
    output.write("x,y\n");
    output.write("1,2\n");
    EXPECT_FALSE(fs::exists(out));
    output.commit();
  }
  EXPECT_EQ(read(out), "x,y\n1,2\n");
  EXPECT_EQ(names(), std::vector<std::string>{"a.csv"});
}

TEST_F(AtomicOutputTest, OutputThatIsNotARegularFileIsRefusedAndLeftAsItWas) {
  const auto fifo = path("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  fs::create_directory(path("folder"));
  fs::create_symlink(fifo, path("link_to_fifo"));
  fs::create_symlink("/dev/null", path("link_to_dev_null"));
  for (const char* name : {"fifo", "folder", "link_to_fifo", "link_to_dev_null"}) {
    try {
      io::AtomicOutput output(path(name));
      ADD_FAILURE() << name << ": accepted as an output";
    } catch (const InputError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(path(name).string()), std::string::npos) << message;
      EXPECT_NE(message.find("not a regular file"), std::string::npos) << message;
    }
  }
  EXPECT_TRUE(fs::is_fifo(fifo));
  EXPECT_TRUE(fs::is_directory(path("folder")));
  EXPECT_TRUE(fs::is_symlink(path("link_to_fifo")));
  EXPECT_TRUE(fs::is_symlink(path("link_to_dev_null")));
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  EXPECT_EQ(names(), (std::vector<std::string>{"fifo", "folder", "link_to_dev_null", "link_to_fifo"}))
      << "a temporary was left";
}

TEST_F(AtomicOutputTest, LinkToARegularFileIsWrittenThrough) {
  fs::create_directory(path("store"));
  const auto target = path("store") / "results.csv";
  std::ofstream(target) << "old\n";
  fs::create_symlink(target, path("results.csv"));
  io::AtomicOutput output(path("results.csv"));
  EXPECT_EQ(output.temporary().parent_path(), fs::canonical(path("store")));  // beside what is replaced
  output.write("new\n");
  output.commit();
  EXPECT_TRUE(fs::is_symlink(path("results.csv")));
  EXPECT_EQ(read(target), "new\n");
}

TEST_F(AtomicOutputTest, TemporariesOfDeadProcessesAreRemovedThoseOfLiveOnesKept) {
  const auto out = path("scan.h5");
  const std::string dead = "scan.h5.tmp-" + std::to_string(dead_pid());
  const std::string live = "scan.h5.tmp-" + std::to_string(::getppid());  // the test runner's parent
  const std::string other = "other.h5.tmp-" + std::to_string(dead_pid());  // another output's
  const std::string lookalike = "scan.h5.tmp-12ab";                          // not one of darkscan's
  for (const auto& n : {dead, live, other, lookalike}) std::ofstream(path(n)) << "partial";
  {
    io::AtomicOutput output(out);
    output.write("done");
    output.commit();
  }
  std::vector<std::string> expected{other, "scan.h5", live, lookalike};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(names(), expected);
}

TEST_F(AtomicOutputTest, WriteErrorNamesTheFileAndLeavesNothing) {
  const auto out = path("big.csv");
  EXPECT_EXIT(
      {
        limit_file_size(4096);
        try {
          io::AtomicOutput output(out);
          const std::string line(100, 'x');
          for (int i = 0; i < 100; ++i) output.write(line);
          output.commit();
          std::exit(3);  // the limit did not bite
        } catch (const WriteError& e) {
          const std::string message = e.what();
          if (message.find(out.string()) == std::string::npos || message.find('\n') != std::string::npos)
            std::exit(4);
        }
        std::exit(fs::is_empty(dir()) ? 0 : 5);
      },
      ::testing::ExitedWithCode(0), "");
  EXPECT_TRUE(fs::is_empty(dir()));
}

// The HDF5 writer on a full disk: the failure is a WriteError naming the file, nothing
// of the file stays open in HDF5 once the writer is gone, and the process ends normally
// (HDF5 closes what is left open at exit, and a file whose close failed crashed it
// there).
TEST_F(AtomicOutputTest, HdfWriterOnAFullDiskLeavesNoIdOpenAndExitsNormally) {
  const auto out = path("events.h5");
  EXPECT_EXIT(
      {
        limit_file_size(256 * 1024);
        try {
          events::write_synthetic_file(out, {{"data", "data", 400000}}, 7);
          std::exit(3);
        } catch (const WriteError& e) {
          const std::string message = e.what();
          if (message.find(out.string()) == std::string::npos || message.find('\n') != std::string::npos ||
              message.find("File too large") == std::string::npos)
            std::exit(4);
        }
        if (H5Fget_obj_count(static_cast<hid_t>(H5F_OBJ_ALL), H5F_OBJ_ALL) != 0) std::exit(5);
        std::exit(fs::is_empty(dir()) ? 0 : 6);
      },
      ::testing::ExitedWithCode(0), "");
  EXPECT_TRUE(fs::is_empty(dir()));
}

// A writer given up without a failed write (bad input found after the output was
// opened, as the commands open theirs before the work): closed all the same, nothing
// left open in HDF5, nothing on the disk.
TEST_F(AtomicOutputTest, HdfWriterGivenUpLeavesNoIdOpen) {
  for (const bool with_rows : {false, true}) {
    {
      io::EventFileWriter writer(path("given_up.h5"));
      if (with_rows) writer.begin_sample("data", {{"kind", std::string("data")}},
                                         events::synthetic_rows({"data", "data", 1000}, 1, 0, 1000));
    }
    EXPECT_EQ(H5Fget_obj_count(static_cast<hid_t>(H5F_OBJ_ALL), H5F_OBJ_ALL), 0) << "rows: " << with_rows;
    EXPECT_TRUE(fs::is_empty(dir())) << "rows: " << with_rows;
  }
}

// The same when the metadata cannot be written at the end: a file that was being extended from a copy
// (as lee extends the scan's file) fails only at commit().
TEST_F(AtomicOutputTest, HdfWriterFailingAtCommitLeavesNoIdOpenAndExitsNormally) {
  const auto start = path("start.h5");
  events::write_synthetic_file(start, {{"data", "data", 20000}}, 7);
  const auto size = fs::file_size(start);
  const auto out = path("extended.h5");
  // The file above was written with the codec's threads, so this process has threads to
  // fork: the child runs in a fresh copy of the test program instead (gtest's advice for
  // death tests in a threaded process).
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        limit_file_size(size + 4096);
        try {
          io::EventFileWriter writer(out, start);
          writer.begin_table("", "more", {}, events::synthetic_rows({"more", "data", 20000}, 8, 0, 20000));
          writer.commit();
          std::exit(3);
        } catch (const WriteError& e) {
          if (std::string(e.what()).find(out.string()) == std::string::npos) std::exit(4);
        }
        if (H5Fget_obj_count(static_cast<hid_t>(H5F_OBJ_ALL), H5F_OBJ_ALL) != 0) std::exit(5);
        std::exit(fs::exists(out) || fs::exists(out.string() + ".tmp-" + std::to_string(::getpid())) ? 6 : 0);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace darkscan
