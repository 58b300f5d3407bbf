// The statistics engine: limits (with p0 and Z) per second for batches with every
// nuisance active, as the scan produces them: n_obs 0-6, n_sb 0-60, f 10-1000, δ 0 or
// 0.2, efficiency uncertainty 3-10 %, luminosity 0.47 %.
//
// Floor (CPU): the closed forms cost per limit about (Halley iterations ≈ 3) × (y, z
// nodes ≈ 8 × 4) × (one exp + 2N + 4 multiply-adds) plus the x sum once (16 nodes ×
// (N + 1) exps): of order 2-4·10^3 flops and 200 exps, i.e. a few µs a core; the
// issue's single-core reference implementation reaches 3.5·10^5 limits/s on one core
// of this machine. On an H100 (FP64 peak ~67 TFLOP/s with tensor cores, ~34 without)
// the same work bounds the rate near 10^10 limits/s; local-memory traffic of the
// per-experiment coefficient arrays is the practical limit.
#include <benchmark/benchmark.h>

#include "backend/backend.hpp"
#include "backend/cpu_backend.hpp"
#include "bench_support.hpp"
#include "darkscan/core/random.hpp"
#include "stats/marginalise_batch.hpp"
#include "stats/stats_plan.hpp"
#include "stats/stats_reference.hpp"

namespace darkscan {
namespace {

std::vector<stats::CountingExperiment> scan_like_batch(std::size_t n) {
  std::vector<stats::CountingExperiment> batch(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto w = random_words({2024, 0}, i);
    const auto v = random_words({2024, 1}, i);
    batch[i] = {static_cast<int>(w[0] % 7), static_cast<int>(w[1] % 61), 10.0 + 990.0 * uniform01(w[2], w[3]),
                (v[0] & 1) ? 0.2 : 0.0, 0.03 + 0.07 * uniform01(v[1], v[2]), 0.0047};
  }
  return batch;
}

void run(benchmark::State& state, Backend& backend, stats::SignalPrior prior = stats::SignalPrior::uniform) {
  const auto batch = scan_like_batch(static_cast<std::size_t>(state.range(0)));
  stats::StatsOptions options;
  options.signal_prior = prior;
  double iterations = 0;
  for (auto _ : state) {
    const auto plan = stats::plan_statistics(batch, options);
    const auto results = backend.marginalise(batch, plan, options);
    benchmark::DoNotOptimize(results.data());
    iterations = 0;
    for (const auto& r : results) iterations += r.iterations;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch.size()));
  state.counters["limits_per_s"] =
      benchmark::Counter(static_cast<double>(batch.size()), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["root_iterations"] = iterations / static_cast<double>(batch.size());
}

void BM_LimitsCpu(benchmark::State& state) {
  CpuBackend cpu(static_cast<int>(state.range(1)));
  run(state, cpu);
}

// The Jeffreys prior: no incomplete-gamma closed form, panels of a Gauss–Legendre rule.
void BM_LimitsCpuJeffreys(benchmark::State& state) {
  CpuBackend cpu(2);
  run(state, cpu, stats::SignalPrior::jeffreys);
}

void BM_LimitsCuda(benchmark::State& state) {
  auto cuda = bench::cuda_backend_or_skip(state);
  if (cuda) run(state, *cuda);
}

// The peer a user would write by hand: per-point quadrature of the original integrals
// (the tests' Boost.Math reference: adaptive Gauss–Kronrod in x, Gauss–Legendre panels in
// y and z, the signal integral by a root finder), on the same windows.
void BM_PeerPerPointQuadrature(benchmark::State& state) {
  const auto batch = scan_like_batch(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    long double sum = 0;
    for (const auto& e : batch)
      sum += reference::upper_limit_events({e.n_obs, e.n_sb, e.f, e.delta, e.eff_rel_unc, e.lumi_rel_unc, false});
    benchmark::DoNotOptimize(sum);
  }
  state.counters["limits_per_s"] =
      benchmark::Counter(static_cast<double>(batch.size()), benchmark::Counter::kIsIterationInvariantRate);
}

BENCHMARK(BM_PeerPerPointQuadrature)->Arg(200)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

// A scan's batch: every window repeated for 10 lifetimes of equal σ(m) (90 % repeats),
// with and without removing the repeats first.
void BM_LimitsCpuScanRepeats(benchmark::State& state) {
  CpuBackend cpu(2);
  const auto windows = scan_like_batch(static_cast<std::size_t>(state.range(0)) / 10);
  std::vector<stats::CountingExperiment> batch;
  for (int lifetime = 0; lifetime < 10; ++lifetime) batch.insert(batch.end(), windows.begin(), windows.end());
  const auto dedup = state.range(1) ? stats::Dedup::always : stats::Dedup::never;
  for (auto _ : state) benchmark::DoNotOptimize(stats::marginalise_batch(cpu, batch, {}, dedup).data());
  state.counters["limits_per_s"] =
      benchmark::Counter(static_cast<double>(batch.size()), benchmark::Counter::kIsIterationInvariantRate);
}

BENCHMARK(BM_LimitsCpuScanRepeats)->Args({100000, 0})->Args({100000, 1})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LimitsCpu)->Args({100000, 1})->Args({100000, 2})->Args({1000000, 2})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LimitsCpuJeffreys)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LimitsCuda)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace darkscan

BENCHMARK_MAIN();
