#pragma once
// What a backend needs besides the experiments to run the statistics of a batch: the
// options (credibility level, priors) and the plan, the table of Gauss rules the batch
// integrates with and which of them each experiment takes, for single experiments
// (marginalise.hpp) and for combinations of final states (combined_limit.hpp). Plain
// types: the planning itself (validation, quadrature orders) is host/stats/stats_plan.hpp
// and host/stats/combined_plan.hpp, above the backends.
#include <cstdint>
#include <vector>

#include "darkscan/stats/combined_limit.hpp"
#include "darkscan/stats/counting_experiment.hpp"
#include "darkscan/stats/gauss_rule.hpp"
#include "darkscan/stats/marginalise.hpp"

namespace darkscan::stats {

struct StatsOptions {
  double credibility = kDefaultCredibility;
  NuisancePrior nuisance_prior = NuisancePrior::gaussian;
  SignalPrior signal_prior = SignalPrior::uniform;
};

struct StatsPlan {
  std::vector<GaussRule> rules;
  std::vector<RuleChoice> choices;  // one per experiment
  std::int32_t legendre = -1;       // the Gauss–Legendre rule of the Jeffreys prior, when asked for

  // The per-experiment functor over this plan's rules (pointers into `rules` or a device copy).
  MarginaliseExperiment functor(const CountingExperiment* experiment_data, const RuleChoice* choice_data,
                                const GaussRule* rule_table, StatsResult* results, const StatsOptions& options) const {
    return {experiment_data, choice_data, rule_table, results, options.credibility, options.nuisance_prior,
            options.signal_prior, legendre};
  }
};

struct CombinedPlan {
  std::vector<GaussRule> rules;
  std::vector<CombinedChoice> choices;

  CombineExperiments functor(const CombinedExperiment* experiment_data, const CombinedChoice* choice_data,
                             const GaussRule* rule_table, CombinedResult* results, const StatsOptions& options) const {
    return {experiment_data, choice_data, rule_table, results, options.credibility, options.nuisance_prior};
  }
};

}  // namespace darkscan::stats
