#pragma once
// Preparing combinations of final states for the statistics engine
// (darkscan/stats/combined_limit.hpp): validation, the rules of every channel's shape
// nuisance and of the shared efficiency and luminosity nuisances.
#include <span>
#include <vector>

#include "darkscan/stats/combined_limit.hpp"
#include "stats/stats_plan.hpp"

namespace darkscan::stats {

struct CombinedPlan {
  std::vector<GaussRule> rules;
  std::vector<CombinedChoice> choices;

  CombineExperiments functor(const CombinedExperiment* experiment_data, const CombinedChoice* choice_data,
                             const GaussRule* rule_table, CombinedResult* results, const StatsOptions& options) const {
    return {experiment_data, choice_data, rule_table, results, options.credibility, options.nuisance_prior};
  }
};

// InputError "combination i: ..." for 0 or more than kMaxChannels channels, a
// non-positive or non-finite signal rate, a total count above kMaxCombinedObserved, a
// channel check_experiment refuses, or the Jeffreys prior (not available for combinations).
CombinedPlan plan_combination(std::span<const CombinedExperiment> experiments, const StatsOptions& options);

}  // namespace darkscan::stats
