#pragma once
// The background model of one window (docs/physics/statistics.md): N ~ Pois(μ(1 + xδ)/f) in
// the window, N_SB ~ Pois(μ) in the sideband, flat prior on μ ≥ 0. The μ integral is
// exact: with b = (1 + xδ)/f the predictive count in the window is negative binomial,
//   ∫dμ Pois(n; μb) Pois(M; μ) = C(n + M, n) b^n / (1 + b)^(n+M+1) =: NB(n; b)
// (the closed form of docs/physics/statistics.md with a = 0), so only the shape nuisance x is left to
// integrate, by a Gauss rule for its truncated normal prior.
#include <cmath>

#include "darkscan/core/macros.hpp"

namespace darkscan::stats {

// log C(k + m, k) for k = 0..n: the x-independent part of log NB(k; b).
DS_FUNCTION inline void log_binomial_coefficients(int n, int m, double* out) {
  out[0] = 0.0;
  for (int k = 1; k <= n; ++k) out[k] = out[k - 1] + log((static_cast<double>(m) + k) / k);
}

// log NB(k; b) from log C(k + m, k), log b and log(1 + b).
DS_FORCEINLINE_FUNCTION double log_negative_binomial(int k, int m, double log_c, double log_b, double log1p_b) {
  return log_c + k * log_b - (static_cast<double>(k) + m + 1) * log1p_b;
}

// P(n' ≥ n) for n' ~ NB(·; b): the chance that a background-only window holds at least
// n events. Equal to P(Binomial(n + m, p) ≥ n) with p = b/(1 + b); summed as a tail
// where it is the small side, so that tiny p-values keep their relative precision
// (docs/physics/statistics.md: never 1 − the sum of the rest), and as 1 − the lower sum where the
// tail is at least about one half. log_c_n = log C(n + m, n).
DS_FUNCTION inline double background_tail(int n, int m, double b, double log_c_n) {
  if (n == 0) return 1.0;
  const int total = n + m;
  const double log_b = log(b);
  const double log1p_b = log1p(b);
  // Binomial(total, p) pmf at k: C(total, k) b^k / (1 + b)^total.
  if (static_cast<double>(n) > m * b) {  // n above the mean total·p: terms fall from k = n on
    double term = exp(log_c_n + n * log_b - total * log1p_b);
    double sum = term;
    for (int k = n; k < total; ++k) {
      term *= static_cast<double>(total - k) / static_cast<double>(k + 1) * b;
      sum += term;
      if (term <= sum * 1e-17) break;
    }
    return sum;
  }
  // C(total, n − 1) = C(total, n) · n / (m + 1); terms fall from k = n − 1 down.
  double term = exp(log_c_n + log(static_cast<double>(n) / (m + 1.0)) + (n - 1) * log_b - total * log1p_b);
  double lower = term;
  for (int k = n - 1; k > 0; --k) {
    term *= static_cast<double>(k) / (static_cast<double>(total - k + 1) * b);
    lower += term;
    if (term <= lower * 1e-17) break;
  }
  return 1.0 - lower;
}

}  // namespace darkscan::stats
