// The CPU backend: loads equal direct reads, streaming covers every row once in
// order, summaries equal a direct loop and do not depend on the thread count.
#include "backend/cpu_backend.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "backend/backend_fixture.hpp"
#include "errors.hpp"
#include "events/sample_check.hpp"
#include "support/h5_builder.hpp"

namespace darkscan {
namespace {

using testing::BackendTest;

TEST_F(BackendTest, CpuLoadEqualsAWholeRead) {
  CpuBackend cpu(2);
  auto r = reader();
  const auto direct = r.read_all();
  for (std::uint64_t chunk : {std::uint64_t{1000}, kRows, std::uint64_t{1} << 20}) {
    const auto resident = cpu.load(r, chunk);
    expect_same_bytes(cpu.copy_to_host(resident->view(), names(r)), direct);
    EXPECT_EQ(resident->bytes(), kRows * r.row_bytes());
  }
}

TEST_F(BackendTest, CpuStreamingVisitsEveryRowOnceInOrder) {
  CpuBackend cpu(2);
  auto r = reader();
  std::uint64_t next = 0;
  int chunks = 0;
  cpu.for_each_chunk(r, 3000, [&](const ChunkView& chunk) {
    EXPECT_EQ(chunk.first_row, next);
    EXPECT_LE(chunk.rows, 3000u);
    const auto* event = static_cast<const std::int64_t*>(chunk.columns[0].data);
    EXPECT_EQ(event[0], static_cast<std::int64_t>(chunk.first_row * 100 / 103));  // the synthetic event numbering
    next += chunk.rows;
    ++chunks;
  });
  EXPECT_EQ(next, kRows);
  EXPECT_EQ(chunks, 7);
}

TEST_F(BackendTest, CpuSummariesEqualADirectLoopForAnyThreadCount) {
  auto r = reader();
  const auto direct = r.read_all();
  std::vector<ColumnSummary> expected;
  for (const auto& c : direct.columns) {
    ColumnSummary s;
    s.rows = c.size();
    for (std::uint64_t i = 0; i < c.size(); ++i) {
      const double v = c.view().as_double(i);
      s.min = std::min(s.min, v);
      s.max = std::max(s.max, v);
    }
    expected.push_back(s);
  }
  for (int threads : {1, 2, 3}) {
    CpuBackend cpu(threads);
    expect_same_summaries(events::summarize_sample(cpu, r, 5000), expected);
  }
}

TEST_F(BackendTest, NonFiniteValueIsReportedWithColumnAndRow) {
  auto batch = events::synthetic_rows({"data", "data", 100}, 1, 0, 100);
  for (auto& c : batch.columns)
    if (c.name == "chi_vz") c.values<float>()[61] = std::nanf("");
    else if (c.name == "hp_trk1_e_ecl") c.values<float>()[80] = -INFINITY;
  {
    testing::H5Builder b(path("nan.h5"));
    b.column_sample("/samples/data", batch, "data");
  }
  const io::EventFile file(path("nan.h5").string());
  io::SampleReader r(file, "data", {}, io::schema_request("data"));
  CpuBackend cpu(2);
  // The reader refuses the first one as the pass meets it (docs/formats/events.md#validation).
  try {
    events::summarize_sample(cpu, r, 32);
    FAIL();
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("column 'chi_vz'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("row 61"), std::string::npos) << msg;
  }
}

TEST(BackendFactory, AutoSaysWhichBackendItTookAndWhy) {
  std::string why;
  auto backend = make_backend(BackendChoice::automatic, {}, &why);
  ASSERT_NE(backend, nullptr);
  EXPECT_NE(why.find(backend->name()), std::string::npos) << why;
  if (!cuda_unavailable_reason().empty()) {
    EXPECT_EQ(backend->name(), "cpu");
    EXPECT_NE(why.find("no CUDA"), std::string::npos) << why;
  }
}

TEST(BackendFactory, CudaWhereUnavailableIsABadInputNamingTheReason) {
  const std::string reason = cuda_unavailable_reason();
  if (reason.empty()) GTEST_SKIP() << "a CUDA device is present here";
  try {
    make_backend(BackendChoice::cuda, {});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(reason), std::string::npos);
  }
}

TEST(BackendFactory, ParsesChoicesAndRefusesOthers) {
  EXPECT_EQ(parse_backend_choice("auto", "x"), BackendChoice::automatic);
  EXPECT_EQ(parse_backend_choice("cpu", "x"), BackendChoice::cpu);
  EXPECT_EQ(parse_backend_choice("cuda", "x"), BackendChoice::cuda);
  EXPECT_THROW(parse_backend_choice("gpu", "x"), InputError);
}

}  // namespace
}  // namespace darkscan
