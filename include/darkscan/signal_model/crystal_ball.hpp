#pragma once
// The double-sided Crystal Ball (docs/physics/signal-model.md: the shape of the reconstructed
// M(x+x-) of a signal sample): a Gaussian core of mean μ and width σ joined, with a
// continuous first derivative, to power-law tails beyond t = (x − μ)/σ = −α_L and +α_R:
//   core       exp(−t²/2)                              −α_L <= t <= α_R
//   left tail  exp(−α_L²/2) ((B_L − t) α_L / n_L)^(−n_L),  B_L = n_L/α_L − α_L
//   right tail exp(−α_R²/2) ((B_R + t) α_R / n_R)^(−n_R),  B_R = n_R/α_R − α_R
// (the usual A (B ∓ t)^(−n) with A = (n/α)^n e^(−α²/2), written without the large
// (n/α)^n), and its integral in closed form, so the density normalised on a fit range
// costs two erf and four powers.
#include <cmath>

#include "darkscan/core/macros.hpp"

namespace darkscan::signal_model {

struct DoubleSidedCrystalBall {
  double mu = 0, sigma = 1;
  double alpha_left = 1.5, n_left = 5;
  double alpha_right = 1.5, n_right = 5;

  // Unnormalised shape, 1 at the peak.
  DS_FUNCTION double shape(double x) const {
    const double t = (x - mu) / sigma;
    if (t < -alpha_left) {
      const double b = n_left / alpha_left - alpha_left;
      return exp(-0.5 * alpha_left * alpha_left) * pow((b - t) * alpha_left / n_left, -n_left);
    }
    if (t > alpha_right) {
      const double b = n_right / alpha_right - alpha_right;
      return exp(-0.5 * alpha_right * alpha_right) * pow((b + t) * alpha_right / n_right, -n_right);
    }
    return exp(-0.5 * t * t);
  }

  // ∫ shape dx over [a, b] (a <= b).
  DS_FUNCTION double integral(double a, double b) const {
    const double ta = (a - mu) / sigma, tb = (b - mu) / sigma;
    double sum = 0;
    // Left tail, t in [ta, min(tb, −α_L)].
    if (ta < -alpha_left) sum += left_tail(ta, fmin(tb, -alpha_left));
    // Core.
    const double c0 = fmax(ta, -alpha_left), c1 = fmin(tb, alpha_right);
    if (c1 > c0) sum += 1.2533141373155003 * (erf(c1 * 0.7071067811865476) - erf(c0 * 0.7071067811865476));
    // Right tail.
    if (tb > alpha_right) sum += right_tail(fmax(ta, alpha_right), tb);
    return sum * sigma;
  }

  // Density normalised on [lo, hi].
  DS_FUNCTION double pdf(double x, double lo, double hi) const { return shape(x) / integral(lo, hi); }

 private:
  // ∫ over t in [t1, t2] of the left tail: with u = (B − t) α/n,
  // exp(−α²/2) (n/α) [u^(1−n)]_{t1}^{t2} / (n − 1)  (a log for n = 1).
  DS_FUNCTION double left_tail(double t1, double t2) const {
    const double a = alpha_left, n = n_left, b = n / a - a;
    const double u1 = (b - t1) * a / n, u2 = (b - t2) * a / n;
    const double scale = exp(-0.5 * a * a) * n / a;
    if (fabs(n - 1) < 1e-9) return scale * log(u1 / u2);
    return scale * (pow(u2, 1 - n) - pow(u1, 1 - n)) / (n - 1);
  }
  DS_FUNCTION double right_tail(double t1, double t2) const {
    const double a = alpha_right, n = n_right, b = n / a - a;
    const double u1 = (b + t1) * a / n, u2 = (b + t2) * a / n;
    const double scale = exp(-0.5 * a * a) * n / a;
    if (fabs(n - 1) < 1e-9) return scale * log(u2 / u1);
    return scale * (pow(u1, 1 - n) - pow(u2, 1 - n)) / (n - 1);
  }
};

}  // namespace darkscan::signal_model
