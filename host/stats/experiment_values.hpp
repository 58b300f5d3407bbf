#pragma once
// The rules a value of a counting experiment must meet before the statistics engine
// takes it, one field at a time: the same rules, in the same words, for the rows of
// `darkscan stats` (stats/experiment_csv.hpp) and the arrays of the Python package's
// darkscan.stats.evaluate (docs/python.md#errors), which name the line or the element.
#include <array>
#include <string>
#include <string_view>

#include "darkscan/stats/experiment_columns.hpp"
#include "darkscan/stats/plan.hpp"

namespace darkscan::stats {

// The fields of an experiment (ExperimentField) are the core's (experiment_columns.hpp).
inline constexpr std::array<std::string_view, kExperimentFields> kExperimentFieldNames{
    "n_obs", "n_sb", "f", "delta", "eff_rel_unc", "lumi_rel_unc"};

// Why `value` cannot be field `field` of an experiment, "" when it can: it must be finite;
// n_obs and n_sb counts (non-negative integers) within the engine's limits (kMaxObserved,
// kMaxSideband); f, delta and the relative uncertainties as check_experiment says under
// `options` (the decision is stats::value_accepted's, which the device applies too).
// `text` is the value as the user wrote it, echoed where the reason quotes it.
std::string experiment_value_problem(ExperimentField field, double value, std::string_view text,
                                     const StatsOptions& options);
// The same, echoing the value as fmt writes a double ("-1", "2.5", "nan"); it is
// formatted only for a value that is refused.
std::string experiment_value_problem(ExperimentField field, double value, const StatsOptions& options);

}  // namespace darkscan::stats
