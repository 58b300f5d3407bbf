#pragma once
// Counting experiments as CSV, for `darkscan stats` (a calculator for reinterpretation).
// Input: a header line naming the columns n_obs, n_sb, f, delta, eff_rel_unc,
// lumi_rel_unc and optionally eff and lumi_fb (any order, other columns refused), then
// one experiment per line. Blank lines and lines starting with '#' are skipped.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "darkscan/stats/counting_experiment.hpp"
#include "stats/stats_plan.hpp"

namespace darkscan::stats {

struct ExperimentTable {
  std::vector<CountingExperiment> experiments;
  std::vector<double> eff;      // empty unless the input has the column
  std::vector<double> lumi_fb;  // empty unless the input has the column
  std::vector<int> lines;       // input line of each experiment, for messages
  std::string source;           // the file read, for messages
};

// Reads and validates the file: InputError "file:line: column 'x': reason" on the first
// bad value (missing, non-numeric, NaN, negative, out of range, or a relative
// uncertainty the chosen nuisance prior cannot take). A UTF-8 byte-order mark before the
// header is skipped; text echoed in a message is printable().
ExperimentTable read_experiment_csv(const std::filesystem::path& path, const StatsOptions& options);

// InputError "file:line: column 'eff': ..." for the first row whose finite ul_events
// gives no finite ul_xsec_fb (eff x lumi_fb too small): such a row is refused, never
// written as inf (docs/commands/stats.md#exit-status).
void check_cross_section_limits(const ExperimentTable& table, const std::vector<StatsResult>& results);

// Writes the input columns followed by p0, z, ul_events, ul_xsec_fb (when eff and
// lumi_fb were given) and flags, 17 significant digits, atomically.
void write_results_csv(const std::filesystem::path& path, const ExperimentTable& table,
                       const std::vector<StatsResult>& results);

}  // namespace darkscan::stats
