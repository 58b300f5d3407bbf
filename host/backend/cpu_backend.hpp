#pragma once
// The CPU backend: the numerical core of include/darkscan over OpenMP threads, on
// host memory.
#include "backend/backend.hpp"
#include "io/read_ahead.hpp"
#include "launch.hpp"

namespace darkscan {

class CpuBackend final : public Backend {
 public:
  explicit CpuBackend(int threads = 0) : launcher_(threads) {}

  std::string_view name() const override { return "cpu"; }
  std::string description() const override;
  bool removing_repeats_pays() const override { return true; }
  int host_threads() const override { return launcher_.threads(); }
  std::unique_ptr<ResidentSample> load(io::SampleReader& reader, std::uint64_t chunk_rows) override;
  void for_each_chunk(io::SampleReader& reader, std::uint64_t chunk_rows, const ChunkVisitor& visit) override;
  std::vector<ColumnSummary> summarize(const ChunkView& chunk) override;
  std::vector<stats::StatsResult> marginalise(std::span<const stats::CountingExperiment> experiments,
                                              const stats::StatsPlan& plan, const stats::StatsOptions& options) override;
  std::int64_t first_refused(const stats::StridedColumn& column, std::uint64_t count, stats::ExperimentField field,
                             const stats::StatsOptions& options) override;
  double element(const stats::StridedColumn& column, std::uint64_t flat) override { return column[flat]; }
  void marginalise_columns(const stats::ExperimentColumns& batch, const PlanDistinct& plan_distinct,
                           const stats::StatsOptions& options) override;
  std::shared_ptr<void> allocate(std::size_t bytes) override;
  void upload(void* resident, const void* host, std::size_t bytes) override;
  void download(void* host, const void* resident, std::size_t bytes) override;
  std::vector<stats::CombinedResult> combine(std::span<const stats::CombinedExperiment> experiments,
                                             const stats::CombinedPlan& plan, const stats::StatsOptions& options) override;
  std::vector<selection::CandidateVerdict> select(const selection::CandidateColumns& columns, std::uint64_t rows,
                                                  const selection::SelectionParams& params) override;
  std::vector<signal_model::BlockSums> reweight(const signal_model::ReweightBlocks& job) override;
  std::vector<scan::WindowCounts> count_windows(std::span<const double> sorted_masses,
                                                std::span<const scan::WindowGeometry> windows) override;
  std::vector<lee::ToyOutcome> run_toys(const lee::ToyJob& job, std::uint64_t toys) override;
  io::HostBatch copy_to_host(const ChunkView& chunk, const std::vector<std::string>& names) override;

  const host::CpuLauncher& launcher() const { return launcher_; }

 private:
  host::CpuLauncher launcher_;
  io::ReadBuffers read_buffers_;  // for_each_chunk's, kept from one sample to the next
};

}  // namespace darkscan
