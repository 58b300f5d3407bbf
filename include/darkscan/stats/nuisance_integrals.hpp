#pragma once
// The nuisance integrals of docs/physics/statistics.md that the single experiment
// (marginalise.hpp) and the combination of final states (combined_limit.hpp) share:
// the background coefficients A_j = E_x[NB(N − j; b(x))] with p0, integrated over the
// shape nuisance x on a ladder of rules, and the nodes of the efficiency and luminosity
// factors. Free functions of the rule table they read, so that each caller passes only
// what it has.
#include <cmath>
#include <cstdint>

#include "darkscan/core/macros.hpp"
#include "darkscan/stats/background_model.hpp"
#include "darkscan/stats/counting_experiment.hpp"
#include "darkscan/stats/gauss_rule.hpp"

namespace darkscan::stats {

// Which rules of a rule table an experiment integrates with; -1: that nuisance is off.
struct RuleChoice {
  std::int32_t x = -1;  // background shape, on [max(−5, −1/δ), 5]: the first of a ladder
  std::int32_t x_count = 0;  // rules in the ladder, of rising order, stored one after another
  std::int32_t y = -1;  // efficiency, on [−5, 5]
  std::int32_t z = -1;  // luminosity, on [−5, 5]
};

// Two successive rules of the shape ladder must agree this well (relative); the higher
// one is then accurate far beyond it, since Gauss rules converge geometrically here.
inline constexpr double kShapeTolerance = 1e-10;

// p0 and the scaled A_j by one rule (nullptr: x = 0 only); returns p0. At each node
// NB(k; b) is unimodal in k with its mode at ⌊M b⌋: one exp there, and ratios
// NB(k ± 1)/NB(k) outwards, which only shrink, so nothing overflows.
DS_FUNCTION inline double shape_integral(const CountingExperiment& e, const GaussRule* rule, const double* log_c,
                                         double* a) {
  const int n = e.n_obs;
  const int m = e.n_sb;
  const int nodes = rule ? rule->n : 1;
  double b_node[kMaxGaussNodes];
  double log_peak[kMaxGaussNodes];  // log NB at the mode, clamped to 0..N
  int mode[kMaxGaussNodes];
  double scale = -HUGE_VAL;
  double p0 = 0.0;
  for (int q = 0; q < nodes; ++q) {
    const double x = rule ? rule->x[q] : 0.0;
    const double w = rule ? rule->w[q] : 1.0;
    const double b = (1.0 + x * e.delta) / e.f;
    b_node[q] = b;
    p0 += w * background_tail(n, m, b, log_c[n]);
    const double k_mode = floor(m * b);
    mode[q] = k_mode < n ? static_cast<int>(k_mode) : n;
    log_peak[q] = log_negative_binomial(mode[q], m, log_c[mode[q]], log(b), log1p(b));
    scale = log_peak[q] > scale ? log_peak[q] : scale;
  }
  for (int j = 0; j <= n; ++j) a[j] = 0.0;
  for (int q = 0; q < nodes; ++q) {
    const double w = rule ? rule->w[q] : 1.0;
    const double p = b_node[q] / (1.0 + b_node[q]);
    // NB(k + 1)/NB(k) = (k + M + 1)/(k + 1) · p.
    const double peak = w * exp(log_peak[q] - scale);
    double term = peak;
    for (int k = mode[q]; k <= n; ++k) {
      a[n - k] += term;
      term *= (k + m + 1.0) / (k + 1.0) * p;
    }
    term = peak;
    for (int k = mode[q]; k > 0; --k) {
      term *= k / ((k + m) * p);
      a[n - k + 1] += term;
    }
  }
  // P(N >= 0) is 1 exactly, while the rule's weights sum to 1 only to rounding (a few
  // 1e-15 short, which made an empty window's Z about −8 rather than −∞).
  if (n == 0) return 1.0;
  return p0 < 1.0 ? p0 : 1.0;
}

// Two rules agree when p0 and every A_j as a share of their sum (each rule has its
// own scale) differ by less than kShapeTolerance, relative.
DS_FUNCTION inline bool shape_rules_agree(double p0_a, double p0_b, const double* a, const double* b, int n) {
  if (fabs(p0_a - p0_b) > kShapeTolerance * p0_b) return false;
  double sum_a = 0.0, sum_b = 0.0;
  for (int j = 0; j <= n; ++j) {
    sum_a += a[j];
    sum_b += b[j];
  }
  if (!(sum_a > 0.0 && sum_b > 0.0)) return false;
  for (int j = 0; j <= n; ++j)
    if (fabs(a[j] / sum_a - b[j] / sum_b) > kShapeTolerance * (b[j] / sum_b) + 1e-16) return false;
  return true;
}

// p0 and A_j = E_x[NB(N − j; b(x))] / scale (one common scale, which cancels in the
// limit), with the shape rules `c` picks from `rules`. The x integral is the one place
// where the integrand can outrun a rule: with a large, well-measured sideband and a
// count far below it, NB(N; b(x)) peaks sharply in x. So it is taken on a ladder of
// rules of rising order until two successive ones agree to kShapeTolerance, and the
// experiment is flagged when the ladder runs out.
DS_FUNCTION inline void background_coefficients(const CountingExperiment& e, const RuleChoice& c,
                                                const GaussRule* rules, double* a, StatsResult& r) {
  const int n = e.n_obs;
  double log_c[kMaxObserved + 1];
  log_binomial_coefficients(n, e.n_sb, log_c);
  if (c.x < 0) {  // δ = 0: the single node x = 0
    r.p0 = shape_integral(e, nullptr, log_c, a);
    return;
  }
  // Each rule is summed into `a` and p0, so that an unverified ladder (one whose rules
  // never agree, or a ladder of one rule) leaves its highest rule's result with
  // kIllConditioned (docs/physics/statistics.md#flags: flags 2, accuracy below target), never
  // an unwritten `a`: the limit is computed from it whatever the flag.
  r.p0 = shape_integral(e, &rules[c.x], log_c, a);
  double previous[kMaxObserved + 1];
  for (int step = 1; step < c.x_count; ++step) {
    const double previous_p0 = r.p0;
    for (int j = 0; j <= n; ++j) previous[j] = a[j];
    r.p0 = shape_integral(e, &rules[c.x + step], log_c, a);
    if (shape_rules_agree(previous_p0, r.p0, previous, a, n)) return;
  }
  r.flags |= kIllConditioned;
}

// Nodes of one signal-factor nuisance, rules[rule_index] (-1: off, the single factor 1):
// the factor (1 + u r) (Gaussian prior) or (1 + r)^u (log-normal) at each node u of the
// rule, and the weights. Returns the count; factor and weight hold kMaxFactorNodes, the
// most factor_rule_order gives these rules.
DS_FUNCTION inline int signal_factor_nodes(const GaussRule* rules, int rule_index, NuisancePrior prior, double r,
                                           double* factor, double* weight) {
  if (rule_index < 0) {
    factor[0] = 1.0;
    weight[0] = 1.0;
    return 1;
  }
  const GaussRule& rule = rules[rule_index];
  const double log1p_r = log1p(r);
  for (int q = 0; q < rule.n; ++q) {
    factor[q] = prior == NuisancePrior::lognormal ? exp(rule.x[q] * log1p_r) : 1.0 + rule.x[q] * r;
    weight[q] = rule.w[q];
  }
  return rule.n;
}

}  // namespace darkscan::stats
