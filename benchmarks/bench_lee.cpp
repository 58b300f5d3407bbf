// Look-elsewhere toys of the whole scan (docs/physics/look-elsewhere.md): toys per second of
// Backend::run_toys for the demo's shape: the pi+pi- range split in two halves, the K+K-
// and mu+mu- ranges, resolutions rising with mass (~4,900 windows in all) and 16 data
// events (the toys' mean is N + 1 per region), on the CPU with 1 and 2 threads and on CUDA.
//
// Floor: a toy holds ~20 events; each event opens ~8 windows (±2σ stepped by σ/2), each
// window costs its counts (20 binary searches over ~20 masses, ~0.1 µs) and its p0
// (a 48-node sum of negative-binomial tails for pi+pi-, ~3 µs; the closed form for the
// others, ~0.1 µs): ~0.3 ms a toy on one core, ~3,000 toys/s. On an H100 (~67 TFLOP/s
// FP64, 132 SMs) the same work is ~10^9 toys/s of arithmetic; in practice memory- and
// divergence-bound at one thread a toy.
#include <benchmark/benchmark.h>

#include "backend/cpu_backend.hpp"
#include "bench_support.hpp"
#include "lee/lee.hpp"
#include "scan/window_grid.hpp"

namespace darkscan {
namespace {

struct Setup {
  config::Config cfg;
  lee::Windows windows;
  std::vector<lee::ToyRegion> regions;
  lee::LeeSettings settings;

  Setup() {
    for (int fs = 0; fs < physics::kFinalStates; ++fs)
      windows[fs] = scan::place_windows(scan::final_state_range(cfg, fs),
                                        [](double m) { return 0.0005 + 0.002 * m; }, {2.0, 0.5});
    selection::SelectedData data;
    data.masses[1] = {0.30, 0.36, 0.42, 0.62, 0.70, 0.749, 0.75, 0.751, 0.93, 1.04, 1.31, 1.77, 2.2, 2.8};
    data.masses[2] = {1.3, 2.4};
    regions = lee::toy_regions(cfg, data);
    settings.seed = 1;
  }
};

const Setup& setup() {
  static const Setup s;
  return s;
}

void toys_on(benchmark::State& state, Backend& backend) {
  const auto& s = setup();
  const std::uint64_t toys = static_cast<std::uint64_t>(state.range(0));
  auto job = lee::toy_job(s.regions, s.windows, s.settings);
  for (auto _ : state) benchmark::DoNotOptimize(backend.run_toys(job, toys));
  state.SetItemsProcessed(state.iterations() * state.range(0));
  std::size_t windows = 0;
  for (const auto& w : s.windows) windows += w.size();
  state.counters["windows"] = static_cast<double>(windows);
}

void BM_ToysCpu(benchmark::State& state) {
  CpuBackend cpu(static_cast<int>(state.range(1)));
  toys_on(state, cpu);
  state.counters["threads"] = static_cast<double>(state.range(1));
}
BENCHMARK(BM_ToysCpu)->Args({4096, 1})->Args({4096, 2})->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_ToysCuda(benchmark::State& state) {
  auto cuda = bench::cuda_backend_or_skip(state);
  if (cuda) toys_on(state, *cuda);
}
BENCHMARK(BM_ToysCuda)->Arg(4096)->Arg(65536)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace darkscan

BENCHMARK_MAIN();
