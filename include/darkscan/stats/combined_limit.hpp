#pragma once
// The combination of final states (docs/physics/interpretation.md): one signal parameter σ (the
// model-dependent σ_prod × B(chi2 → chi1 e+e-)) seen in several counting experiments,
// channel k expecting σ·r_k signal events (r_k = B(h' → x+x−)·ε_k·L), the likelihoods
// multiplied, every nuisance marginalised, and the Bayesian upper limit on σ with a
// uniform prior.
//
// Nuisances (choice, docs/physics/interpretation.md#combining-the-final-states): each channel's μ and x as in the single
// experiment (marginalise.hpp); one efficiency nuisance y shared by the channels, each
// with its own relative uncertainty (the displaced-tracking and PID uncertainties move
// the final states together), and one luminosity nuisance z.
//
// Closed form. At a (y, z) node let g_k = r_k·f_k(y)·f(z), G = Σ g_k, p_k = g_k / G and
// t = Gσ. Channel k's likelihood is Σ_j A_kj Pois(j; p_k t), A_kj from the single-channel
// coefficients; since Σ p_k = 1 their product is again a Poisson mixture,
//   Π_k Σ_j A_kj Pois(j; p_k t) = Σ_m E_m Pois(m; t),
//   E_m = Σ_{j_1+…+j_K = m} (m; j_1, …, j_K) Π_k A_kj_k p_k^{j_k}   (binomial convolutions),
// so the tail, total and density in σ have the single-experiment form with A → E, N → ΣN_k
// and g → G, and the same root finder applies. The p-value of the combination is the
// product of the channels' p0 (the paper's prescription).
#include <cmath>
#include <cstdint>

#include "darkscan/core/macros.hpp"
#include "darkscan/stats/counting_experiment.hpp"
#include "darkscan/stats/gauss_rule.hpp"
#include "darkscan/stats/limit_search.hpp"
#include "darkscan/stats/normal_quantile.hpp"
#include "darkscan/stats/nuisance_integrals.hpp"

namespace darkscan::stats {

inline constexpr int kMaxChannels = 3;
// The largest total count of a combination: E lives in a fixed array of this size.
inline constexpr int kMaxCombinedObserved = kMaxObserved;

struct CombinedExperiment {
  int channels = 0;
  CountingExperiment channel[kMaxChannels];  // lumi_rel_unc is taken from channel 0
  double rate[kMaxChannels] = {};             // expected signal events per unit σ
};

// The rules of a combination: each channel's shape ladder, the shared y and z rules.
struct CombinedChoice {
  RuleChoice channel[kMaxChannels];
  std::int32_t y = -1;
  std::int32_t z = -1;
};

struct CombinedResult {
  double p0 = 1;     // product of the channels' p0
  double z = 0;
  double limit = 0;  // upper limit on σ, in the units the rates are per
  std::uint32_t flags = 0;
  int iterations = 0;
};

struct CombineExperiments {
  const CombinedExperiment* experiments = nullptr;
  const CombinedChoice* choices = nullptr;
  const GaussRule* rules = nullptr;
  CombinedResult* results = nullptr;
  double credibility = kDefaultCredibility;
  NuisancePrior nuisance_prior = NuisancePrior::gaussian;

  DS_FUNCTION void operator()(std::uint64_t i) const {
    const CombinedExperiment& ex = experiments[i];
    const CombinedChoice& ch = choices[i];
    CombinedResult out;
    // Each channel's A_j (its own common scale, which cancels) and p0.
    double a[kMaxChannels][kMaxObserved + 1];
    int n_total = 0;
    for (int k = 0; k < ex.channels; ++k) {
      StatsResult r;
      background_coefficients(ex.channel[k], ch.channel[k], rules, a[k], r);
      out.p0 *= r.p0;
      n_total += ex.channel[k].n_obs;
      out.flags |= r.flags;
    }
    out.z = significance(out.p0);
    if (n_total > kMaxCombinedObserved) {  // refused on the host; guarded here
      out.limit = NAN;
      out.flags |= kLimitNotConverged;
      results[i] = out;
      return;
    }
    // y nodes: each channel's factor at the shared node u, f_k = 1 + u r_k (or (1 + r_k)^u).
    const GaussRule* ry = ch.y >= 0 ? &rules[ch.y] : nullptr;
    const int ny = ry ? ry->n : 1;
    double gz[kMaxFactorNodes], wz[kMaxFactorNodes];
    const int nz = signal_factor_nodes(rules, ch.z, nuisance_prior, ex.channel[0].lumi_rel_unc, gz, wz);
    double inverse[kMaxCombinedObserved + 1];
    for (int m = 1; m <= n_total; ++m) inverse[m] = 1.0 / m;
    const int n = n_total;

    // The mixture E and its suffix sums F at one y node; returns G(y) and sets its weight.
    auto mixture = [&](int qy, double* e, double* f, double& weight) {
      const double u = ry ? ry->x[qy] : 0.0;
      weight = ry ? ry->w[qy] : 1.0;
      double g[kMaxChannels], total = 0.0;
      for (int k = 0; k < ex.channels; ++k) {
        const double r = ex.channel[k].eff_rel_unc;
        const double factor = nuisance_prior == NuisancePrior::lognormal ? exp(u * log1p(r)) : 1.0 + u * r;
        g[k] = ex.rate[k] * factor;
        total += g[k];
      }
      // Binomial convolution, channel by channel: E_m ← Σ_j C(m, j) E_{m−j} · A_kj p_k^j
      // (no factorials: C(m, j) p^j stays below 3^m, finite for every m <= 255).
      int degree = 0;
      for (int m = 0; m <= n; ++m) e[m] = 0.0;
      e[0] = 1.0;
      for (int k = 0; k < ex.channels; ++k) {
        const double p = g[k] / total;
        const int nk = ex.channel[k].n_obs;
        double term[kMaxObserved + 1];  // A_kj p^j
        double power = 1.0;
        for (int j = 0; j <= nk; ++j) {
          term[j] = a[k][j] * power;
          power *= p;
        }
        for (int m = degree + nk; m >= 0; --m) {
          double sum = 0.0;
          double binomial = 1.0;  // C(m, j)
          const int j_hi = m < nk ? m : nk;
          for (int j = 0; j <= j_hi; ++j) {
            if (j > 0) binomial *= static_cast<double>(m - j + 1) / j;
            if (m - j <= degree) sum += binomial * e[m - j] * term[j];
          }
          e[m] = sum;
        }
        degree += nk;
      }
      double running = 0.0;
      for (int m = n; m >= 0; --m) {
        running += e[m];
        f[m] = running;
      }
      return total;
    };

    double e[kMaxCombinedObserved + 1], f[kMaxCombinedObserved + 1];
    double total = 0.0;
    for (int qy = 0; qy < ny; ++qy) {
      double wy = 1.0;
      const double g_y = mixture(qy, e, f, wy);
      for (int qz = 0; qz < nz; ++qz) total += wy * wz[qz] * f[0] / (g_y * gz[qz]);
    }
    const double target = (1.0 - credibility) * total;
    auto evaluate = [&](double s, double& value, double& slope, double& curvature) {
      double tail = 0.0, density = 0.0, density_slope = 0.0;
      for (int qy = 0; qy < ny; ++qy) {
        double wy = 1.0;
        const double g_y = mixture(qy, e, f, wy);
        for (int qz = 0; qz < nz; ++qz) {
          const double g = g_y * gz[qz];
          const double w = wy * wz[qz];
          const double t = g * s;
          const MixtureSums sums = mixture_sums(t, n, e, f, inverse);
          const double decay = exp(-t);
          tail += w / g * decay * sums.tail;
          density += w * decay * sums.density;
          density_slope += w * g * decay * sums.change;
        }
      }
      value = tail - target;
      slope = -density;
      curvature = -density_slope;
    };
    // Start from the single-experiment guess for the summed counts, in σ units.
    CountingExperiment summed;
    summed.n_obs = n;
    summed.n_sb = 0;
    summed.f = 1e300;
    double rate = 0.0;
    for (int k = 0; k < ex.channels; ++k) rate += ex.rate[k];
    StatsResult r;
    out.limit = find_limit(evaluate, limit_start_value(summed, credibility) / rate, r);
    out.iterations = r.iterations;
    out.flags |= r.flags;
    results[i] = out;
  }
};

}  // namespace darkscan::stats
