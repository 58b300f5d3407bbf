#include "stats/stats_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "errors.hpp"
#include "stats/truncated_normal_rule.hpp"

namespace darkscan::stats {

namespace {
constexpr double kTruncation = 5.0;  // every Gaussian nuisance is truncated to ±5σ (ANALYSIS.md section 5)
}

std::string check_experiment(const CountingExperiment& e, const StatsOptions& options) {
  if (e.n_obs < 0) return fmt::format("n_obs = {} is negative", e.n_obs);
  if (e.n_obs > kMaxObserved) return fmt::format("n_obs = {} is above the largest supported count, {}", e.n_obs, kMaxObserved);
  if (e.n_sb < 0) return fmt::format("n_sb = {} is negative", e.n_sb);
  if (!std::isfinite(e.f) || e.f <= 0) return fmt::format("f = {} must be a positive number", e.f);
  if (!std::isfinite(e.delta) || e.delta < 0) return fmt::format("delta = {} must be a number >= 0", e.delta);
  for (const auto& [name, r] : {std::pair{"eff_rel_unc", e.eff_rel_unc}, std::pair{"lumi_rel_unc", e.lumi_rel_unc}}) {
    if (!std::isfinite(r) || r < 0) return fmt::format("{} = {} must be a number >= 0", name, r);
    if (options.nuisance_prior == NuisancePrior::gaussian && r >= 0.2)
      return fmt::format("{} = {} is 0.2 or more: under the Gaussian prior the factor 1 + {}·y reaches zero within "
                         "5 sigma and the posterior is improper; use --nuisance-prior lognormal",
                         name, r, r);
  }
  return {};
}

int shape_rule_order(const CountingExperiment& e) {
  if (e.delta == 0) return 0;
  // The x integrands are close to (1 + xδ)^k φ(x) for k up to N: a rule of N/2 + 1
  // nodes integrates those exactly; the margin covers the rest of the dependence.
  return std::min(kMaxGaussNodes, 16 + e.n_obs / 2);
}

int factor_rule_order(double rel_unc, NuisancePrior prior) {
  if (rel_unc == 0) return 0;
  // The spread of the factor over ±5σ sets how far the integrand in u departs from a
  // low-degree polynomial.
  const double spread = prior == NuisancePrior::lognormal ? std::log1p(rel_unc) : rel_unc;
  if (spread <= 0.005) return 4;
  if (spread <= 0.02) return 6;
  if (spread <= 0.05) return 8;
  if (spread <= 0.1) return 12;
  if (spread <= 0.2) return 16;
  if (spread <= 0.4) return 24;
  return 32;
}

StatsPlan plan_statistics(std::span<const CountingExperiment> experiments, const StatsOptions& options) {
  if (!(options.credibility > 0 && options.credibility < 1))
    throw_input_error("credibility level {} must lie strictly between 0 and 1", options.credibility);
  StatsPlan plan;
  plan.choices.resize(experiments.size());
  std::map<std::pair<int, double>, std::int32_t> index;  // (order, lower edge) -> rule
  auto rule = [&](int order, double lo) -> std::int32_t {
    if (order == 0) return -1;
    const auto key = std::pair{order, lo};
    if (const auto it = index.find(key); it != index.end()) return it->second;
    plan.rules.push_back(truncated_normal_rule(order, lo, kTruncation));
    return index[key] = static_cast<std::int32_t>(plan.rules.size() - 1);
  };
  for (std::size_t i = 0; i < experiments.size(); ++i) {
    const auto& e = experiments[i];
    if (const std::string why = check_experiment(e, options); !why.empty()) throw_input_error("experiment {}: {}", i, why);
    // x is also truncated to a positive background factor, 1 + xδ > 0.
    const double x_lo = e.delta > 0 ? std::max(-kTruncation, -1.0 / e.delta) : -kTruncation;
    plan.choices[i] = {rule(shape_rule_order(e), x_lo), rule(factor_rule_order(e.eff_rel_unc, options.nuisance_prior), -kTruncation),
                       rule(factor_rule_order(e.lumi_rel_unc, options.nuisance_prior), -kTruncation)};
  }
  return plan;
}

}  // namespace darkscan::stats
