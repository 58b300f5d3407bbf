// Reading one range ahead (io/read_ahead.hpp), for columns HDF5 reads (read ahead) and
// columns darkscan reads itself (read in turn): the ranges equal plain reads of the same
// rows, in order; a read's error reaches the caller at the range it belongs to, after
// the earlier ones, with the plain read's message; abandoning a pass with a read in
// flight is clean; buffers kept by the caller serve one sample after another, whatever
// their columns and rows. And the same for whole items (io::OpenAhead): made in order,
// one at a time, an error reaching the caller at its item.
#include "io/read_ahead.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "backend/backend_fixture.hpp"
#include "errors.hpp"
#include "events/synthetic_sample.hpp"
#include "support/h5_builder.hpp"

namespace darkscan {
namespace {

using testing::BackendTest;

// The fixture's event file, whose columns darkscan reads itself (nothing to read ahead),
// and the same samples as contiguous datasets, which HDF5 reads (read ahead).
class ReadAheadTest : public BackendTest, public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (!GetParam()) return;
    testing::H5Builder b(path("contiguous.h5"));
    b.column_sample("/samples/data", events::synthetic_rows({"data", "data", kRows}, 17, 0, kRows), "data");
    b.column_sample("/samples/sig", events::synthetic_rows({"sig", "signal", 999}, 17, 0, 999), "signal");
    b.close();
    contiguous_ = std::make_unique<io::EventFile>(path("contiguous.h5").string());
  }
  io::SampleReader reader(const std::string& sample = "data") const {
    if (!contiguous_) return BackendTest::reader(sample);
    auto r = io::SampleReader(*contiguous_, sample, {}, io::schema_request(contiguous_->sample(sample).kind));
    EXPECT_TRUE(r.reads_through_hdf5());
    return r;
  }

 private:
  std::unique_ptr<io::EventFile> contiguous_;
};

INSTANTIATE_TEST_SUITE_P(Files, ReadAheadTest, ::testing::Bool(),
                         [](const auto& p) { return p.param ? "ReadByHdf5" : "ReadByDarkscan"; });

TEST_P(ReadAheadTest, RangesEqualPlainReadsInOrder) {
  EXPECT_EQ(reader().reads_through_hdf5(), GetParam());
  for (std::uint64_t chunk : {std::uint64_t{1}, std::uint64_t{4096}, std::uint64_t{3000}, kRows - 1, kRows,
                              kRows + 1}) {
    auto ahead_reader = reader();
    auto plain_reader = reader();
    io::ReadAhead ahead(ahead_reader, chunk);
    std::uint64_t first = 0;
    int ranges = 0;
    // Every row of a 1-row chunking would take minutes: its first ranges suffice.
    const int max_ranges = chunk == 1 ? 50 : 1 << 30;
    while (ranges < max_ranges) {
      const io::HostBatch* got = ahead.next();
      if (got == nullptr) break;
      ASSERT_EQ(got->first_row, first) << chunk;
      const std::uint64_t count = std::min(chunk, kRows - first);
      expect_same_bytes(*got, plain_reader.read(first, count));
      first += count;
      ++ranges;
    }
    if (chunk != 1) {
      EXPECT_EQ(first, kRows) << chunk;
      EXPECT_EQ(ranges, static_cast<int>((kRows + chunk - 1) / chunk)) << chunk;
      EXPECT_EQ(ahead.next(), nullptr);  // and stays at the end
    }
  }
}

// On a file of its own, read by HDF5 (contiguous datasets): read ahead.
using ReadAheadErrors = testing::TempDirTest;

TEST_F(ReadAheadErrors, AnErrorReachesTheCallerAtItsRangeWithThePlainMessage) {
  constexpr std::uint64_t kBadRow = 7000;
  auto batch = events::synthetic_rows({"data", "data", 10000}, 1, 0, 10000);
  for (auto& c : batch.columns)
    if (c.name == "chi_vz") c.values<float>()[kBadRow] = std::nanf("");
  {
    testing::H5Builder b(path("nan.h5"));
    b.column_sample("/samples/data", batch, "data");
  }
  const io::EventFile file(path("nan.h5").string());
  std::string plain_message;
  {
    io::SampleReader plain(file, "data", {}, io::schema_request("data"));
    try {
      plain.read(6000, 3000);
    } catch (const InputError& e) {
      plain_message = e.what();
    }
  }
  ASSERT_NE(plain_message.find("row 7000"), std::string::npos) << plain_message;

  io::SampleReader r(file, "data", {}, io::schema_request("data"));
  io::ReadAhead ahead(r, 3000);
  ASSERT_NE(ahead.next(), nullptr);  // rows 0..2999
  ASSERT_NE(ahead.next(), nullptr);  // rows 3000..5999, while 6000..8999 is read and fails
  try {
    ahead.next();
    FAIL() << "rows 6000..8999 hold a NaN";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), plain_message);
  }
}

TEST_P(ReadAheadTest, BuffersKeptByTheCallerServeSampleAfterSample) {
  // data (20,011 rows, no truth), sig (999 rows, with the MC columns), data again: the
  // buffers shrink, take other columns, and grow again between the passes.
  io::ReadBuffers kept;
  for (const std::string sample : {"data", "sig", "data"}) {
    auto ahead_reader = reader(sample);
    auto plain_reader = reader(sample);
    const std::uint64_t rows = ahead_reader.rows();
    io::ReadAhead ahead(ahead_reader, 3000, &kept);
    std::uint64_t first = 0;
    while (const io::HostBatch* got = ahead.next()) {
      ASSERT_EQ(got->first_row, first) << sample;
      const std::uint64_t count = std::min<std::uint64_t>(3000, rows - first);
      const io::HostBatch plain = plain_reader.read(first, count);
      ASSERT_EQ(names(plain_reader), names(ahead_reader));
      for (std::size_t i = 0; i < plain.columns.size(); ++i) EXPECT_EQ(got->columns[i].name, plain.columns[i].name);
      expect_same_bytes(*got, plain);
      first += count;
    }
    EXPECT_EQ(first, rows) << sample;
  }
}

TEST_P(ReadAheadTest, AbandoningAPassWithAReadInFlightIsClean) {
  auto r = reader();
  for (int ranges = 0; ranges < 3; ++ranges) {
    io::ReadAhead ahead(r, 2000);
    for (int k = 0; k < ranges; ++k) ASSERT_NE(ahead.next(), nullptr);
  }  // each destroyed with the next range being read
  // The reader is still usable afterwards.
  EXPECT_EQ(r.read(0, 10).rows, 10u);
}

TEST(OpenAhead, ItemsComeInOrderMadeOneAtATime) {
  std::atomic<int> making{0}, most{0};
  std::vector<std::size_t> made;
  io::OpenAhead<std::string> items(5, [&](std::size_t i) {
    most = std::max(most.load(), ++making);
    made.push_back(i);  // one at a time: no two makers touch it together
    --making;
    return "item " + std::to_string(i);
  });
  for (std::size_t i = 0; i < 5; ++i) {
    const auto item = items.next();
    ASSERT_TRUE(item.has_value());
    EXPECT_EQ(*item, "item " + std::to_string(i));
  }
  EXPECT_FALSE(items.next().has_value());
  EXPECT_EQ(made, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(most.load(), 1);
}

TEST(OpenAhead, AnErrorReachesTheCallerAtItsItem) {
  io::OpenAhead<int> items(4, [](std::size_t i) {
    if (i == 2) throw InputError("item 2 is bad");
    return static_cast<int>(i);
  });
  EXPECT_EQ(items.next(), 0);
  EXPECT_EQ(items.next(), 1);  // item 2 is made (and fails) meanwhile
  try {
    items.next();
    FAIL() << "item 2 throws";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "item 2 is bad");
  }
}

TEST(OpenAhead, AbandoningWithAnItemInFlightWaitsForIt) {
  std::atomic<bool> finished{false};
  {
    io::OpenAhead<int> items(3, [&](std::size_t i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (i == 1) finished = true;
      return static_cast<int>(i);
    });
    EXPECT_EQ(items.next(), 0);  // item 1 starts
  }
  EXPECT_TRUE(finished.load() || !h5::library_thread_safe());
}

}  // namespace
}  // namespace darkscan
