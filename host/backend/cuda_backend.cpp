// The CUDA backend: event columns in device memory, the numerical core in kernels
// (kernels/), transfers through pinned host buffers on one non-blocking stream.
#include "backend/cuda_backend.hpp"

#include <cuda_runtime_api.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "column_summary.hpp"
#include "cuda_check.hpp"
#include "device_memory.hpp"
#include "io/event_file.hpp"
#include "marginalise.hpp"
#include "combine_experiments.hpp"
#include "count_windows.hpp"
#include "toy_scan.hpp"
#include "reweight_blocks.hpp"
#include "select_candidates.hpp"

namespace darkscan::cuda {

namespace {

constexpr std::size_t kAlignment = 256;  // cudaMalloc's own alignment: coalesced loads per column

std::size_t aligned(std::size_t n) { return (n + kAlignment - 1) / kAlignment * kAlignment; }

// Columns of `rows` rows laid back to back in one allocation, each column aligned.
struct ColumnLayout {
  std::vector<std::size_t> offsets;
  std::size_t bytes = 0;

  ColumnLayout(const io::SampleReader& reader, std::uint64_t rows) {
    for (const auto& c : reader.columns()) {
      offsets.push_back(bytes);
      bytes += aligned(rows * dtype_size(c.dtype));
    }
  }
};

class DeviceResidentSample final : public ResidentSample {
 public:
  DeviceResidentSample(DeviceBuffer memory, ChunkView view) : memory_(std::move(memory)), view_(std::move(view)) {}
  const ChunkView& view() const override { return view_; }
  std::size_t bytes() const override { return memory_.bytes(); }

 private:
  DeviceBuffer memory_;
  ChunkView view_;
};

class CudaBackend final : public Backend {
 public:
  explicit CudaBackend(int device) : device_(device) {
    DS_CUDA_CHECK(cudaSetDevice(device_));
    DS_CUDA_CHECK(cudaGetDeviceProperties(&properties_, device_));
    stream_ = make_stream();
  }

  std::string_view name() const override { return "cuda"; }
  bool removing_repeats_pays() const override { return false; }  // the hashing costs more than it saves

  std::string description() const override {
    return fmt::format("cuda (device {}: {}, sm_{}{}, {:.1f} GiB)", device_, properties_.name, properties_.major,
                       properties_.minor, static_cast<double>(properties_.totalGlobalMem) / (1u << 30));
  }

  std::unique_ptr<ResidentSample> load(io::SampleReader& reader, std::uint64_t chunk_rows) override {
    const ColumnLayout layout(reader, reader.rows());
    DeviceBuffer memory = device_alloc(layout.bytes);
    auto* base = static_cast<std::byte*>(memory.get());
    pipeline(reader, chunk_rows,
             [&](std::size_t column, std::uint64_t first, unsigned) {
               return base + layout.offsets[column] + first * dtype_size(reader.columns()[column].dtype);
             },
             [](std::uint64_t, std::uint64_t, unsigned) {});
    DS_CUDA_CHECK(cudaStreamSynchronize(stream_.get()));
    ChunkView view{0, reader.rows(), {}};
    for (std::size_t c = 0; c < reader.columns().size(); ++c)
      view.columns.push_back({base + layout.offsets[c], reader.rows(), reader.columns()[c].dtype});
    return std::make_unique<DeviceResidentSample>(std::move(memory), std::move(view));
  }

  void for_each_chunk(io::SampleReader& reader, std::uint64_t chunk_rows, const ChunkVisitor& visit) override {
    const std::uint64_t rows = std::min(chunk_rows, reader.rows());
    const ColumnLayout layout(reader, rows);
    std::array<DeviceBuffer, 2> ring{device_alloc(layout.bytes), device_alloc(layout.bytes)};
    pipeline(reader, chunk_rows,
             [&](std::size_t column, std::uint64_t, unsigned slot) {
               return static_cast<std::byte*>(ring[slot].get()) + layout.offsets[column];
             },
             [&](std::uint64_t first, std::uint64_t count, unsigned slot) {
               ChunkView chunk{first, count, {}};
               for (std::size_t c = 0; c < reader.columns().size(); ++c)
                 chunk.columns.push_back({static_cast<std::byte*>(ring[slot].get()) + layout.offsets[c], count,
                                          reader.columns()[c].dtype});
               visit(chunk);
             });
    DS_CUDA_CHECK(cudaStreamSynchronize(stream_.get()));
  }

  std::vector<ColumnSummary> summarize(const ChunkView& chunk) override {
    std::vector<ColumnSummary> out(chunk.columns.size());
    DeviceBuffer d_out = device_alloc(out.size() * sizeof(ColumnSummary));
    summarize_columns(chunk.columns, chunk.first_row, static_cast<ColumnSummary*>(d_out.get()), scratch_,
                      stream_.get());
    DS_CUDA_CHECK(cudaMemcpyAsync(out.data(), d_out.get(), out.size() * sizeof(ColumnSummary),
                                  cudaMemcpyDeviceToHost, stream_.get()));
    DS_CUDA_CHECK(cudaStreamSynchronize(stream_.get()));
    return out;
  }

  std::vector<stats::StatsResult> marginalise(std::span<const stats::CountingExperiment> experiments,
                                              const stats::StatsPlan& plan, const stats::StatsOptions& options) override {
    const std::size_t n = experiments.size();
    std::vector<stats::StatsResult> results(n);
    if (n == 0) return results;
    DeviceBuffer d_experiments = to_device(experiments.data(), n);
    DeviceBuffer d_choices = to_device(plan.choices.data(), plan.choices.size());
    DeviceBuffer d_rules = to_device(plan.rules.data(), plan.rules.size());
    DeviceBuffer d_results = device_alloc(n * sizeof(stats::StatsResult));
    const auto one = plan.functor(static_cast<const stats::CountingExperiment*>(d_experiments.get()),
                                  static_cast<const stats::RuleChoice*>(d_choices.get()),
                                  static_cast<const stats::GaussRule*>(d_rules.get()),
                                  static_cast<stats::StatsResult*>(d_results.get()), options);
    marginalise_batch(one, n, stream_.get());
    DS_CUDA_CHECK(cudaMemcpyAsync(results.data(), d_results.get(), n * sizeof(stats::StatsResult),
                                  cudaMemcpyDeviceToHost, stream_.get()));
    DS_CUDA_CHECK(cudaStreamSynchronize(stream_.get()));
    return results;
  }

  std::vector<stats::CombinedResult> combine(std::span<const stats::CombinedExperiment> experiments,
                                             const stats::CombinedPlan& plan, const stats::StatsOptions& options) override {
    const std::size_t n = experiments.size();
    std::vector<stats::CombinedResult> results(n);
    if (n == 0) return results;
    DeviceBuffer d_experiments = to_device(experiments.data(), n);
    DeviceBuffer d_choices = to_device(plan.choices.data(), plan.choices.size());
    DeviceBuffer d_rules = to_device(plan.rules.data(), plan.rules.size());
    DeviceBuffer d_results = device_alloc(n * sizeof(stats::CombinedResult));
    combine_experiments(plan.functor(static_cast<const stats::CombinedExperiment*>(d_experiments.get()),
                                     static_cast<const stats::CombinedChoice*>(d_choices.get()),
                                     static_cast<const stats::GaussRule*>(d_rules.get()),
                                     static_cast<stats::CombinedResult*>(d_results.get()), options),
                        n, stream_.get());
    DS_CUDA_CHECK(cudaMemcpyAsync(results.data(), d_results.get(), n * sizeof(stats::CombinedResult),
                                  cudaMemcpyDeviceToHost, stream_.get()));
    DS_CUDA_CHECK(cudaStreamSynchronize(stream_.get()));
    return results;
  }

  std::vector<selection::CandidateVerdict> select(const selection::CandidateColumns& columns, std::uint64_t rows,
                                                  const selection::SelectionParams& params) override {
    std::vector<selection::CandidateVerdict> out(rows);
    if (rows == 0) return out;
    DeviceBuffer d_out = device_alloc(rows * sizeof(selection::CandidateVerdict));
    select_candidates(selection::EvaluateCandidates{columns, params, static_cast<selection::CandidateVerdict*>(d_out.get())},
                      rows, stream_.get());
    DS_CUDA_CHECK(cudaMemcpyAsync(out.data(), d_out.get(), rows * sizeof(selection::CandidateVerdict),
                                  cudaMemcpyDeviceToHost, stream_.get()));
    DS_CUDA_CHECK(cudaStreamSynchronize(stream_.get()));
    return out;
  }

  std::vector<signal_model::BlockSums> reweight(const signal_model::ReweightBlocks& job) override {
    std::vector<signal_model::BlockSums> out(job.items());
    if (out.empty()) return out;
    const std::size_t n = job.candidates;
    DeviceBuffer ell = to_device(job.ell, n);
    DeviceBuffer fs = to_device(job.final_state, n);
    DeviceBuffer ell_chi2, mc_weight, hp_dv, ctau_chi2;
    DeviceBuffer ctau = to_device(job.ctau, job.cells);
    signal_model::ReweightBlocks d = job;
    d.ell = static_cast<const double*>(ell.get());
    d.final_state = static_cast<const std::int8_t*>(fs.get());
    d.ctau = static_cast<const double*>(ctau.get());
    if (job.ell_chi2) d.ell_chi2 = static_cast<const double*>((ell_chi2 = to_device(job.ell_chi2, n)).get());
    if (job.mc_weight) d.mc_weight = static_cast<const double*>((mc_weight = to_device(job.mc_weight, n)).get());
    if (job.hp_dv) d.hp_dv = static_cast<const double*>((hp_dv = to_device(job.hp_dv, n)).get());
    if (job.ctau_chi2)
      d.ctau_chi2 = static_cast<const double*>((ctau_chi2 = to_device(job.ctau_chi2, job.cells)).get());
    DeviceBuffer d_out = device_alloc(out.size() * sizeof(signal_model::BlockSums));
    d.out = static_cast<signal_model::BlockSums*>(d_out.get());
    reweight_blocks(d, stream_.get());
    DS_CUDA_CHECK(cudaMemcpyAsync(out.data(), d_out.get(), out.size() * sizeof(signal_model::BlockSums),
                                  cudaMemcpyDeviceToHost, stream_.get()));
    DS_CUDA_CHECK(cudaStreamSynchronize(stream_.get()));
    return out;
  }

  std::vector<scan::WindowCounts> count_windows(std::span<const double> sorted_masses,
                                                std::span<const scan::WindowGeometry> windows) override {
    std::vector<scan::WindowCounts> out(windows.size());
    if (out.empty()) return out;
    DeviceBuffer masses = to_device(sorted_masses.data(), sorted_masses.size());
    DeviceBuffer geometry = to_device(windows.data(), windows.size());
    DeviceBuffer d_out = device_alloc(out.size() * sizeof(scan::WindowCounts));
    cuda::count_windows(scan::CountWindows{static_cast<const double*>(masses.get()),
                                           static_cast<std::int64_t>(sorted_masses.size()),
                                           static_cast<const scan::WindowGeometry*>(geometry.get()),
                                           static_cast<scan::WindowCounts*>(d_out.get())},
                        out.size(), stream_.get());
    DS_CUDA_CHECK(cudaMemcpyAsync(out.data(), d_out.get(), out.size() * sizeof(scan::WindowCounts),
                                  cudaMemcpyDeviceToHost, stream_.get()));
    DS_CUDA_CHECK(cudaStreamSynchronize(stream_.get()));
    return out;
  }

  std::vector<lee::ToyOutcome> run_toys(const lee::ToyJob& job, std::uint64_t toys) override {
    std::vector<lee::ToyOutcome> out(toys);
    if (toys == 0) return out;
    lee::ToyJob d = job;
    DeviceBuffer regions = to_device(job.regions, static_cast<std::size_t>(job.region_count));
    d.regions = static_cast<const lee::ToyRegion*>(regions.get());
    DeviceBuffer windows[physics::kFinalStates];
    for (int fs = 0; fs < physics::kFinalStates; ++fs) {
      windows[fs] = to_device(job.windows[fs].windows, static_cast<std::size_t>(job.windows[fs].count));
      d.windows[fs].windows = static_cast<const scan::WindowGeometry*>(windows[fs].get());
    }
    // Pass 1 on the device, the offsets on the host (toys x 6 counts), pass 2 on the device.
    DeviceBuffer d_counts = device_alloc(toys * lee::kMaxRegions * sizeof(std::int64_t));
    toy_counts(lee::ToyCounts{d, static_cast<std::int64_t*>(d_counts.get())}, toys, stream_.get());
    std::vector<std::int64_t> counts(toys * lee::kMaxRegions);
    DS_CUDA_CHECK(cudaMemcpyAsync(counts.data(), d_counts.get(), counts.size() * sizeof(std::int64_t),
                                  cudaMemcpyDeviceToHost, stream_.get()));
    DS_CUDA_CHECK(cudaStreamSynchronize(stream_.get()));
    const auto offsets = lee::toy_offsets(counts, job.region_count);
    DeviceBuffer d_offsets = to_device(offsets.data(), offsets.size());
    DeviceBuffer d_masses = device_alloc(static_cast<std::size_t>(offsets.back()) * sizeof(double));
    DeviceBuffer d_out = device_alloc(toys * sizeof(lee::ToyOutcome));
    toy_scan(lee::ToyScan{d, static_cast<const std::int64_t*>(d_counts.get()),
                          static_cast<const std::int64_t*>(d_offsets.get()), static_cast<double*>(d_masses.get()),
                          static_cast<lee::ToyOutcome*>(d_out.get())},
             toys, stream_.get());
    DS_CUDA_CHECK(cudaMemcpyAsync(out.data(), d_out.get(), toys * sizeof(lee::ToyOutcome), cudaMemcpyDeviceToHost,
                                  stream_.get()));
    DS_CUDA_CHECK(cudaStreamSynchronize(stream_.get()));
    return out;
  }

  io::HostBatch copy_to_host(const ChunkView& chunk, const std::vector<std::string>& names) override {
    auto batch = copy_chunk_to_host(chunk, names, [&](void* dst, const void* src, std::size_t bytes) {
      if (bytes > 0) DS_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, stream_.get()));
    });
    DS_CUDA_CHECK(cudaStreamSynchronize(stream_.get()));
    return batch;
  }

 private:
  // Reads the sample chunk by chunk into one of two pinned buffers and copies it
  // asynchronously to device memory given by `destination(column, first_row, slot)`;
  // `after_copy(first, count, slot)` runs once the copy is queued. The HDF5 read of
  // chunk k+1 overlaps the copy (and the work queued by after_copy) of chunk k.
  template <class Destination, class AfterCopy>
  void pipeline(io::SampleReader& reader, std::uint64_t chunk_rows, const Destination& destination,
                const AfterCopy& after_copy) {
    check_chunk_rows(chunk_rows);
    const std::uint64_t rows = std::min(chunk_rows, reader.rows());
    const ColumnLayout layout(reader, rows);
    std::array<PinnedBuffer, 2> pinned{pinned_alloc(layout.bytes), pinned_alloc(layout.bytes)};
    std::array<Event, 2> copied{make_event(), make_event()};
    std::array<bool, 2> in_flight{false, false};
    std::vector<void*> host(reader.columns().size());

    unsigned slot = 0;
    for (std::uint64_t first = 0; first < reader.rows(); first += chunk_rows, slot ^= 1u) {
      const std::uint64_t count = std::min(chunk_rows, reader.rows() - first);
      if (in_flight[slot]) DS_CUDA_CHECK(cudaEventSynchronize(copied[slot].get()));  // buffer free again
      auto* buffer = static_cast<std::byte*>(pinned[slot].get());
      for (std::size_t c = 0; c < host.size(); ++c) host[c] = buffer + layout.offsets[c];
      reader.read(first, count, host);
      for (std::size_t c = 0; c < host.size(); ++c) {
        DS_CUDA_CHECK(cudaMemcpyAsync(destination(c, first, slot), host[c],
                                      count * dtype_size(reader.columns()[c].dtype), cudaMemcpyHostToDevice,
                                      stream_.get()));
      }
      DS_CUDA_CHECK(cudaEventRecord(copied[slot].get(), stream_.get()));
      in_flight[slot] = true;
      after_copy(first, count, slot);
    }
  }

  template <class T>
  DeviceBuffer to_device(const T* data, std::size_t count) {
    DeviceBuffer buffer = device_alloc(count * sizeof(T));
    if (count > 0)
      DS_CUDA_CHECK(cudaMemcpyAsync(buffer.get(), data, count * sizeof(T), cudaMemcpyHostToDevice, stream_.get()));
    return buffer;
  }

  int device_;
  cudaDeviceProp properties_{};
  Stream stream_;
  DeviceBuffer scratch_;
};

}  // namespace

bool compiled_in() { return true; }

std::string unavailable_reason(int device) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    (void)cudaGetLastError();  // clear the sticky error so later calls are not poisoned
    return fmt::format("no usable CUDA device ({}: {})", cudaGetErrorName(status), cudaGetErrorString(status));
  }
  if (count == 0) return "no CUDA device";
  if (device < 0 || device >= count) return fmt::format("CUDA device {} asked for, {} present", device, count);
  return {};
}

std::unique_ptr<Backend> make_backend(int device) { return std::make_unique<CudaBackend>(device); }

}  // namespace darkscan::cuda
