#pragma once
// High-precision reference for the counting-experiment statistics of docs/physics/statistics.md, computed
// from the original integrals by numerical quadrature (Boost.Math), independently of darkscan's closed
// forms. For tests only; slow.
namespace darkscan::reference {
struct Experiment {
  int n_obs = 0;
  int n_sb = 0;
  double f = 1;
  double delta = 0;
  double eff_rel_unc = 0;
  double lumi_rel_unc = 0;
  bool lognormal = false;
};
long double p0(const Experiment& e);                                          // background-only local p-value
long double upper_limit_events(const Experiment& e, long double cl = 0.95L);  // on s, signal events

// Resolution of the quadratures; the defaults reach a relative accuracy better than 1e-13. Exposed so that
// the reference's own test can show convergence by comparing two resolutions.
struct Quadrature {
  long double x_tolerance = 1e-15L;  // relative error target of the adaptive integral over x (the delta nuisance)
  int x_panels_per_unit = 2;         // initial 61-node Gauss-Kronrod panels per unit of x, before adaptive bisection
  int yz_panels_per_unit = 1;        // 20-node Gauss-Legendre panels per unit of y and of z
  long double s_tolerance = 1e-14L;  // relative error target of the s integrals of the Jeffreys-prior limit
};
long double p0(const Experiment& e, const Quadrature& q);
long double upper_limit_events(const Experiment& e, long double cl, const Quadrature& q);

// The prior on s for the upper limit. uniform: flat on s >= 0 (the default above). jeffreys: pi(s) ∝ (s + bhat)^-1/2
// with bhat = (n_sb + 1)/f, the posterior mean of the background; the s integrals are done by quadrature.
enum class SignalPrior { uniform, jeffreys };
long double upper_limit_events(const Experiment& e, long double cl, SignalPrior prior);
long double upper_limit_events(const Experiment& e, long double cl, SignalPrior prior, const Quadrature& q);
}  // namespace darkscan::reference
