// The window scan's counting (docs/physics/window-scan.md): windows per second of
// Backend::count_windows over one final state's sorted masses, for the pi+pi- range of
// the paper (threshold to 3 GeV, K_S veto, split at 1.0 GeV moved to 0.9 and 1.2) with a
// resolution rising from 1 to 7 MeV (about 1,400 windows), against the number of events:
// 20 (a data sample after the selection), 10^4 and 10^6 (toys and large control samples).
//
// Floor: a window is 10 intervals (window, three splits of up to three sideband pieces):
// 20 binary searches of log2(N) steps over masses that fit in L1/L2, a few ns a step,
// so ~0.1-0.5 µs per window on one core; the direct count (every event against every
// interval, what a histogram would cost without edges aligned to the windows) is timed
// beside it as the alternative: O(N) per window.
// The end-to-end scan (load, count, statistics, write) is timed by run_benchmarks.sh.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>

#include "backend/cpu_backend.hpp"
#include "bench_support.hpp"
#include "scan/window_grid.hpp"

namespace darkscan {
namespace {

scan::FinalStateRange pipi_range() {
  scan::FinalStateRange r;
  r.final_state = 1;
  r.lo = 2 * 0.13957039;
  r.hi = 3.0;
  r.vetoes = {{0.467, 0.529}};
  r.splits = {1.0, 0.9, 1.2};
  return r;
}

const std::vector<scan::WindowGeometry>& windows() {
  static const auto w = scan::place_windows(pipi_range(), [](double m) { return 0.0005 + 0.002 * m; }, {2.0, 0.5});
  return w;
}

std::vector<double> masses(std::int64_t n) {
  std::vector<double> m;
  for (std::int64_t i = 0; i < n; ++i)
    m.push_back(0.28 + 2.72 * std::fmod(static_cast<double>(i) * 0.6180339887498949, 1.0));
  std::sort(m.begin(), m.end());
  return m;
}

void report(benchmark::State& state, std::int64_t events) {
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(windows().size()));
  state.counters["windows"] = static_cast<double>(windows().size());
  state.counters["events"] = static_cast<double>(events);
}

void count_on(benchmark::State& state, Backend& backend) {
  const auto m = masses(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(backend.count_windows(m, windows()));
  report(state, state.range(0));
}

void BM_CountWindowsCpu(benchmark::State& state) {
  CpuBackend cpu(static_cast<int>(state.range(1)));
  count_on(state, cpu);
  state.counters["threads"] = static_cast<double>(state.range(1));
}
BENCHMARK(BM_CountWindowsCpu)->ArgsProduct({{20, 10000, 1000000}, {1, 2}})->UseRealTime();

void BM_CountWindowsCuda(benchmark::State& state) {
  auto cuda = bench::cuda_backend_or_skip(state);
  if (cuda) count_on(state, *cuda);
}
BENCHMARK(BM_CountWindowsCuda)->Arg(20)->Arg(10000)->Arg(1000000)->UseRealTime();

// The alternative: each event tested against each window's intervals, single thread.
void BM_CountWindowsDirect(benchmark::State& state) {
  const auto m = masses(state.range(0));
  const auto& w = windows();
  auto inside = [](double x, const scan::MassPiece& p) {
    return (p.lo_open ? x > p.lo : x >= p.lo) && (p.hi_open ? x < p.hi : x <= p.hi);
  };
  for (auto _ : state) {
    std::int64_t total = 0;
    for (const auto& g : w) {
      for (double x : m) {
        total += inside(x, g.window);
        for (int s = 0; s < g.splits; ++s)
          for (int k = 0; k < g.pieces[s]; ++k) total += inside(x, g.sideband[s][k]);
      }
    }
    benchmark::DoNotOptimize(total);
  }
  report(state, state.range(0));
}
BENCHMARK(BM_CountWindowsDirect)->Arg(20)->Arg(10000)->UseRealTime();

// Placing the windows and building their sidebands (host side, once per final state).
void BM_PlaceWindows(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(
        scan::place_windows(pipi_range(), [](double m) { return 0.0005 + 0.002 * m; }, {2.0, 0.5}));
  report(state, 0);
}
BENCHMARK(BM_PlaceWindows)->UseRealTime();

}  // namespace
}  // namespace darkscan

BENCHMARK_MAIN();
