#pragma once
// A synthetic event file shared by the backend tests.
#include <gtest/gtest.h>

#include <cstring>

#include "darkscan/core/column_summary.hpp"
#include "events/synthetic_sample.hpp"
#include "io/sample_reader.hpp"
#include "support/temp_dir.hpp"

namespace darkscan::testing {

class BackendTest : public TempDirTest {
 protected:
  static constexpr std::uint64_t kRows = 20011;  // not a multiple of any chunk size used

  void SetUp() override {
    TempDirTest::SetUp();
    events::write_synthetic_file(path("events.h5"), {{"data", "data", kRows}, {"sig", "signal", 999}}, 17,
                                 {.storage_chunk_rows = 4096, .deflate_level = 1});
    file_ = std::make_unique<io::EventFile>(path("events.h5").string());
  }

  io::SampleReader reader(const std::string& sample = "data") const {
    return io::SampleReader(*file_, sample, {}, io::schema_request(file_->sample(sample).kind));
  }

  static std::vector<std::string> names(const io::SampleReader& r) {
    std::vector<std::string> out;
    for (const auto& c : r.columns()) out.push_back(c.logical);
    return out;
  }

  static void expect_same_bytes(const io::HostBatch& a, const io::HostBatch& b) {
    ASSERT_EQ(a.rows, b.rows);
    ASSERT_EQ(a.columns.size(), b.columns.size());
    for (std::size_t i = 0; i < a.columns.size(); ++i) {
      ASSERT_EQ(a.columns[i].bytes.size(), b.columns[i].bytes.size()) << a.columns[i].name;
      EXPECT_EQ(std::memcmp(a.columns[i].bytes.data(), b.columns[i].bytes.data(), a.columns[i].bytes.size()), 0)
          << a.columns[i].name;
    }
  }

  static void expect_same_summaries(const std::vector<ColumnSummary>& a, const std::vector<ColumnSummary>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].rows, b[i].rows) << i;
      EXPECT_EQ(a[i].n_nonfinite, b[i].n_nonfinite) << i;
      EXPECT_EQ(a[i].first_nonfinite_row, b[i].first_nonfinite_row) << i;
      EXPECT_EQ(a[i].min, b[i].min) << i;
      EXPECT_EQ(a[i].max, b[i].max) << i;
    }
  }

  std::unique_ptr<io::EventFile> file_;
};

}  // namespace darkscan::testing
