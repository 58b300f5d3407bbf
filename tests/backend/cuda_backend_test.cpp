// CUDA against CPU: the same bytes in device memory after a load or a stream, the
// same column summaries. Skips, saying why, where no CUDA device can be used.
#include <gtest/gtest.h>

#include "backend/backend_fixture.hpp"
#include "backend/cpu_backend.hpp"
#include "events/sample_check.hpp"
#include "stats/stats_plan.hpp"

namespace darkscan {
namespace {

class CudaAgreement : public testing::BackendTest {
 protected:
  void SetUp() override {
    const std::string reason = cuda_unavailable_reason();
    if (!reason.empty()) GTEST_SKIP() << "CUDA test skipped: " << reason;
    testing::BackendTest::SetUp();
    cuda_ = make_backend(BackendChoice::cuda, {});
  }
  std::unique_ptr<Backend> cuda_;
  CpuBackend cpu_{2};
};

TEST_F(CudaAgreement, LoadPutsTheSameBytesOnTheDevice) {
  auto r = reader();
  const auto direct = r.read_all();
  for (std::uint64_t chunk : {std::uint64_t{1024}, std::uint64_t{7000}, kRows}) {
    const auto resident = cuda_->load(r, chunk);
    expect_same_bytes(cuda_->copy_to_host(resident->view(), names(r)), direct);
  }
}

TEST_F(CudaAgreement, StreamedChunksMatchTheCpuOnes) {
  auto r = reader("sig");
  std::vector<io::HostBatch> on_cpu, on_cuda;
  cpu_.for_each_chunk(r, 300, [&](const ChunkView& c) { on_cpu.push_back(cpu_.copy_to_host(c, names(r))); });
  cuda_->for_each_chunk(r, 300, [&](const ChunkView& c) { on_cuda.push_back(cuda_->copy_to_host(c, names(r))); });
  ASSERT_EQ(on_cpu.size(), on_cuda.size());
  for (std::size_t k = 0; k < on_cpu.size(); ++k) {
    EXPECT_EQ(on_cpu[k].first_row, on_cuda[k].first_row);
    expect_same_bytes(on_cpu[k], on_cuda[k]);
  }
}

TEST_F(CudaAgreement, SummariesAreIdentical) {
  auto r = reader();
  expect_same_summaries(events::summarize_sample(*cuda_, r, 4096), events::summarize_sample(cpu_, r, 4096));
  const auto resident = cuda_->load(r, kRows);
  expect_same_summaries(cuda_->summarize(resident->view()), events::summarize_sample(cpu_, r, kRows));
}

TEST_F(CudaAgreement, StatisticsAgreeWithTheCpuToOneInTenToTheTwelve) {
  std::vector<stats::CountingExperiment> batch;
  for (int i = 0; i < 20000; ++i)
    batch.push_back({i % 51, (i * 37) % 10001, 1.0 + (i * 7919) % 10000, 0.05 * (i % 11), 0.19 * ((i * 3) % 7) / 6.0,
                     0.0047});
  for (auto prior : {stats::NuisancePrior::gaussian, stats::NuisancePrior::lognormal}) {
    const stats::StatsOptions options{0.95, prior};
    const auto plan = stats::plan_statistics(batch, options);
    const auto on_cpu = cpu_.marginalise(batch, plan, options);
    const auto on_cuda = cuda_->marginalise(batch, plan, options);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      EXPECT_EQ(on_cpu[i].flags, on_cuda[i].flags) << i;
      EXPECT_NEAR(on_cuda[i].p0, on_cpu[i].p0, 1e-12 * on_cpu[i].p0) << i;
      EXPECT_NEAR(on_cuda[i].ul_events, on_cpu[i].ul_events, 1e-12 * on_cpu[i].ul_events) << i;
    }
  }
}

}  // namespace
}  // namespace darkscan
