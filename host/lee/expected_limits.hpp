#pragma once
// Expected limits of every scan row under the background-only hypothesis: the median
// and the ±1σ, ±2σ bands. At a fixed sideband count the limit rises with n_obs, so its
// quantiles are the limits at the quantiles of n_obs's predictive distribution given
// the observed sideband (background only, the scan's μ and x marginalised),
//   P(n) = ∫dμ ∫dx Pois(n; μ(1 + xδ)/f) Pois(N_SB; μ) φ(x),
// and they are computed exactly that way: no toys.
#include <array>
#include <cstdint>
#include <vector>

#include "backend/backend.hpp"
#include "scan/scan.hpp"
#include "work_split.hpp"

namespace darkscan::lee {

inline constexpr int kBands = 5;
// Φ(−2), Φ(−1), 1/2, Φ(1), Φ(2).
inline constexpr double kBandProbabilities[kBands] = {0.022750131948179195, 0.15865525393145707, 0.5,
                                                       0.8413447460685429, 0.9772498680518208};
inline constexpr const char* kBandNames[kBands] = {"m2", "m1", "median", "p1", "p2"};

// The smallest n with P(n' <= n) >= each band's probability, for one window; −1 where
// that n is beyond the statistics engine's largest count.
std::array<std::int64_t, kBands> predictive_quantiles(std::int64_t n_sb, double f, double delta);

struct ExpectedLimits {
  std::array<std::vector<std::int64_t>, kBands> n_obs;  // [band][row]
  std::array<std::vector<double>, kBands> ul_events;    // NaN where the row has no limit
  std::array<std::vector<double>, kBands> ul_xsec_fb;
};

// For every row of a scan (its limit_status says which have limits), one batch of the
// statistics engine over the distinct (n, row) pairs.
ExpectedLimits expected_limits(Backend& backend, const scan::ScanTable& rows, double luminosity_fb,
                               double luminosity_rel_unc, const stats::StatsOptions& options);
// The same for the rows of `range` only (a shard's, docs/cluster.md): element j is row
// range.begin + j, equal bit for bit to that row of the whole scan's (each experiment's
// limit does not depend on the batch it is computed in).
ExpectedLimits expected_limits(Backend& backend, const scan::ScanTable& rows, double luminosity_fb,
                               double luminosity_rel_unc, const stats::StatsOptions& options, IndexRange range);

// Appends `more`'s rows to `to`'s (the next range's).
void append_rows(ExpectedLimits& to, const ExpectedLimits& more);

}  // namespace darkscan::lee
