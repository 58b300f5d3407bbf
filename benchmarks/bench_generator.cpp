// The toy generator: events per second of the event functor (true event, toy detector,
// candidate row) for signal and for the background cocktail, on 1 and 2 threads; the
// cost of turning rows into columns and writing them (shuffle + deflate 1); and the
// floor of the functor, its random numbers and transcendental functions.
//
// Floor (CPU, per event): about 30 Philox4x32-10 calls (60 uniforms: kinematics, decay
// lengths, four tracks' efficiency, hits, smearing, PID, calorimeter, vertex fits) and
// about 80 libm calls (sin/cos/atan2/acos/log/exp/sqrt of four helices, boosts and
// Box–Muller). BM_PhiloxUniform and BM_LibmMix measure those two here, and their sum is
// the floor the functor is compared with in benchmarks/RESULTS.md.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "darkscan/generator/event_functor.hpp"
#include "generator/candidate_columns.hpp"
#include "generator/cocktail.hpp"
#include "generator/signal_process_builder.hpp"
#include "io/event_writer.hpp"
#include "launch.hpp"

namespace darkscan::generator {
namespace {

SignalProcess demo_signal() {
  SignalPoint p;
  p.final_state = 1;
  p.m_hp = 0.75;
  p.ctau_hp_cm = 10;
  p.dark.m_chi1 = 2.5;
  p.dark.delta_m = 1.0;
  p.dark.m_ap = 7.5;
  p.dark.alpha_d = 0.1;
  p.dark.epsilon = 1.5e-3;
  return make_signal_process(p, make_collision(7, 4), "bench");
}

template <class Model>
void run_functor(benchmark::State& state, const Model& model) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  const host::CpuLauncher launcher(static_cast<int>(state.range(1)));
  std::vector<CandidateRow> slots(2 * n);
  std::vector<std::uint8_t> valid(2 * n);
  std::uint64_t first = 0;
  for (auto _ : state) {
    const GenerateCandidates<Model> f{model, {1, 2}, first, 0, 0.03, slots.data(), valid.data()};
    launcher.parallel_for(n, f);
    benchmark::DoNotOptimize(slots.data());
    first += n;  // new events every iteration
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_SignalEvents(benchmark::State& state) { run_functor(state, demo_signal()); }
BENCHMARK(BM_SignalEvents)->Args({1 << 18, 1})->Args({1 << 18, 2})->UseRealTime()->Unit(benchmark::kMillisecond);

// The cocktail, process by process in proportion to the default cross sections.
void BM_CocktailEvents(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  const host::CpuLauncher launcher(static_cast<int>(state.range(1)));
  const Collision col = make_collision(7, 4);
  double total = 0;
  for (const auto& p : background_processes()) total += p.cross_section_fb;
  std::vector<CandidateRow> slots(2 * n);
  std::vector<std::uint8_t> valid(2 * n);
  std::uint64_t first = 0;
  for (auto _ : state) {
    for (int i = 0; i < kBackgroundProcesses; ++i) {
      const auto share = static_cast<std::uint64_t>(n * background_processes()[i].cross_section_fb / total);
      const GenerateCandidates<BackgroundModel> f{background_model(i, col), {1, static_cast<std::uint32_t>(i)}, first,
                                                  0, 0.03, slots.data(), valid.data()};
      launcher.parallel_for(share, f);
    }
    benchmark::DoNotOptimize(slots.data());
    first += n;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_CocktailEvents)->Args({1 << 18, 1})->Args({1 << 18, 2})->UseRealTime()->Unit(benchmark::kMillisecond);

// Rows to columns and into an HDF5 file (shuffle + deflate 1), per candidate.
void BM_WriteCandidates(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  const auto model = demo_signal();
  std::vector<CandidateRow> slots(2 * n), rows;
  std::vector<std::uint8_t> valid(2 * n);
  const GenerateCandidates<SignalProcess> f{model, {1, 2}, 0, 0, 0.03, slots.data(), valid.data()};
  host::CpuLauncher().parallel_for(n, f);
  for (std::uint64_t i = 0; i < 2 * n; ++i)
    if (valid[i]) rows.push_back(slots[i]);
  const auto path = std::filesystem::temp_directory_path() / "darkscan_bench_generator.h5";
  for (auto _ : state) {
    io::EventFileWriter writer(path);
    writer.begin_sample("signal", {{"kind", std::string("signal")}}, to_host_batch(rows, "signal", 0));
    writer.commit();
  }
  std::filesystem::remove(path);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows.size()));
  state.counters["candidates_per_s"] =
      benchmark::Counter(static_cast<double>(rows.size()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_WriteCandidates)->Arg(1 << 18)->UseRealTime()->Unit(benchmark::kMillisecond);

// Floor pieces: Philox uniforms, and a mix of the libm calls the functor makes.
void BM_PhiloxUniform(benchmark::State& state) {
  std::uint64_t k = 0;
  for (auto _ : state) {
    RandomStream rng({1, 2}, k++);
    double s = 0;
    for (int i = 0; i < 60; ++i) s += rng.uniform();
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations() * 60);
}
BENCHMARK(BM_PhiloxUniform);

void BM_LibmMix(benchmark::State& state) {
  double x = 0.3;
  for (auto _ : state) {
    // One of each: the calls come in about this mix, 80 per event.
    double s = std::sin(x) + std::cos(x) + std::atan2(x, 1.3) + std::acos(x * 0.5) + std::log(x + 1) +
               std::exp(-x) + std::sqrt(x + 2) + std::fmod(x * 7, 6.28);
    benchmark::DoNotOptimize(s);
    x = x * 1.0000001 + 1e-9;
  }
  state.SetItemsProcessed(state.iterations() * 8);
}
BENCHMARK(BM_LibmMix);

}  // namespace
}  // namespace darkscan::generator
BENCHMARK_MAIN();
