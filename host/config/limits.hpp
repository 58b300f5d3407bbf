#pragma once
// Limits on the sizes a config implies, checked when it is read (config.cpp) or, where
// the size needs data too, by the stage (the scan's windows and rows), so that a value
// that would need more memory than any analysis uses is refused in one line naming the
// key rather than ending a stage in bad_alloc (docs/bad-input.md). Each key's
// documentation (docs/reference/config.md) names its limit. Generous: the paper's settings
// need a few percent of each.
#include <cstdint>

#include "config/config.hpp"

namespace darkscan::config {

inline constexpr std::int64_t kMaxLifetimePoints = 1000;  // points of the cτ(h') grid, and of the cτ(chi2) grid
inline constexpr std::int64_t kMaxChi2MapCells = 100000;  // cτ(h') x cτ(chi2) cells of one signal point's map
inline constexpr std::int64_t kMaxWindows = 1000000;      // windows of one final state
inline constexpr std::int64_t kMaxScanRows = 20000000;    // /scan rows: windows x lifetimes
inline constexpr double kMinWindowSigma = 0.01;           // least window half width and step, in sigma(m)

// Points of the log-spaced grid of `per_decade` points a decade over [range.lo, range.hi],
// both ends included (what signal_model::log_grid makes).
std::int64_t log_grid_points(const Interval& range, int per_decade);

}  // namespace darkscan::config
