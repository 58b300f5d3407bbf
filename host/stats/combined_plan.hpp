#pragma once
// Preparing combinations of final states for the statistics engine
// (darkscan/stats/combined_limit.hpp): validation, the rules of every channel's shape
// nuisance and of the shared efficiency and luminosity nuisances, into the core's
// CombinedPlan (darkscan/stats/plan.hpp).
#include <span>
#include <vector>

#include "darkscan/stats/combined_limit.hpp"
#include "darkscan/stats/plan.hpp"
#include "stats/stats_plan.hpp"

namespace darkscan::stats {

// InputError "combination i: ..." for 0 or more than kMaxChannels channels, a
// non-positive or non-finite signal rate, a total count above kMaxCombinedObserved, a
// channel check_experiment refuses, or the Jeffreys prior (not available for combinations).
CombinedPlan plan_combination(std::span<const CombinedExperiment> experiments, const StatsOptions& options);

}  // namespace darkscan::stats
