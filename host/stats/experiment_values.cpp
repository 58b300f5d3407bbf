#include "stats/experiment_values.hpp"

#include <fmt/format.h>

#include <cmath>

#include "stats/stats_plan.hpp"

namespace darkscan::stats {

namespace {

// `written` is the value's text, or empty for the value as fmt writes it.
std::string value_problem(ExperimentField field, double value, std::string_view written, const StatsOptions& options) {
  if (value_accepted(field, value, options.nuisance_prior)) return {};
  const auto text = [&] { return written.empty() ? fmt::format("{}", value) : std::string(written); };
  if (!std::isfinite(value)) return fmt::format("{} is not a finite number", text());
  if (field == kNObsField || field == kNSbField) {
    if (value != std::trunc(value) || value < 0) return fmt::format("{} is not a count (a non-negative integer)", text());
    // Counts beyond what the engine's integers take are refused naming the limit (and
    // before the conversion to int, which could not hold them).
    if (field == kNObsField && value > kMaxObserved)
      return fmt::format("n_obs = {} is above the largest supported count, {}", text(), kMaxObserved);
    if (field == kNSbField && value > kMaxSideband)
      return fmt::format("{} is above {}, the largest sideband count the engine takes (n_obs + n_sb must fit a "
                         "32-bit integer)",
                         text(), kMaxSideband);
    return {};
  }
  // The other fields' rules are check_experiment's, asked of an experiment that differs
  // from a valid one in this field alone, so that its reason is the one given here.
  CountingExperiment e;
  if (field == kFField) e.f = value;
  else if (field == kDeltaField) e.delta = value;
  else if (field == kEffRelUncField) e.eff_rel_unc = value;
  else e.lumi_rel_unc = value;
  return check_experiment(e, options);
}

}  // namespace

std::string experiment_value_problem(ExperimentField field, double value, std::string_view text,
                                     const StatsOptions& options) {
  return value_problem(field, value, text.empty() ? std::string_view("''") : text, options);
}

std::string experiment_value_problem(ExperimentField field, double value, const StatsOptions& options) {
  return value_problem(field, value, {}, options);
}

}  // namespace darkscan::stats
