#include "stats/combined_plan.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "errors.hpp"
#include "stats/truncated_normal_rule.hpp"

namespace darkscan::stats {

CombinedPlan plan_combination(std::span<const CombinedExperiment> experiments, const StatsOptions& options) {
  if (options.signal_prior == SignalPrior::jeffreys)
    throw_input_error("the Jeffreys prior is not available for combinations of final states (uniform only)");
  std::vector<CountingExperiment> flat;
  for (std::size_t i = 0; i < experiments.size(); ++i) {
    const auto& ex = experiments[i];
    if (ex.channels < 1 || ex.channels > kMaxChannels)
      throw_input_error("combination {}: {} channels (1 to {})", i, ex.channels, kMaxChannels);
    int total = 0;
    for (int k = 0; k < ex.channels; ++k) {
      if (!(ex.rate[k] > 0) || !std::isfinite(ex.rate[k]))
        throw_input_error("combination {}: channel {}: signal rate {} must be positive", i, k, ex.rate[k]);
      if (const std::string why = check_experiment(ex.channel[k], options); !why.empty())
        throw_input_error("combination {}: channel {}: {}", i, k, why);
      total += ex.channel[k].n_obs;
      flat.push_back(ex.channel[k]);
    }
    if (total > kMaxCombinedObserved)
      throw_input_error("combination {}: {} events in all, above the largest supported {}", i, total,
                        kMaxCombinedObserved);
  }
  StatsPlan single = plan_statistics(flat, options);
  CombinedPlan plan;
  plan.rules = std::move(single.rules);
  std::map<int, std::int32_t> factor_rules;  // order -> rule on [−5, 5]
  auto factor_rule = [&](int order) -> std::int32_t {
    if (order == 0) return -1;
    if (const auto it = factor_rules.find(order); it != factor_rules.end()) return it->second;
    plan.rules.push_back(truncated_normal_rule(order, -5.0, 5.0));
    return factor_rules[order] = static_cast<std::int32_t>(plan.rules.size() - 1);
  };
  std::size_t next = 0;
  for (const auto& ex : experiments) {
    CombinedChoice c;
    int total = 0, y_order = 0;
    for (int k = 0; k < ex.channels; ++k) total += ex.channel[k].n_obs;
    for (int k = 0; k < ex.channels; ++k) {
      c.channel[k] = single.choices[next++];
      // The shared y rule: the order the most demanding channel would need for all the events.
      y_order = std::max(y_order, factor_rule_order(ex.channel[k].eff_rel_unc, total, options.nuisance_prior));
    }
    c.y = factor_rule(y_order);
    c.z = factor_rule(factor_rule_order(ex.channel[0].lumi_rel_unc, total, options.nuisance_prior));
    plan.choices.push_back(c);
  }
  return plan;
}

}  // namespace darkscan::stats
