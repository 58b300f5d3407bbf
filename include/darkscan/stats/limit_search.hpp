#pragma once
// The Bayesian upper limit as the root of tail(S) − (1 − cl)·total
// (docs/physics/statistics.md#the-upper-limit), shared by the single experiment (marginalise.hpp) and the combination of
// final states (combined_limit.hpp): the sums of the Poisson mixture the posterior is,
// a starting value, and the bracketed Halley iteration.
#include <cmath>

#include "darkscan/core/macros.hpp"
#include "darkscan/stats/counting_experiment.hpp"
#include "darkscan/stats/normal_quantile.hpp"

namespace darkscan::stats {

inline constexpr int kMaxLimitIterations = 100;
inline constexpr double kLimitRelativeTolerance = 1e-13;

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

// Where the search starts for an experiment at credibility `credibility`: the
// background-free limit (Wilson–Hilferty for the gamma quantile of shape N + 1) less
// the expected background (N_SB + 1)/f, but not below the limit for no events,
// −ln(1 − cl): the known-background limit lies between them.
DS_FUNCTION inline double limit_start_value(const CountingExperiment& e, double credibility) {
  const double k = e.n_obs + 1.0;
  const double wh = 1.0 - 1.0 / (9.0 * k) + normal_quantile(credibility) / (3.0 * sqrt(k));
  const double floor_limit = -log1p(-credibility);
  const double s = k * wh * wh * wh - (e.n_sb + 1.0) / e.f;
  return s > floor_limit ? s : floor_limit;
}

// The root of evaluate(S) → (value, slope, curvature), a decreasing function positive
// at 0, from `s`: Halley steps (Newton's where the curvature is zero or unhelpful)
// inside a bracket that always holds the root, bisecting when a step leaves it. Sets
// r.iterations, and kLimitNotConverged in r.flags when the iterations run out.
template <class Evaluate>
DS_FUNCTION double find_limit(const Evaluate& evaluate, double s, StatsResult& r) {
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

}  // namespace darkscan::stats
