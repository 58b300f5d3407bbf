// Event store load throughput: rows of every docs/formats/events.md column from an HDF5 file in the
// warm page cache into host memory (CPU backend) and onto the device (CUDA backend),
// for uncompressed and compressed files and for a compound table.
//
// Floor: the bytes delivered over the memory bandwidth. HDF5 copies each byte at least
// once from the page cache into the destination, so a load cannot beat a memcpy of the
// same bytes (BM_MemcpyFloor, measured in the same run); onto the device it cannot beat
// the host-to-device bandwidth (PCIe 5 x16: ~50 GB/s on an H100 node) either.
//
// Size: DARKSCAN_BENCH_ROWS rows (default 1,000,000 = 169 MB in memory).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "backend/backend.hpp"
#include "backend/cpu_backend.hpp"
#include "bench_support.hpp"
#include "events/synthetic_sample.hpp"
#include "io/sample_reader.hpp"
#include "support/h5_builder.hpp"

namespace darkscan {
namespace {

std::uint64_t bench_rows() {
  const char* env = std::getenv("DARKSCAN_BENCH_ROWS");
  return env ? std::strtoull(env, nullptr, 10) : 1'000'000;
}

// Files written once per process, removed at exit.
struct Files {
  std::filesystem::path dir;
  std::filesystem::path plain, deflate, compound;
  std::uint64_t rows = bench_rows();

  Files() {
    dir = std::filesystem::temp_directory_path() / ("darkscan-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    plain = dir / "plain.h5";
    deflate = dir / "deflate.h5";
    compound = dir / "compound.h5";
    events::write_synthetic_file(plain, {{"data", "data", rows}}, 1,
                                 {.storage_chunk_rows = 65536, .deflate_level = 0});
    events::write_synthetic_file(deflate, {{"data", "data", rows}}, 1,
                                 {.storage_chunk_rows = 65536, .deflate_level = 1});
    {
      testing::H5Builder b(compound);
      b.compound_sample("/variables", events::synthetic_rows({"data", "data", rows}, 1, 0, rows), {}, false);
    }
    for (const auto& p : {plain, deflate, compound}) warm(p);
  }
  ~Files() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  static void warm(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::vector<char> buffer(1 << 20);
    while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()))) {
    }
  }
};

Files& files() {
  static Files f;
  return f;
}

void load(benchmark::State& state, const std::filesystem::path& path, const std::string& sample, Backend& backend) {
  const io::EventFile file(path.string());
  io::SampleReader reader(file, sample, {}, io::schema_request("data"));
  const auto chunk = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    auto resident = backend.load(reader, chunk);
    benchmark::DoNotOptimize(resident->view().columns.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * reader.rows() * reader.row_bytes()));
  state.counters["rows"] = static_cast<double>(reader.rows());
  state.counters["MB"] = static_cast<double>(reader.rows() * reader.row_bytes()) / 1e6;
}

void BM_MemcpyFloor(benchmark::State& state) {
  const io::EventFile file(files().plain.string());
  const io::SampleReader reader(file, "data", {}, io::schema_request("data"));
  const std::size_t bytes = reader.rows() * reader.row_bytes();
  std::vector<std::byte> src(bytes, std::byte{1}), dst(bytes);
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), bytes);
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

void BM_LoadHostUncompressed(benchmark::State& state) {
  CpuBackend cpu;
  load(state, files().plain, "data", cpu);
}
void BM_LoadHostDeflate(benchmark::State& state) {
  CpuBackend cpu;
  load(state, files().deflate, "data", cpu);
}
void BM_LoadHostCompoundTable(benchmark::State& state) {
  CpuBackend cpu;
  load(state, files().compound, "variables", cpu);
}
void BM_LoadDeviceUncompressed(benchmark::State& state) {
  auto cuda = bench::cuda_backend_or_skip(state);
  if (cuda) load(state, files().plain, "data", *cuda);
}

BENCHMARK(BM_MemcpyFloor)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LoadHostUncompressed)->Arg(65536)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LoadHostDeflate)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LoadHostCompoundTable)->Arg(65536)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LoadDeviceUncompressed)->Arg(65536)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace darkscan

BENCHMARK_MAIN();
