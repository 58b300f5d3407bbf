#pragma once
// The statistics engine's entry point for a batch: validation and planning, removal
// of repeated experiments where that pays, the backend's marginalisation, and the
// results put back in the caller's order.
//
// Scans repeat experiments: windows share n_obs, n_sb, f and δ across lifetimes whose
// σ(m) is the same, and the limit in signal events does not depend on the efficiency
// itself, only on its relative uncertainty. Finding the repeats costs a hash per
// experiment (~0.1 µs); computing one costs ~3 µs on a CPU core and ~0.01 µs on a GPU.
// So by default (Dedup::automatic) repeats are removed on a backend where that pays
// (Backend::removing_repeats_pays: the CPU) when a sample of the batch shows a few per
// cent of them, and never on CUDA, where the hashing would cost more than it saves
// (benchmarks/bench_statistics measures both).
#include <span>
#include <vector>

#include "backend/backend.hpp"
#include "stats/stats_plan.hpp"

namespace darkscan::stats {

enum class Dedup { automatic, always, never };

struct BatchReport {
  std::size_t experiments = 0;
  std::size_t computed = 0;  // distinct experiments sent to the backend
};

std::vector<StatsResult> marginalise_batch(Backend& backend, std::span<const CountingExperiment> experiments,
                                           const StatsOptions& options, Dedup dedup = Dedup::automatic,
                                           BatchReport* report = nullptr);

}  // namespace darkscan::stats
