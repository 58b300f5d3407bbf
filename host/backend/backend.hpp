#pragma once
// The compute backends. One small interface, two implementations: the CPU backend
// runs the numerical core over OpenMP threads, the CUDA backend runs the same core in
// kernels on device memory. The backend is chosen at run time (--backend), never by
// a global; the CUDA one exists only when darkscan was built with CUDA.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "darkscan/core/column_summary.hpp"
#include "darkscan/core/column_view.hpp"
#include "darkscan/lee/toy_scan.hpp"
#include "darkscan/scan/window.hpp"
#include "darkscan/selection/evaluate.hpp"
#include "darkscan/signal_model/reweight_blocks.hpp"
#include "darkscan/stats/experiment_columns.hpp"
#include "darkscan/stats/plan.hpp"
#include "io/host_batch.hpp"

namespace darkscan::io {
class SampleReader;
}

namespace darkscan {

// Rows [first_row, first_row + rows) of a sample, one view per column, in the memory
// of the backend that made it (host memory for the CPU, device memory for CUDA).
struct ChunkView {
  std::uint64_t first_row = 0;
  std::uint64_t rows = 0;
  std::vector<ColumnView> columns;
};

// A whole sample held in a backend's memory.
class ResidentSample {
 public:
  virtual ~ResidentSample() = default;
  virtual const ChunkView& view() const = 0;
  virtual std::size_t bytes() const = 0;
};

using ChunkVisitor = std::function<void(const ChunkView&)>;

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string_view name() const = 0;  // "cpu" or "cuda"
  virtual std::string description() const = 0;  // device or thread count, for logs and provenance

  // Whether removing repeated experiments from a batch before marginalise() pays here
  // (stats::marginalise_batch, Dedup::automatic): finding them costs a hash per
  // experiment (~0.1 µs), and a repeat not computed saves ~3 µs on a CPU core but only
  // ~0.01 µs on a GPU (benchmarks/bench_statistics measures both).
  virtual bool removing_repeats_pays() const = 0;
  // CPU threads for host work beside this backend's (the signal model's fits): 0 for
  // every core OpenMP sees.
  virtual int host_threads() const { return 0; }

  // Reads the whole sample into this backend's memory, `chunk_rows` rows per read
  // (on CUDA through pinned buffers, the read of one chunk overlapping the copy of
  // the one before).
  virtual std::unique_ptr<ResidentSample> load(io::SampleReader& reader, std::uint64_t chunk_rows) = 0;

  // Streams the sample through this backend's memory in pieces of at most
  // `chunk_rows` rows, in row order: for samples larger than device memory.
  virtual void for_each_chunk(io::SampleReader& reader, std::uint64_t chunk_rows, const ChunkVisitor& visit) = 0;

  // Summary of every column of a chunk held in this backend's memory.
  virtual std::vector<ColumnSummary> summarize(const ChunkView& chunk) = 0;

  // The statistics of docs/physics/statistics.md for every experiment of a batch: p0, Z
  // and the upper limit on the signal events, by the plan's rules.
  virtual std::vector<stats::StatsResult> marginalise(std::span<const stats::CountingExperiment> experiments,
                                                      const stats::StatsPlan& plan,
                                                      const stats::StatsOptions& options) = 0;

  // Experiments given as columns in this backend's memory (the Python package's device
  // arrays, docs/python.md#device-arrays), evaluated there without a copy to the host.
  // first_refused: the index of the first of the column's own `count` elements (C order)
  // that the engine refuses as `field` (stats::value_accepted), -1 where none is; with
  // element(), the one value a message quotes. marginalise_columns: marginalise() of
  // every experiment of the batch, results into the batch's arrays; `plan_distinct`
  // plans, on the host, the batch's distinct projections (stats::plan_projection), the
  // only part of it that comes to the host, and each experiment takes its projection's
  // rules, so the rules and the results are those marginalise() gives for the same
  // experiments. The columns must hold accepted values (first_refused says so).
  using PlanDistinct = std::function<stats::StatsPlan(std::span<const stats::CountingExperiment>)>;
  virtual std::int64_t first_refused(const stats::StridedColumn& column, std::uint64_t count,
                                     stats::ExperimentField field, const stats::StatsOptions& options) = 0;
  virtual double element(const stats::StridedColumn& column, std::uint64_t flat) = 0;
  virtual void marginalise_columns(const stats::ExperimentColumns& batch, const PlanDistinct& plan_distinct,
                                   const stats::StatsOptions& options) = 0;
  // Memory of this backend for arrays handed to a caller (host memory for the CPU,
  // device memory for CUDA), released when its last owner lets go; and copies of bytes
  // from and to host memory.
  virtual std::shared_ptr<void> allocate(std::size_t bytes) = 0;
  virtual void upload(void* resident, const void* host, std::size_t bytes) = 0;
  virtual void download(void* host, const void* resident, std::size_t bytes) = 0;

  // Combinations of final states (docs/physics/interpretation.md): the product of the channels'
  // p0 and the upper limit on the shared signal parameter, by the plan's rules.
  virtual std::vector<stats::CombinedResult> combine(std::span<const stats::CombinedExperiment> experiments,
                                                     const stats::CombinedPlan& plan,
                                                     const stats::StatsOptions& options) = 0;

  // The selection of docs/physics/selection.md for every candidate of a chunk (its columns
  // bound by selection::bind_columns), verdicts returned in host memory, in row order.
  virtual std::vector<selection::CandidateVerdict> select(const selection::CandidateColumns& columns,
                                                          std::uint64_t rows,
                                                          const selection::SelectionParams& params) = 0;
  // Lifetime reweighting of the signal model: every (cell, block) of `job`, whose
  // pointers are in host memory (job.out is ignored); [cell * blocks + block].
  virtual std::vector<signal_model::BlockSums> reweight(const signal_model::ReweightBlocks& job) = 0;
  // The counts of docs/physics/window-scan.md in every window of one final state: events in
  // the window and its sidebands, f and δ, over the final state's masses sorted in
  // ascending order (host memory); [w] for each window, in host memory.
  virtual std::vector<scan::WindowCounts> count_windows(std::span<const double> sorted_masses,
                                                        std::span<const scan::WindowGeometry> windows) = 0;
  // Background-only pseudo-experiments of the whole scan: toys job.first_toy ..
  // job.first_toy + toys − 1 (their pointers in host memory), outcomes in toy order.
  // Toy masses live only in this backend's memory, one batch at a time.
  virtual std::vector<lee::ToyOutcome> run_toys(const lee::ToyJob& job, std::uint64_t toys) = 0;
  // A copy of a chunk in host memory; `names` gives the columns' names, in order.
  virtual io::HostBatch copy_to_host(const ChunkView& chunk, const std::vector<std::string>& names) = 0;
};

// Host batch with the chunk's columns, each filled by copy(dst, src, bytes): the
// shared part of the backends' copy_to_host.
template <class Copy>
io::HostBatch copy_chunk_to_host(const ChunkView& chunk, const std::vector<std::string>& names, const Copy& copy) {
  if (names.size() != chunk.columns.size()) throw std::invalid_argument("copy_to_host: one name per column is needed");
  io::HostBatch batch;
  batch.first_row = chunk.first_row;
  batch.rows = chunk.rows;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto& c = chunk.columns[i];
    batch.columns.push_back({names[i], c.dtype, std::vector<std::byte>(c.size * dtype_size(c.dtype))});
    copy(batch.columns.back().data(), c.data, batch.columns.back().bytes.size());
  }
  return batch;
}

// Chunked reads need a positive chunk size (the config refuses others; this guards the API).
inline void check_chunk_rows(std::uint64_t chunk_rows) {
  if (chunk_rows == 0) throw std::invalid_argument("chunk_rows must be positive");
}

enum class BackendChoice { automatic, cpu, cuda };

// "auto", "cpu" or "cuda"; InputError naming `origin` otherwise.
BackendChoice parse_backend_choice(std::string_view text, std::string_view origin);

struct BackendOptions {
  int cpu_threads = 0;  // 0: every core OpenMP sees
  int cuda_device = 0;
};

// Makes the chosen backend. `automatic` takes CUDA when a device is usable and the
// CPU otherwise; `why` receives one line saying which was taken and why. Asking for
// CUDA where it is unusable throws InputError with the reason.
std::unique_ptr<Backend> make_backend(BackendChoice choice, const BackendOptions& options, std::string* why = nullptr);

// Empty when the CUDA backend can run here; otherwise why not (not compiled in, no
// device, driver error).
std::string cuda_unavailable_reason();

// Backends compiled into this build, e.g. "cpu, cuda".
std::string compiled_backends();

}  // namespace darkscan
