#pragma once
// Preparing a batch of counting experiments for the statistics engine: validation of
// every experiment, the choice of quadrature orders from the requested accuracy, and
// the table of Gauss rules the batch needs (built once, shared by all experiments). The
// options and the plan are plain types of the core (darkscan/stats/plan.hpp), which the
// backends take.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "darkscan/stats/counting_experiment.hpp"
#include "darkscan/stats/marginalise.hpp"
#include "darkscan/stats/plan.hpp"

namespace darkscan::stats {

// Options from the names the config keys and command-line options use ("gaussian" |
// "lognormal", "uniform" | "jeffreys"; their parsers have checked them).
StatsOptions stats_options(double credibility, std::string_view nuisance_prior, std::string_view signal_prior);

// Why the experiment cannot be computed ("" when it can): names the field and the
// value, and for a relative uncertainty of 0.2 or more under the Gaussian prior points
// to the log-normal one (with a flat signal prior the posterior would be improper).
std::string check_experiment(const CountingExperiment& e, const StatsOptions& options);

// InputError "experiment i: ..." at the first experiment check_experiment refuses, or
// for a credibility level outside (0, 1).
void validate_batch(std::span<const CountingExperiment> experiments, const StatsOptions& options);

// Validates the batch (as validate_batch) and plans it.
StatsPlan plan_statistics(std::span<const CountingExperiment> experiments, const StatsOptions& options);

// Quadrature orders (exposed for the tests that verify them against the reference).
std::vector<int> shape_rule_ladder(const CountingExperiment& e);
int factor_rule_order(double rel_unc, int n_obs, NuisancePrior prior);

}  // namespace darkscan::stats
