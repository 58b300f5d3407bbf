// The signal model: lifetime reweighting of selected candidates onto a cτ grid,
// candidates x lifetimes per second (efficiency_map, all lifetimes in one pass), and one
// double-sided Crystal Ball fit.
//
// Floor (CPU): each (candidate, lifetime) pair costs one weight, for a mixture of K
// generated lifetimes about K + 1 exp and a log (~5 ns each here), so ~15 ns for K = 1
// on one core, ~20 ns for K = 3: 5-7·10^7 pairs/s per core.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "backend/cpu_backend.hpp"
#include "darkscan/generator/random_stream.hpp"
#include "signal_model/efficiency_map.hpp"
#include "signal_model/resolution_fit.hpp"

namespace darkscan::signal_model {
namespace {

void BM_EfficiencyMap(benchmark::State& state) {
  const auto candidates = static_cast<std::size_t>(state.range(0));
  const int components = static_cast<int>(state.range(1));
  const int threads = static_cast<int>(state.range(2));
  LifetimeMixture mix;
  mix.components = components;
  for (int k = 0; k < components; ++k) {
    mix.ctau0[k] = std::pow(10.0, k);
    mix.n_generated[k] = 20000;
  }
  std::vector<double> ell(candidates), weight(candidates, 1.0), dv(candidates);
  std::vector<std::int8_t> fs(candidates);
  for (std::size_t i = 0; i < candidates; ++i) {
    generator::RandomStream rng({1, 1}, i);
    ell[i] = rng.exponential(mix.ctau0[i % static_cast<std::size_t>(components)]);
    dv[i] = ell[i] * 0.5;
    fs[i] = static_cast<std::int8_t>(i % 3);
  }
  const auto grid = log_grid(0.1, 10000, 20);  // 101 lifetimes
  CpuBackend cpu(threads);
  for (auto _ : state) {
    const auto map = efficiency_map({ell, fs, weight, dv}, mix, grid, cpu);
    benchmark::DoNotOptimize(map.cells[0].data());
  }
  const double pairs = static_cast<double>(candidates * grid.size());
  state.counters["pairs_per_s"] = benchmark::Counter(pairs, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["lifetimes"] = static_cast<double>(grid.size());
}
BENCHMARK(BM_EfficiencyMap)
    ->Args({100000, 1, 1})
    ->Args({100000, 1, 2})
    ->Args({100000, 3, 1})
    ->Args({100000, 3, 2})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_CrystalBallFit(benchmark::State& state) {
  const DoubleSidedCrystalBall truth{1.0, 0.003, 1.2, 4.0, 1.8, 6.0};
  std::vector<double> x;
  generator::RandomStream rng({2, 2}, 0);
  while (x.size() < static_cast<std::size_t>(state.range(0))) {
    const double v = rng.uniform(0.97, 1.03);
    if (rng.uniform() <= truth.shape(v)) x.push_back(v);
  }
  for (auto _ : state) {
    const auto fit = fit_crystal_ball(x, 0.97, 1.03);
    benchmark::DoNotOptimize(fit.nll);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_CrystalBallFit)->Arg(2000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace darkscan::signal_model

BENCHMARK_MAIN();
