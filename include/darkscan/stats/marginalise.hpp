#pragma once
// One counting experiment through the statistics of ANALYSIS.md section 5: the local
// p-value and significance of the background-only hypothesis, and the Bayesian upper
// limit on the signal with a uniform prior, every nuisance marginalised. The same
// functor runs on the CPU launcher and in the CUDA kernel.
//
// The limit, in closed form as far as it goes. With NB(n; b) the background
// predictive (background_model.hpp) and λ = s·g the expected signal, g the product of
// the efficiency and luminosity factors,
//   L(s | x, y, z) = Σ_{j=0..N} Pois(j; g s) NB(N − j; b(x)),
// so with A_j = E_x[NB(N − j; b(x))] (summed once per experiment over the x rule),
//   ∫_S^∞ L ds = E_{y,z}[ (1/g) e^{−gS} Σ_i B_i (gS)^i / i! ],   B_i = Σ_{j ≥ i} A_j,
//   ∫_0^∞ L ds = E_{y,z}[ B_0 / g ],   d/dS ∫_0^S L ds = E_{y,z}[ e^{−gS} Σ_j A_j (gS)^j / j! ].
// The limit solves tail(S) = (1 − cl)·total by Halley steps on that derivative inside a
// bracket that always holds the root, bisecting whenever a step leaves it.
#include <cmath>
#include <cstdint>

#include "darkscan/core/macros.hpp"
#include "darkscan/stats/background_model.hpp"
#include "darkscan/stats/counting_experiment.hpp"
#include "darkscan/stats/gauss_rule.hpp"
#include "darkscan/stats/normal_quantile.hpp"

namespace darkscan::stats {

// Which rules of a rule table an experiment integrates with; -1: that nuisance is off.
struct RuleChoice {
  std::int32_t x = -1;  // background shape, on [max(−5, −1/δ), 5]: the first of a ladder
  std::int32_t x_count = 0;  // rules in the ladder, of rising order, stored one after another
  std::int32_t y = -1;  // efficiency, on [−5, 5]
  std::int32_t z = -1;  // luminosity, on [−5, 5]
};

inline constexpr int kMaxLimitIterations = 100;
inline constexpr double kLimitRelativeTolerance = 1e-13;
// Two successive rules of the shape ladder must agree this well (relative); the higher
// one is then accurate far beyond it, since Gauss rules converge geometrically here.
inline constexpr double kShapeTolerance = 1e-10;

// The sums of a Poisson mixture Σ_i A_i Pois(i; t) at t, without the common e^{−t}:
// Σ_i B_i t^i/i! (the tail, B_i = Σ_{j ≥ i} A_j), Σ_i A_i t^i/i! (the density) and
// Σ_i (A_{i+1} − A_i) t^i/i! (its slope in t, A_{N+1} = 0), all from the same powers.
struct MixtureSums {
  double tail, density, change;
};
DS_FORCEINLINE_FUNCTION MixtureSums mixture_sums(double t, int n, const double* a, const double* b,
                                                 const double* inverse) {
  double power = 1.0;  // t^i / i!
  MixtureSums sums{b[0], a[0], (n > 0 ? a[1] : 0.0) - a[0]};
  for (int i = 1; i <= n; ++i) {
    power *= t * inverse[i];
    sums.tail += b[i] * power;
    sums.density += a[i] * power;
    sums.change += ((i < n ? a[i + 1] : 0.0) - a[i]) * power;
  }
  return sums;
}

struct MarginaliseExperiment {
  const CountingExperiment* experiments = nullptr;
  const RuleChoice* choices = nullptr;
  const GaussRule* rules = nullptr;
  StatsResult* results = nullptr;
  double credibility = kDefaultCredibility;
  NuisancePrior nuisance_prior = NuisancePrior::gaussian;
  SignalPrior signal_prior = SignalPrior::uniform;
  std::int32_t legendre = -1;  // Gauss–Legendre rule on [−1, 1] (the Jeffreys prior's integrals)

  DS_FUNCTION void operator()(std::uint64_t i) const {
    const CountingExperiment e = experiments[i];
    const RuleChoice c = choices[i];
    StatsResult r;
    double a[kMaxObserved + 1];
    background_coefficients(e, c, a, r);
    r.z = significance(r.p0);
    upper_limit(e, c, a, r);
    results[i] = r;
  }

  // p0 and A_j = E_x[NB(N − j; b(x))] / scale (one common scale, which cancels in the
  // limit). The x integral is the one place where the integrand can outrun a rule: with
  // a large, well-measured sideband and a count far below it, NB(N; b(x)) peaks sharply
  // in x. So it is taken on a ladder of rules of rising order until two successive ones
  // agree to kShapeTolerance, and the experiment is flagged when the ladder runs out.
  DS_FUNCTION void background_coefficients(const CountingExperiment& e, const RuleChoice& c, double* a,
                                           StatsResult& r) const {
    const int n = e.n_obs;
    double log_c[kMaxObserved + 1];
    log_binomial_coefficients(n, e.n_sb, log_c);
    if (c.x < 0) {  // δ = 0: the single node x = 0
      r.p0 = shape_integral(e, nullptr, log_c, a);
      return;
    }
    double previous[kMaxObserved + 1];
    double previous_p0 = shape_integral(e, &rules[c.x], log_c, previous);
    for (int step = 1; step < c.x_count; ++step) {
      r.p0 = shape_integral(e, &rules[c.x + step], log_c, a);
      if (agree(previous_p0, r.p0, previous, a, n)) return;
      previous_p0 = r.p0;
      for (int j = 0; j <= n; ++j) previous[j] = a[j];
    }
    r.flags |= kIllConditioned;
  }

  // p0 and the scaled A_j by one rule (nullptr: x = 0 only); returns p0. At each node
  // NB(k; b) is unimodal in k with its mode at ⌊M b⌋: one exp there, and ratios
  // NB(k ± 1)/NB(k) outwards, which only shrink, so nothing overflows.
  DS_FUNCTION double shape_integral(const CountingExperiment& e, const GaussRule* rule, const double* log_c,
                                    double* a) const {
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
    return p0 < 1.0 ? p0 : 1.0;
  }

  // Two rules agree when p0 and every A_j as a share of their sum (each rule has its
  // own scale) differ by less than kShapeTolerance, relative.
  DS_FUNCTION static bool agree(double p0_a, double p0_b, const double* a, const double* b, int n) {
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

  // Nodes of one signal-factor nuisance: the factor (1 + u r) (Gaussian prior) or
  // (1 + r)^u (log-normal) at each node u of the rule, and the weights. Returns the count.
  DS_FUNCTION int factor_nodes(int rule_index, double r, double* factor, double* weight) const {
    if (rule_index < 0) {
      factor[0] = 1.0;
      weight[0] = 1.0;
      return 1;
    }
    const GaussRule& rule = rules[rule_index];
    const double log1p_r = log1p(r);
    for (int q = 0; q < rule.n; ++q) {
      factor[q] = nuisance_prior == NuisancePrior::lognormal ? exp(rule.x[q] * log1p_r) : 1.0 + rule.x[q] * r;
      weight[q] = rule.w[q];
    }
    return rule.n;
  }

  // The background-free limit (Wilson–Hilferty for the gamma quantile of shape N + 1)
  // less the expected background (N_SB + 1)/f, but not below the limit for no events,
  // −ln(1 − cl): the known-background limit lies between them.
  DS_FUNCTION double start_value(const CountingExperiment& e) const {
    const double k = e.n_obs + 1.0;
    const double wh = 1.0 - 1.0 / (9.0 * k) + normal_quantile(credibility) / (3.0 * sqrt(k));
    const double floor_limit = -log1p(-credibility);
    const double s = k * wh * wh * wh - (e.n_sb + 1.0) / e.f;
    return s > floor_limit ? s : floor_limit;
  }

  // The root of evaluate(S) → (value, slope, curvature), a decreasing function positive
  // at 0, from `s`: Halley steps (Newton's where the curvature is zero or unhelpful)
  // inside a bracket that always holds the root, bisecting when a step leaves it.
  template <class Evaluate>
  DS_FUNCTION static double find_limit(const Evaluate& evaluate, double s, StatsResult& r) {
    double lo = 0.0;
    double hi = HUGE_VAL;
    int it = 0;
    bool converged = false;
    for (; it < kMaxLimitIterations; ++it) {
      double value, slope, curvature;
      evaluate(s, value, slope, curvature);
      if (value > 0.0) lo = s;  // tail still too heavy: the root is above s
      else hi = s;
      const double denominator = 2.0 * slope * slope - value * curvature;
      const double step = !(slope < 0.0)              ? HUGE_VAL
                          : denominator > slope * slope ? -2.0 * value * slope / denominator
                                                        : -value / slope;
      // Converged when the step is below the tolerance (at the root it can be below one
      // ulp, so it must be tested before the bracket check would reject it).
      if (fabs(step) <= kLimitRelativeTolerance * s || value == 0.0) {
        s += step;
        converged = true;
        ++it;
        break;
      }
      double next = s + step;
      if (!(next > lo && next < hi)) next = hi < HUGE_VAL ? 0.5 * (lo + hi) : 2.0 * s + 1.0;
      s = next;
    }
    r.iterations = it;
    if (!converged) r.flags |= kLimitNotConverged;
    return s;
  }

  // Σ_j A_j Pois(j; t), the posterior's likelihood part at expected signal t = g·s.
  DS_FORCEINLINE_FUNCTION static double poisson_mixture(double t, int n, const double* a, const double* inverse) {
    double power = 1.0;
    double sum = a[0];
    for (int i = 1; i <= n; ++i) {
      power *= t * inverse[i];
      sum += a[i] * power;
    }
    return sum * exp(-t);
  }

  // The Jeffreys prior π(s) ∝ (s + b̂)^(−1/2), b̂ = (N_SB + 1)/f (ANALYSIS.md section 5,
  // option). The s integral has no incomplete-gamma form any more; with u = sqrt(g s + c),
  // c = g b̂, a (y, z) node's posterior mass below S is
  //   (2/√g) ∫_{√c}^{√(gS + c)} Σ_j A_j Pois(j; u² − c) du,
  // a smooth integrand in u (the prior's 1/sqrt singularity is gone), taken by the
  // 12-node Gauss–Legendre rule on panels that span at most 1 in u and 4 in t = u² − c
  // (e^{−t} over 4 units of t: error below 1e-13; tested against the reference).
  DS_FUNCTION double jeffreys_mass(double g, double c, double t_end, int n, const double* a,
                                   const double* inverse) const {
    const GaussRule& rule = rules[legendre];
    const double u_end = sqrt(t_end + c);
    double u = sqrt(c);
    double mass = 0.0;
    while (u < u_end) {
      const double width = u > 2.0 ? 2.0 / u : 1.0;
      const double next = u + width < u_end ? u + width : u_end;
      const double half = 0.5 * (next - u), mid = 0.5 * (next + u);
      for (int q = 0; q < rule.n; ++q) {
        const double v = mid + half * rule.x[q];
        const double t = v * v - c;
        mass += half * rule.w[q] * poisson_mixture(t > 0.0 ? t : 0.0, n, a, inverse);
      }
      u = next;
    }
    return 2.0 * mass / sqrt(g);
  }

  // Beyond t = g s = t_max the Poisson terms j <= N are below 1e-20 of their peak.
  DS_FORCEINLINE_FUNCTION static double jeffreys_t_max(int n) { return n + 50.0 + 12.0 * sqrt(n + 1.0); }

  // The posterior's total mass under the Jeffreys prior (up to the common factor).
  DS_FUNCTION double jeffreys_total(const CountingExperiment& e, const double* a, const double* inverse,
                                    const double* gy, const double* wy, int ny, const double* gz, const double* wz,
                                    int nz) const {
    const double b_hat = (e.n_sb + 1.0) / e.f;
    double total = 0.0;
    for (int qy = 0; qy < ny; ++qy)
      for (int qz = 0; qz < nz; ++qz) {
        const double g = gy[qy] * gz[qz];
        total += wy[qy] * wz[qz] * jeffreys_mass(g, g * b_hat, jeffreys_t_max(e.n_obs), e.n_obs, a, inverse);
      }
    return total;
  }

  // tail(S) − (1 − cl)·total and its derivative under the Jeffreys prior.
  DS_FUNCTION void jeffreys_evaluate(const CountingExperiment& e, const double* a, const double* inverse,
                                     const double* gy, const double* wy, int ny, const double* gz, const double* wz,
                                     int nz, double total, double s, double& value, double& slope) const {
    const int n = e.n_obs;
    const double b_hat = (e.n_sb + 1.0) / e.f;
    const double t_max = jeffreys_t_max(n);
    double below = 0.0, density = 0.0;
    for (int qy = 0; qy < ny; ++qy) {
      for (int qz = 0; qz < nz; ++qz) {
        const double g = gy[qy] * gz[qz];
        const double w = wy[qy] * wz[qz];
        const double t = g * s;
        below += w * jeffreys_mass(g, g * b_hat, t < t_max ? t : t_max, n, a, inverse);
        density += w * poisson_mixture(t, n, a, inverse);
      }
    }
    value = total - below - (1.0 - credibility) * total;
    slope = -density / sqrt(s + b_hat);
  }

  DS_FUNCTION void upper_limit(const CountingExperiment& e, const RuleChoice& c, const double* a,
                               StatsResult& r) const {
    const int n = e.n_obs;
    // Factors and weights of the efficiency (y) and luminosity (z) nodes; g = gy·gz.
    double gy[kMaxGaussNodes], wy[kMaxGaussNodes], gz[kMaxGaussNodes], wz[kMaxGaussNodes];
    const int ny = factor_nodes(c.y, e.eff_rel_unc, gy, wy);
    const int nz = factor_nodes(c.z, e.lumi_rel_unc, gz, wz);
    double inverse[kMaxObserved + 1];  // 1/i: the inner loops multiply instead of dividing
    for (int i = 1; i <= n; ++i) inverse[i] = 1.0 / i;
    if (signal_prior == SignalPrior::jeffreys) {
      const double total = jeffreys_total(e, a, inverse, gy, wy, ny, gz, wz, nz);
      r.ul_events = find_limit(
          [&](double s, double& value, double& slope, double& curvature) {
            jeffreys_evaluate(e, a, inverse, gy, wy, ny, gz, wz, nz, total, s, value, slope);
            curvature = 0.0;
          },
          start_value(e), r);
      return;
    }
    double b[kMaxObserved + 1];  // B_i = Σ_{j ≥ i} A_j
    double running = 0.0;
    for (int i = n; i >= 0; --i) {
      running += a[i];
      b[i] = running;
    }
    // The tail carries a 1/g: its weights are kept divided once here, not at every step.
    double vy[kMaxGaussNodes], vz[kMaxGaussNodes];  // w / g per axis
    for (int q = 0; q < ny; ++q) vy[q] = wy[q] / gy[q];
    for (int q = 0; q < nz; ++q) vz[q] = wz[q] / gz[q];
    double total = 0.0;
    for (int qy = 0; qy < ny; ++qy)
      for (int qz = 0; qz < nz; ++qz) total += vy[qy] * vz[qz] * b[0];
    const double target = (1.0 - credibility) * total;

    // tail(S) − target, its derivative −density(S) and its second derivative
    // −density'(S) = −E[g e^{−gS} Σ_j (A_{j+1} − A_j) (gS)^j / j!] (A_{N+1} = 0), all
    // from the same exp and powers.
    auto evaluate = [&](double s, double& value, double& slope, double& curvature) {
      double tail = 0.0;
      double density = 0.0;
      double density_slope = 0.0;
      for (int qy = 0; qy < ny; ++qy) {
        for (int qz = 0; qz < nz; ++qz) {
          const double g = gy[qy] * gz[qz];
          const double t = g * s;
          const MixtureSums sums = mixture_sums(t, n, a, b, inverse);
          const double decay = exp(-t);
          tail += vy[qy] * vz[qz] * decay * sums.tail;
          density += wy[qy] * wz[qz] * decay * sums.density;
          density_slope += wy[qy] * wz[qz] * g * decay * sums.change;
        }
      }
      value = tail - target;
      slope = -density;
      curvature = -density_slope;
    };

    r.ul_events = find_limit(evaluate, start_value(e), r);
  }
};

}  // namespace darkscan::stats
