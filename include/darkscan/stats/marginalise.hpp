#pragma once
// One counting experiment through the statistics of docs/physics/statistics.md: the local
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
#include "darkscan/stats/counting_experiment.hpp"
#include "darkscan/stats/gauss_rule.hpp"
#include "darkscan/stats/limit_search.hpp"
#include "darkscan/stats/normal_quantile.hpp"
#include "darkscan/stats/nuisance_integrals.hpp"

namespace darkscan::stats {

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
    background_coefficients(e, c, rules, a, r);
    r.z = significance(r.p0);
    upper_limit(e, c, a, r);
    results[i] = r;
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

  // The Jeffreys prior π(s) ∝ (s + b̂)^(−1/2), b̂ = (N_SB + 1)/f (docs/physics/statistics.md,
  // option). The s integral has no incomplete-gamma form any more; with u = sqrt(g s + c),
  // c = g b̂, a (y, z) node's posterior mass below S is
  //   (2/√g) ∫_{√c}^{√(gS + c)} Σ_j A_j Pois(j; u² − c) du,
  // a smooth integrand in u (the prior's 1/sqrt singularity is gone), taken by the
  // 12-node Gauss–Legendre rule on panels that span at most 1 in u and 4 in t = u² − c
  // (e^{−t} over 4 units of t: error below 1e-13; tested against the reference). The
  // rule runs in v = u − √c, where t = v (v + 2√c) keeps every digit: u² − c would lose
  // them to cancellation when c (the background in the window, times g) is in the
  // thousands, and the limit's root finder could not settle on the noise.
  DS_FUNCTION double jeffreys_mass(double g, double c, double t_end, int n, const double* a,
                                   const double* inverse) const {
    const GaussRule& rule = rules[legendre];
    const double root_c = sqrt(c);
    const double v_end = t_end / (sqrt(t_end + c) + root_c);
    double v = 0.0;
    double mass = 0.0;
    while (v < v_end) {
      const double u = root_c + v;
      const double width = u > 2.0 ? 2.0 / u : 1.0;
      const double next = v + width < v_end ? v + width : v_end;
      const double half = 0.5 * (next - v), mid = 0.5 * (next + v);
      for (int q = 0; q < rule.n; ++q) {
        const double x = mid + half * rule.x[q];
        const double t = x * (x + 2.0 * root_c);
        mass += half * rule.w[q] * poisson_mixture(t > 0.0 ? t : 0.0, n, a, inverse);
      }
      v = next;
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
    double gy[kMaxFactorNodes], wy[kMaxFactorNodes], gz[kMaxFactorNodes], wz[kMaxFactorNodes];
    const int ny = signal_factor_nodes(rules, c.y, nuisance_prior, e.eff_rel_unc, gy, wy);
    const int nz = signal_factor_nodes(rules, c.z, nuisance_prior, e.lumi_rel_unc, gz, wz);
    double inverse[kMaxObserved + 1];  // 1/i: the inner loops multiply instead of dividing
    for (int i = 1; i <= n; ++i) inverse[i] = 1.0 / i;
    if (signal_prior == SignalPrior::jeffreys) {
      const double total = jeffreys_total(e, a, inverse, gy, wy, ny, gz, wz, nz);
      r.ul_events = find_limit(
          [&](double s, double& value, double& slope, double& curvature) {
            jeffreys_evaluate(e, a, inverse, gy, wy, ny, gz, wz, nz, total, s, value, slope);
            curvature = 0.0;
          },
          limit_start_value(e, credibility), r);
      return;
    }
    double b[kMaxObserved + 1];  // B_i = Σ_{j ≥ i} A_j
    double running = 0.0;
    for (int i = n; i >= 0; --i) {
      running += a[i];
      b[i] = running;
    }
    // The tail carries a 1/g: its weights are kept divided once here, not at every step.
    double vy[kMaxFactorNodes], vz[kMaxFactorNodes];  // w / g per axis
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

    r.ul_events = find_limit(evaluate, limit_start_value(e, credibility), r);
  }
};

}  // namespace darkscan::stats
