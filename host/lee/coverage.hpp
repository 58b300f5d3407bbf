#pragma once
// Frequentist coverage of the Bayesian upper limits at a few scan rows: the share of
// signal-plus-background toys whose limit lies above the true signal, with its binomial
// uncertainty, reported as it comes (not tuned).
//
// Truth at a row: signals of 0.5, 1.5 and 3 times its median expected limit (in events:
// not the limit itself, which the limit at the median count equals exactly, a tie that
// discreteness would turn into coverage), the background of
// the sideband μ = N_SB + 1 (the flat-prior posterior mean) with the shape, efficiency
// and luminosity factors at their nominal values. Toy k: N_SB' ~ Pois(μ),
// n' ~ Pois(s + μ/f), and the limit from (n', N_SB', f, δ, r_ε, r_L) as the scan computes it.
#include <cstdint>
#include <vector>

#include "backend/backend.hpp"
#include "lee/expected_limits.hpp"
#include "scan/scan.hpp"
#include "work_split.hpp"

namespace darkscan::lee {

inline constexpr double kCoverageSignals[] = {0.5, 1.5, 3.0};  // × the median expected limit

struct CoveragePoint {
  std::size_t row = 0;
  double signal_factor = 0;   // s / the median expected limit
  double true_events = 0;     // s
  double true_background = 0; // μ, the sideband's expectation
  std::uint64_t toys = 0;
  std::uint64_t covered = 0;  // toys whose limit is at least s
  double coverage = 0, coverage_unc = 0;
};

// The rows tested: for each final state the row half-way through its rows with a limit,
// and the row of the largest local excess when it has a limit.
std::vector<std::size_t> coverage_rows(const scan::ScanTable& rows);

// One point per tested row and signal, `median_events[j]` the median expected limit in
// events of row points[j] (/expected ul_events_median). Toys k of `toys` are drawn: a
// shard's range (docs/cluster.md), toy k the same in any range; `toys` and `covered`
// count those, and finish_coverage gives the coverage of the counts of every range.
std::vector<CoveragePoint> coverage(Backend& backend, const scan::ScanTable& rows,
                                    const std::vector<double>& median_events, const std::vector<std::size_t>& points,
                                    double luminosity_rel_unc, const stats::StatsOptions& options, std::uint64_t seed,
                                    IndexRange toys);

// coverage and coverage_unc from toys and covered.
void finish_coverage(CoveragePoint& point);

// A Poisson count by inversion from the mode (core/count_inversion.hpp; exact for any
// mean; `u` uniform in (0, 1]). The generator's data counts invert the CDF instead
// (generator/generate_plan.cpp): another count for the same `u`, so the two stay apart.
std::int64_t poisson_count(double u, double mean);

}  // namespace darkscan::lee
