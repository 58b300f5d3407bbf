#pragma once
// The mass resolution of a signal sample (docs/physics/signal-model.md): an unbinned maximum-
// likelihood fit of a double-sided Crystal Ball to its reconstructed M(x+x-), with
// NLopt's BOBYQA (bounded, derivative-free) as the minimiser, and parameter
// uncertainties from the inverse of the negative log-likelihood's Hessian (central
// differences) at the minimum.
#include <array>
#include <span>
#include <string>

#include "darkscan/signal_model/crystal_ball.hpp"

namespace darkscan::signal_model {

struct CrystalBallFit {
  static constexpr int kParameters = 6;  // mu, sigma, alpha_left, n_left, alpha_right, n_right
  static constexpr const char* kNames[kParameters] = {"mu", "sigma", "alpha_left", "n_left", "alpha_right",
                                                        "n_right"};
  DoubleSidedCrystalBall shape;
  std::array<double, kParameters> errors{};  // NaN where the Hessian is not positive definite
  double lo = 0, hi = 0;                     // the fit range (GeV)
  std::size_t events = 0;                    // in the range
  double nll = 0;                            // at the minimum
  int nlopt_status = 0;                      // NLopt's result code (> 0 success)
  bool converged = false;                    // minimiser succeeded and the Hessian is positive definite
  std::string status;                        // one line: why not converged, or "ok"
};

// Fits the masses inside [lo, hi]. Needs at least 20 of them; otherwise returns an
// unconverged fit saying so.
CrystalBallFit fit_crystal_ball(std::span<const double> masses, double lo, double hi);

// The range a fit of this sample uses: the median ± 12 half-widths of its central 68 %
// (robust to the tails), so the tails have room and far outliers stay out.
std::array<double, 2> fit_range(std::span<const double> masses);

}  // namespace darkscan::signal_model
