#pragma once
// The window scan (docs/physics/window-scan.md and docs/physics/statistics.md, `darkscan scan`): for each final state
// the windows of its range, the counts in them and their sidebands over the selected
// data, and for every lifetime of the grid p0, Z and the upper limit on
// σ_sig = σ_prod × B(chi2 -> chi1 e+e-) × B(h' -> x+x-), all experiments in one batch of
// the statistics engine; then the combination of the final states on a common mass grid.
//
// The signal model gives one mass resolution per signal point, the same at every cτ(h'),
// so a final state's windows, counts and p0 are shared by all lifetimes: each window is
// counted once, and only the efficiency (and so the limit) changes with the lifetime.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "config/config.hpp"
#include "darkscan/physics/particles.hpp"
#include "selection/selected_data.hpp"
#include "scan/window_grid.hpp"
#include "signal_model/signal_model.hpp"
#include "work_split.hpp"

namespace darkscan::scan {

// Why a row has no limit (the `limit_status` column).
enum LimitStatus : std::int8_t {
  kLimitOk = 0,
  kNoEfficiency = 1,           // zero or untrusted efficiency, or outside the simulated masses
  kUncertaintyTooLarge = 2,    // efficiency uncertainty >= 0.2 under the Gaussian prior (use lognormal)
  kLimitNotConverged = 3,      // the root finder ran out of iterations
};
inline constexpr const char* kLimitStatusNames[] = {"ok", "no efficiency", "efficiency uncertainty >= 0.2",
                                                   "not converged"};

// One row per (final state, cτ, window), final states then lifetimes then masses.
struct ScanTable {
  std::vector<std::int8_t> final_state;
  std::vector<double> ctau_cm, mass, sigma_mass, window_lo, window_hi;
  std::vector<std::int64_t> n_obs, n_sb;
  std::vector<double> f, delta, efficiency, eff_rel_unc, p0, z, ul_events, ul_xsec_fb;
  std::vector<std::int8_t> limit_status;
  std::vector<std::int32_t> stats_flags;  // stats::StatsFlag bits

  std::size_t size() const { return mass.size(); }
};

// One row per (cτ, grid mass): the product of the open final states' p0.
struct CombinedTable {
  std::vector<double> ctau_cm, mass, p0, z;
  std::vector<std::int8_t> channels;  // final states whose windows cover the mass
  std::array<std::vector<std::int64_t>, physics::kFinalStates> row;  // their /scan rows, -1 when closed

  std::size_t size() const { return mass.size(); }
};

struct ScanResult {
  std::vector<double> ctau_cm;
  std::array<std::vector<WindowGeometry>, physics::kFinalStates> windows;
  std::array<std::size_t, physics::kFinalStates> events{};
  ScanTable rows;
  CombinedTable combined;
  std::array<std::size_t, 4> missing_limits{};  // rows per LimitStatus
  std::size_t experiments_computed = 0;        // distinct experiments the statistics engine computed
  double count_seconds = 0;
  double statistics_seconds = 0;
  std::vector<std::string> notes;  // for the user, e.g. a final state without selected candidates
};

// The final states of scan.final_states, ascending, each once.
std::vector<int> scanned_final_states(const config::Config& config);

// Refuses (InputError naming scan.window_step_sigma and the rows) windows x lifetimes
// beyond config::kMaxScanRows rows or the memory (resources.hpp), before a row is made.
void check_scan_size(const config::Config& config,
                     const std::array<std::vector<WindowGeometry>, physics::kFinalStates>& windows,
                     std::size_t lifetimes);

// The windows of every scanned final state (empty for the others), from the model's
// σ(m); InputError naming `model_path` or the key when the model does not cover the
// scan (see run_scan).
std::array<std::vector<WindowGeometry>, physics::kFinalStates> scan_windows(const config::Config& config,
                                                                            const signal_model::SignalModel& model,
                                                                            const std::string& model_path);

// The lifetimes of the config's [signal_model] grid, as indices into the model's grid;
// InputError naming `model_path` when the model does not hold one of them.
std::vector<std::size_t> lifetime_indices(const config::Config& config, const signal_model::SignalModel& model,
                                          const std::string& model_path);

// InputError naming the file or the key on a model that does not cover the scan, a
// final state without signal points, or a statistics setting the engine refuses.
//
// `shard` (docs/cluster.md): shard K of N computes the windows and counts of every row,
// as they are cheap, but the statistics of its rows only (shard_range over the rows): its
// result holds those rows, and no combination; merge_scan_rows joins the shards' rows.
ScanResult run_scan(Backend& backend, const config::Config& config, const selection::SelectedData& data,
                    const signal_model::SignalModel& model, const std::string& model_path, Shard shard = {});

// The result of every row of a scan, given in row order (the shards' rows joined): the
// windows and lifetimes read from the rows, the rows without a limit counted and the
// final states combined, as run_scan does for the whole scan.
ScanResult merge_scan_rows(ScanTable rows);

// The rows [range.begin, range.end) of `rows`.
ScanTable slice_rows(const ScanTable& rows, IndexRange range);

// Index of the row with the largest Z (the first of equals); -1 for an empty table.
std::int64_t largest_excess(const ScanTable& rows);

}  // namespace darkscan::scan
