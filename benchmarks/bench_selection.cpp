// The selection pass (docs/physics/selection.md): candidates per second of Backend::select on
// a chunk already in the backend's memory, the candidates of a generated 365 fb^-1 data
// sample (DARKSCAN_BENCH_EVENTS names another event file; its largest sample is used).
//
// Floor: a streaming pass reads each candidate's columns once (42 of the columns of docs/formats/events.md,
// 144 bytes) and writes its verdict (40 bytes): the memory traffic over the bandwidth,
// measured in the same run as a memcpy of the same bytes (BM_MemcpyFloor). On an H100
// (HBM3, ~3 TB/s) that is ~1.6e10 candidates/s; the issue asks for the kernel within 2x.
// The vectorised numpy implementation of the same selection
// (tests/support/reference_selection.py) is timed beside it by run_benchmarks.sh.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <unistd.h>

#include "backend/cpu_backend.hpp"
#include "bench_support.hpp"
#include "config/config.hpp"
#include "generator/generate.hpp"
#include "io/sample_reader.hpp"
#include "selection/bind_columns.hpp"
#include "selection/selection_params.hpp"

namespace darkscan {
namespace {

// The candidates, read once per process into host memory.
struct Candidates {
  std::filesystem::path generated;
  std::string path, sample;  // the event file and its sample used
  io::HostBatch batch;
  std::vector<io::ColumnRequest> columns;
  std::size_t input_bytes = 0;  // per candidate, the columns the selection reads

  Candidates() {
    if (const char* env = std::getenv("DARKSCAN_BENCH_EVENTS")) {
      path = env;
    } else {
      generated = std::filesystem::temp_directory_path() / ("darkscan-bench-select-" + std::to_string(::getpid()) + ".h5");
      generator::GenerateRequest request;
      request.output = generated;
      request.progress = false;
      request.config.generate.signal_events = 0;
      request.config.generate.backgrounds = false;
      generator::generate_file(request);
      path = generated.string();
    }
    const io::EventFile file(path);
    const io::SampleInfo* largest = &file.samples().front();
    for (const auto& s : file.samples())
      if (s.rows > largest->rows) largest = &s;
    // The columns the selection reads: everything but the MC truth.
    sample = largest->name;
    io::SampleReader reader(file, sample, {}, io::schema_request("data"));
    columns = reader.columns();
    batch = reader.read_all();
    input_bytes = batch.bytes() / batch.rows;
  }
  ~Candidates() {
    std::error_code ec;
    if (!generated.empty()) std::filesystem::remove(generated, ec);
  }
  ChunkView view() const {
    ChunkView v{0, batch.rows, {}};
    for (const auto& c : batch.columns) v.columns.push_back(c.view());
    return v;
  }
};

const Candidates& candidates() {
  static const Candidates c;
  return c;
}

void report(benchmark::State& state, std::uint64_t rows) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
  state.counters["candidates_per_s"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["rows"] = static_cast<double>(rows);
}

void BM_SelectCpu(benchmark::State& state) {
  const auto& c = candidates();
  CpuBackend cpu(static_cast<int>(state.range(0)));
  const auto params = selection::params_from_config(config::Config{});
  const auto columns = selection::bind_columns(c.view(), c.columns);
  for (auto _ : state) {
    const auto verdicts = cpu.select(columns, c.batch.rows, params);
    benchmark::DoNotOptimize(verdicts.data());
  }
  report(state, c.batch.rows);
}
BENCHMARK(BM_SelectCpu)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_SelectCuda(benchmark::State& state) {
  auto cuda = bench::cuda_backend_or_skip(state);
  if (!cuda) return;
  const auto& c = candidates();
  const auto params = selection::params_from_config(config::Config{});
  // The sample resident on the device, as the streaming pass leaves each chunk there;
  // the timing includes the copy of the verdicts (40 bytes a candidate) to the host.
  const io::EventFile file(c.path);
  io::SampleReader reader(file, c.sample, {}, io::schema_request("data"));
  const auto resident = cuda->load(reader, reader.rows());
  const auto columns = selection::bind_columns(resident->view(), reader.columns());
  for (auto _ : state) {
    const auto verdicts = cuda->select(columns, reader.rows(), params);
    benchmark::DoNotOptimize(verdicts.data());
  }
  report(state, reader.rows());
}
BENCHMARK(BM_SelectCuda)->UseRealTime()->Unit(benchmark::kMillisecond);

// Floor: the selection's input bytes plus the verdicts, copied once.
void BM_MemcpyFloor(benchmark::State& state) {
  const auto& c = candidates();
  const std::size_t bytes = c.batch.rows * (c.input_bytes + sizeof(selection::CandidateVerdict));
  std::vector<std::byte> src(bytes), dst(bytes);
  std::memset(src.data(), 1, bytes);
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), bytes);
    benchmark::DoNotOptimize(dst.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  report(state, c.batch.rows);
}
BENCHMARK(BM_MemcpyFloor)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace darkscan

BENCHMARK_MAIN();
