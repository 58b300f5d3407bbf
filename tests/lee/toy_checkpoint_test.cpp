// The toy checkpoint's own checks (docs/formats/outputs.md#toy-checkpoint): every byte of it
// verified before a toy is used, sizes compared with the file's size before anything is
// allocated, a damaged file set aside with one line, another run's left to be replaced,
// a failed write reported as a failure with the previous checkpoint intact.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "errors.hpp"
#include "lee/toy_checkpoint.hpp"
#include "support/temp_dir.hpp"

namespace darkscan::lee {
namespace {

const std::string kFingerprint = "darkscan test\nseed 7\nconfig abc\n";

class ToyCheckpoint : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    file_ = path("results.h5.toys.partial");
    for (int k = 0; k < 100; ++k) {
      ToyOutcome t;
      t.max_z = 0.01 * k;
      t.max_z_fs[1] = 0.01 * k;
      t.best_window[1] = k;
      t.upcrossings[1] = k % 3;
      t.events = 13 + k;
      toys_.push_back(t);
    }
  }
  std::vector<char> bytes() const {
    std::ifstream in(file_, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  void put(const std::vector<char>& b) const {
    std::ofstream(file_, std::ios::binary | std::ios::trunc).write(b.data(), static_cast<std::streamsize>(b.size()));
  }
  // The offsets of the fields (magic, length, text, record size, count, records, digest).
  std::size_t count_at() const { return 8 + 8 + kFingerprint.size() + 8; }

  void expect_set_aside(const CheckpointRead& r, const std::string& why) const {
    EXPECT_TRUE(r.toys.empty());
    EXPECT_NE(r.note.find("damaged (" + why), std::string::npos) << r.note;
    EXPECT_NE(r.note.find("set aside as " + file_.string() + ".corrupt"), std::string::npos) << r.note;
    EXPECT_EQ(r.note.find('\n'), std::string::npos) << r.note;
    EXPECT_FALSE(std::filesystem::exists(file_));
    EXPECT_TRUE(std::filesystem::exists(file_.string() + ".corrupt"));
  }

  std::filesystem::path file_;
  std::vector<ToyOutcome> toys_;
};

TEST_F(ToyCheckpoint, WhatIsWrittenIsReadBack) {
  write_checkpoint(file_, kFingerprint, toys_);
  EXPECT_EQ(std::filesystem::file_size(file_), 8 + 8 + kFingerprint.size() + 8 + 8 + 100 * 64 + 32);
  const auto r = read_checkpoint(file_, kFingerprint);
  EXPECT_TRUE(r.note.empty()) << r.note;
  ASSERT_EQ(r.toys.size(), toys_.size());
  EXPECT_EQ(std::memcmp(r.toys.data(), toys_.data(), toys_.size() * sizeof(ToyOutcome)), 0);
  EXPECT_FALSE(std::filesystem::exists(file_.string() + ".tmp"));
  // None at all: no toys and nothing to say.
  const auto none = read_checkpoint(path("absent"), kFingerprint);
  EXPECT_TRUE(none.toys.empty());
  EXPECT_TRUE(none.note.empty());
}

TEST_F(ToyCheckpoint, AnyFlippedByteIsFoundAndTheFileSetAside) {
  write_checkpoint(file_, kFingerprint, toys_);
  const auto good = bytes();
  // One byte in each part: the magic, the text's length, the text, the record size, the
  // count, the first, a middle and the last toy, the digest.
  const std::size_t records = count_at() + 8;
  for (std::size_t offset : {std::size_t{2}, std::size_t{9}, std::size_t{20}, count_at() - 8, count_at() + 1, records,
                             records + 50 * 64 + 9, records + 100 * 64 - 1, good.size() - 5}) {
    SCOPED_TRACE(offset);
    auto damaged = good;
    damaged[offset] = static_cast<char>(damaged[offset] ^ 0x04);
    put(damaged);
    std::filesystem::remove(file_.string() + ".corrupt");
    const auto r = read_checkpoint(file_, kFingerprint);
    expect_set_aside(r, "");
  }
}

TEST_F(ToyCheckpoint, AFlippedToyByteIsSaidAsAChecksumMismatch) {
  write_checkpoint(file_, kFingerprint, toys_);
  auto b = bytes();
  b[count_at() + 8 + 40 * 64 + 3] ^= 0x10;
  put(b);
  expect_set_aside(read_checkpoint(file_, kFingerprint), "its SHA-256 does not match its content");
}

TEST_F(ToyCheckpoint, ADamagedCountIsRefusedWithoutAllocatingIt) {
  // 2^40 toys of 64 bytes would be 64 TiB: refused from the file's size alone.
  write_checkpoint(file_, kFingerprint, toys_);
  auto b = bytes();
  const std::uint64_t count = std::uint64_t{1} << 40;
  std::memcpy(b.data() + count_at(), &count, sizeof count);
  put(b);
  const auto r = read_checkpoint(file_, kFingerprint);
  expect_set_aside(r, "it says 1099511627776 toys but its " + std::to_string(b.size()) + " bytes hold 100");
}

TEST_F(ToyCheckpoint, ADamagedFingerprintLengthIsRefusedWithoutAllocatingIt) {
  write_checkpoint(file_, kFingerprint, toys_);
  auto b = bytes();
  const std::uint64_t length = std::uint64_t{1} << 50;
  std::memcpy(b.data() + 8, &length, sizeof length);
  put(b);
  expect_set_aside(read_checkpoint(file_, kFingerprint), "its fingerprint length 1125899906842624 exceeds");
}

TEST_F(ToyCheckpoint, ATruncatedOrEmptyFileIsSetAside) {
  write_checkpoint(file_, kFingerprint, toys_);
  auto b = bytes();
  b.resize(b.size() - 40);  // part of the last toy and the digest
  put(b);
  expect_set_aside(read_checkpoint(file_, kFingerprint), "it says 100 toys but its");
  std::filesystem::remove(file_.string() + ".corrupt");
  put({});
  expect_set_aside(read_checkpoint(file_, kFingerprint), "0 bytes, shorter than a checkpoint's header");
}

TEST_F(ToyCheckpoint, ACheckpointOfTheFormerLayoutWithoutChecksumIsSetAside) {
  // DSLEETO1: magic, length, fingerprint, count, records, no digest.
  std::vector<char> b{'D', 'S', 'L', 'E', 'E', 'T', 'O', '1'};
  const std::uint64_t length = kFingerprint.size(), count = toys_.size();
  auto append = [&](const void* p, std::size_t n) { b.insert(b.end(), (const char*)p, (const char*)p + n); };
  append(&length, 8);
  append(kFingerprint.data(), length);
  append(&count, 8);
  append(toys_.data(), toys_.size() * sizeof(ToyOutcome));
  put(b);
  expect_set_aside(read_checkpoint(file_, kFingerprint), "written by an earlier darkscan, without a checksum");
}

TEST_F(ToyCheckpoint, AnotherRunsCheckpointIsNotMergedAndSaysWhatDiffers) {
  write_checkpoint(file_, kFingerprint, toys_);
  const auto r = read_checkpoint(file_, "darkscan test\nseed 8\nconfig abc\n");
  EXPECT_TRUE(r.toys.empty());
  EXPECT_NE(r.note.find("toy checkpoint of another run ('seed 7' there, 'seed 8' here)"), std::string::npos) << r.note;
  // Sound, so left for this run's first batch to replace.
  EXPECT_TRUE(std::filesystem::exists(file_));
  EXPECT_FALSE(std::filesystem::exists(file_.string() + ".corrupt"));
}

TEST_F(ToyCheckpoint, AFolderInItsPlaceIsNotRead) {
  std::filesystem::create_directory(file_);
  const auto r = read_checkpoint(file_, kFingerprint);
  EXPECT_TRUE(r.toys.empty());
  EXPECT_NE(r.note.find("not a regular file"), std::string::npos) << r.note;
}

TEST_F(ToyCheckpoint, AFailedWriteIsAFailureAndLeavesThePreviousCheckpoint) {
  write_checkpoint(file_, kFingerprint, std::span(toys_).first(60));
  // This process's temporary name (io/atomic_output.hpp: <name>.tmp-<pid>) taken by a
  // non-empty folder: the file cannot be created.
  const auto blocked = file_.string() + ".tmp-" + std::to_string(::getpid());
  std::filesystem::create_directories(blocked + "/blocked");
  try {
    write_checkpoint(file_, kFingerprint, toys_);
    FAIL() << "no error";
  } catch (const WriteError& e) {
    EXPECT_NE(std::string(e.what()).find(file_.string() + ": cannot write"), std::string::npos) << e.what();
  } catch (const std::exception& e) {
    FAIL() << "a failed write is a WriteError (exit 1): " << e.what();
  }
  EXPECT_EQ(read_checkpoint(file_, kFingerprint).toys.size(), 60u);
  std::filesystem::remove_all(blocked);
}

}  // namespace
}  // namespace darkscan::lee
