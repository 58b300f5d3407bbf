#include "backend/cpu_backend.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "io/read_ahead.hpp"
#include "io/sample_reader.hpp"

namespace darkscan {

namespace {

class HostResidentSample final : public ResidentSample {
 public:
  explicit HostResidentSample(io::HostBatch batch) : batch_(std::move(batch)) {
    view_.first_row = batch_.first_row;
    view_.rows = batch_.rows;
    for (const auto& c : batch_.columns) view_.columns.push_back(c.view());
  }
  const ChunkView& view() const override { return view_; }
  std::size_t bytes() const override { return batch_.bytes(); }

 private:
  io::HostBatch batch_;
  ChunkView view_;
};

}  // namespace

std::string CpuBackend::description() const { return fmt::format("cpu ({} OpenMP threads)", launcher_.threads()); }

std::unique_ptr<ResidentSample> CpuBackend::load(io::SampleReader& reader, std::uint64_t chunk_rows) {
  check_chunk_rows(chunk_rows);
  io::HostBatch batch = io::allocate_batch(reader, reader.rows());
  std::vector<void*> dst(batch.columns.size());
  for (std::uint64_t first = 0; first < reader.rows(); first += chunk_rows) {
    const std::uint64_t count = std::min(chunk_rows, reader.rows() - first);
    for (std::size_t i = 0; i < dst.size(); ++i)
      dst[i] = batch.columns[i].bytes.data() + first * dtype_size(batch.columns[i].dtype);
    reader.read(first, count, dst);
  }
  return std::make_unique<HostResidentSample>(std::move(batch));
}

void CpuBackend::for_each_chunk(io::SampleReader& reader, std::uint64_t chunk_rows, const ChunkVisitor& visit) {
  check_chunk_rows(chunk_rows);
  // The next chunk is read while this one is visited (io/read_ahead.hpp).
  io::ReadAhead chunks(reader, chunk_rows, &read_buffers_);
  while (const io::HostBatch* batch = chunks.next()) {
    ChunkView chunk{batch->first_row, batch->rows, {}};
    for (const auto& c : batch->columns) chunk.columns.push_back({c.bytes.data(), batch->rows, c.dtype});
    visit(chunk);
  }
}

std::vector<ColumnSummary> CpuBackend::summarize(const ChunkView& chunk) {
  std::vector<ColumnSummary> out;
  out.reserve(chunk.columns.size());
  for (const auto& column : chunk.columns) {
    const SummarizeRow row{column, chunk.first_row};
    out.push_back(launcher_.reduce(column.size, ColumnSummary{}, row, MergeColumnSummary{}));
  }
  return out;
}

std::vector<stats::StatsResult> CpuBackend::marginalise(std::span<const stats::CountingExperiment> experiments,
                                                        const stats::StatsPlan& plan,
                                                        const stats::StatsOptions& options) {
  std::vector<stats::StatsResult> results(experiments.size());
  const auto one = plan.functor(experiments.data(), plan.choices.data(), plan.rules.data(), results.data(), options);
  launcher_.parallel_for(experiments.size(), one);
  return results;
}

std::int64_t CpuBackend::first_refused(const stats::StridedColumn& column, std::uint64_t count,
                                       stats::ExperimentField field, const stats::StatsOptions& options) {
  const stats::ValueRefused refused{column, field, options.nuisance_prior};
  for (std::uint64_t i = 0; i < count; ++i)
    if (refused(i)) return static_cast<std::int64_t>(i);
  return -1;
}

// The steps of the CUDA backend's marginalise_columns on the host, so that the entry
// point is tested where no device is (tests/stats/experiment_columns_test.cpp).
void CpuBackend::marginalise_columns(const stats::ExperimentColumns& batch, const PlanDistinct& plan_distinct,
                                     const stats::StatsOptions& options) {
  const std::uint64_t n = batch.size;
  std::vector<stats::CountingExperiment> experiments(n);
  launcher_.parallel_for(n, stats::GatherExperiments{batch, experiments.data()});
  std::vector<stats::CountingExperiment> distinct(n);
  launcher_.parallel_for(n, stats::ProjectExperiments{experiments.data(), distinct.data()});
  const stats::ProjectionLess less;
  std::sort(distinct.begin(), distinct.end(), less);
  distinct.erase(std::unique(distinct.begin(), distinct.end(),
                             [&](const auto& a, const auto& b) { return !less(a, b) && !less(b, a); }),
                 distinct.end());
  stats::StatsPlan plan = plan_distinct(distinct);
  std::vector<stats::RuleChoice> choices(n);
  launcher_.parallel_for(n, stats::ChooseRules{experiments.data(), distinct.data(), distinct.size(),
                                               plan.choices.data(), choices.data()});
  plan.choices = std::move(choices);
  const auto results = marginalise(experiments, plan, options);
  launcher_.parallel_for(n, stats::SplitResults{results.data(), batch.p0, batch.z, batch.ul_events, batch.flags});
}

std::shared_ptr<void> CpuBackend::allocate(std::size_t bytes) {
  return {::operator new(std::max<std::size_t>(bytes, 1)), [](void* p) { ::operator delete(p); }};
}

void CpuBackend::upload(void* resident, const void* host, std::size_t bytes) {
  if (bytes > 0) std::memcpy(resident, host, bytes);
}

void CpuBackend::download(void* host, const void* resident, std::size_t bytes) {
  if (bytes > 0) std::memcpy(host, resident, bytes);
}

std::vector<stats::CombinedResult> CpuBackend::combine(std::span<const stats::CombinedExperiment> experiments,
                                                      const stats::CombinedPlan& plan,
                                                      const stats::StatsOptions& options) {
  std::vector<stats::CombinedResult> results(experiments.size());
  launcher_.parallel_for(experiments.size(), plan.functor(experiments.data(), plan.choices.data(), plan.rules.data(),
                                                          results.data(), options));
  return results;
}

std::vector<selection::CandidateVerdict> CpuBackend::select(const selection::CandidateColumns& columns,
                                                            std::uint64_t rows,
                                                            const selection::SelectionParams& params) {
  std::vector<selection::CandidateVerdict> out(rows);
  launcher_.parallel_for(rows, selection::EvaluateCandidates{columns, params, out.data()});
  return out;
}

std::vector<signal_model::BlockSums> CpuBackend::reweight(const signal_model::ReweightBlocks& job) {
  std::vector<signal_model::BlockSums> out(job.outputs());
  signal_model::ReweightBlocks run = job;
  run.out = out.data();
  // Groups of cells share each candidate's mixture terms (reweight_blocks.hpp).
  run.cells_per_item = signal_model::ReweightBlocks::kMaxCellsPerItem;
  launcher_.parallel_for(run.items(), run);
  return out;
}

std::vector<scan::WindowCounts> CpuBackend::count_windows(std::span<const double> sorted_masses,
                                                          std::span<const scan::WindowGeometry> windows) {
  std::vector<scan::WindowCounts> out(windows.size());
  launcher_.parallel_for(windows.size(), scan::CountWindows{sorted_masses.data(),
                                                            static_cast<std::int64_t>(sorted_masses.size()),
                                                            windows.data(), out.data()});
  return out;
}

std::vector<lee::ToyOutcome> CpuBackend::run_toys(const lee::ToyJob& job, std::uint64_t toys) {
  std::vector<std::int64_t> counts(toys * lee::kMaxRegions, 0);
  launcher_.parallel_for(toys, lee::ToyCounts{job, counts.data()});
  const auto offsets = lee::toy_offsets(counts, job.region_count);
  std::vector<double> masses(offsets.back());
  std::vector<lee::ToyOutcome> out(toys);
  // Toys differ in size: handed out a few at a time.
  launcher_.parallel_for_dynamic(toys, lee::ToyScan{job, counts.data(), offsets.data(), masses.data(), out.data()}, 16);
  return out;
}

io::HostBatch CpuBackend::copy_to_host(const ChunkView& chunk, const std::vector<std::string>& names) {
  return copy_chunk_to_host(chunk, names, [](void* dst, const void* src, std::size_t bytes) {
    if (bytes > 0) std::memcpy(dst, src, bytes);
  });
}

}  // namespace darkscan
