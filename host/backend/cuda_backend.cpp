// The CUDA backend: event columns in device memory, the numerical core in kernels
// (kernels/), transfers through pinned host buffers on one non-blocking stream.
#include "backend/cuda_backend.hpp"

#include <cuda_runtime_api.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "column_summary_kernel.hpp"
#include "combine_experiments_kernel.hpp"
#include "count_windows_kernel.hpp"
#include "cuda_check.hpp"
#include "device_memory.hpp"
#include "io/sample_reader.hpp"
#include "marginalise_kernel.hpp"
#include "reweight_blocks_kernel.hpp"
#include "run_on_device.hpp"
#include "select_candidates_kernel.hpp"
#include "toy_scan_kernel.hpp"

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
    return run_on_device<ColumnSummary>(chunk.columns.size(), stream_.get(), [&](DeviceArena&, ColumnSummary* out) {
      summarize_columns(chunk.columns, chunk.first_row, out, scratch_, stream_.get());
    });
  }

  std::vector<stats::StatsResult> marginalise(std::span<const stats::CountingExperiment> experiments,
                                              const stats::StatsPlan& plan, const stats::StatsOptions& options) override {
    return run_on_device<stats::StatsResult>(
        experiments.size(), stream_.get(), [&](DeviceArena& arena, stats::StatsResult* results) {
          launch_marginalise(plan.functor(arena.upload(experiments), arena.upload(plan.choices),
                                          arena.upload(plan.rules), results, options),
                             experiments.size(), stream_.get());
        });
  }

  // Device arrays of the caller (docs/python.md#device-arrays). Their producers (CuPy,
  // PyTorch) may still be writing them on streams of their own, and nanobind takes them
  // through DLPack without naming a stream to order against: the device is synchronised
  // before they are read.
  std::int64_t first_refused(const stats::StridedColumn& column, std::uint64_t count, stats::ExperimentField field,
                             const stats::StatsOptions& options) override {
    DS_CUDA_CHECK(cudaDeviceSynchronize());
    return find_first_refused(stats::ValueRefused{column, field, options.nuisance_prior}, count, stream_.get());
  }

  double element(const stats::StridedColumn& column, std::uint64_t flat) override {
    if (column.data == nullptr) return column.constant;
    const std::size_t size = dtype_size(column.dtype);
    std::array<std::byte, 8> bytes{};
    DS_CUDA_CHECK(cudaMemcpy(bytes.data(), static_cast<const std::byte*>(column.data) + column.offset(flat) * size,
                             size, cudaMemcpyDeviceToHost));
    stats::StridedColumn copy = column;
    copy.data = bytes.data();
    return copy.at_offset(0);
  }

  // The steps of marginalise() on the caller's columns: the experiments gathered on the
  // device, their distinct plan projections sorted there and only those brought to the
  // host to be planned, each experiment's rules found on the device, the same kernel,
  // the results split into the caller's arrays.
  void marginalise_columns(const stats::ExperimentColumns& batch, const PlanDistinct& plan_distinct,
                           const stats::StatsOptions& options) override {
    const std::uint64_t n = batch.size;
    if (n == 0) return;
    DS_CUDA_CHECK(cudaDeviceSynchronize());
    cudaStream_t stream = stream_.get();
    DeviceArena arena(stream);
    auto* experiments = arena.allocate<stats::CountingExperiment>(n);
    launch_gather_experiments(stats::GatherExperiments{batch, experiments}, n, stream);
    auto* distinct = arena.allocate<stats::CountingExperiment>(n);
    launch_project_experiments(stats::ProjectExperiments{experiments, distinct}, n, stream);
    const std::uint64_t count = sort_distinct_projections(distinct, n, stream);
    const stats::StatsPlan plan = plan_distinct(cuda::download(distinct, count, stream));
    auto* choices = arena.allocate<stats::RuleChoice>(n);
    launch_choose_rules(stats::ChooseRules{experiments, distinct, count, arena.upload(plan.choices), choices}, n,
                        stream);
    auto* results = arena.allocate<stats::StatsResult>(n);
    launch_marginalise(plan.functor(experiments, choices, arena.upload(plan.rules), results, options), n, stream);
    launch_split_results(stats::SplitResults{results, batch.p0, batch.z, batch.ul_events, batch.flags}, n, stream);
    DS_CUDA_CHECK(cudaStreamSynchronize(stream));
  }

  std::shared_ptr<void> allocate(std::size_t bytes) override {
    auto* owned = new DeviceBuffer(device_alloc(bytes));
    return {owned->get(), [owned](void*) { delete owned; }};
  }

  void upload(void* resident, const void* host, std::size_t bytes) override {
    if (bytes > 0) DS_CUDA_CHECK(cudaMemcpy(resident, host, bytes, cudaMemcpyHostToDevice));
  }

  void download(void* host, const void* resident, std::size_t bytes) override {
    if (bytes > 0) DS_CUDA_CHECK(cudaMemcpy(host, resident, bytes, cudaMemcpyDeviceToHost));
  }

  std::vector<stats::CombinedResult> combine(std::span<const stats::CombinedExperiment> experiments,
                                             const stats::CombinedPlan& plan, const stats::StatsOptions& options) override {
    return run_on_device<stats::CombinedResult>(
        experiments.size(), stream_.get(), [&](DeviceArena& arena, stats::CombinedResult* results) {
          launch_combine(plan.functor(arena.upload(experiments), arena.upload(plan.choices), arena.upload(plan.rules),
                                      results, options),
                         experiments.size(), stream_.get());
        });
  }

  std::vector<selection::CandidateVerdict> select(const selection::CandidateColumns& columns, std::uint64_t rows,
                                                  const selection::SelectionParams& params) override {
    return run_on_device<selection::CandidateVerdict>(
        rows, stream_.get(), [&](DeviceArena&, selection::CandidateVerdict* out) {
          launch_select(selection::EvaluateCandidates{columns, params, out}, rows, stream_.get());
        });
  }

  std::vector<signal_model::BlockSums> reweight(const signal_model::ReweightBlocks& job) override {
    return run_on_device<signal_model::BlockSums>(
        job.outputs(), stream_.get(), [&](DeviceArena& arena, signal_model::BlockSums* out) {
          const std::size_t n = job.candidates;
          signal_model::ReweightBlocks d = job;  // the optional columns stay null where the job has none
          d.cells_per_item = 1;                  // a thread a cell (reweight_blocks.hpp)
          d.ell = arena.upload(job.ell, n);
          d.final_state = arena.upload(job.final_state, n);
          d.ctau = arena.upload(job.ctau, job.cells);
          d.ell_chi2 = arena.upload(job.ell_chi2, n);
          d.mc_weight = arena.upload(job.mc_weight, n);
          d.hp_dv = arena.upload(job.hp_dv, n);
          d.ctau_chi2 = arena.upload(job.ctau_chi2, job.cells);
          d.out = out;
          launch_reweight(d, stream_.get());
        });
  }

  std::vector<scan::WindowCounts> count_windows(std::span<const double> sorted_masses,
                                                std::span<const scan::WindowGeometry> windows) override {
    return run_on_device<scan::WindowCounts>(
        windows.size(), stream_.get(), [&](DeviceArena& arena, scan::WindowCounts* out) {
          launch_count_windows(scan::CountWindows{arena.upload(sorted_masses),
                                                  static_cast<std::int64_t>(sorted_masses.size()),
                                                  arena.upload(windows), out},
                               windows.size(), stream_.get());
        });
  }

  std::vector<lee::ToyOutcome> run_toys(const lee::ToyJob& job, std::uint64_t toys) override {
    return run_on_device<lee::ToyOutcome>(toys, stream_.get(), [&](DeviceArena& arena, lee::ToyOutcome* out) {
      lee::ToyJob d = job;
      d.regions = arena.upload(job.regions, static_cast<std::size_t>(job.region_count));
      for (int fs = 0; fs < physics::kFinalStates; ++fs)
        d.windows[fs].windows = arena.upload(job.windows[fs].windows, static_cast<std::size_t>(job.windows[fs].count));
      // Pass 1 on the device, the offsets on the host (toys x 6 counts), pass 2 on the device.
      std::int64_t* counts = arena.allocate<std::int64_t>(toys * lee::kMaxRegions);
      launch_toy_counts(lee::ToyCounts{d, counts}, toys, stream_.get());
      const auto offsets =
          lee::toy_offsets(cuda::download(counts, toys * lee::kMaxRegions, stream_.get()), job.region_count);
      launch_toy_scan(lee::ToyScan{d, counts, arena.upload(offsets),
                                   arena.allocate<double>(static_cast<std::size_t>(offsets.back())), out},
                      toys, stream_.get());
    });
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
