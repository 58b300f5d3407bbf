// The quadrature reference of docs/physics/statistics.md against what is known independently of it: the textbook
// limits, the known-background limit (Boost's gamma_q), p0 as a regularized incomplete beta function, the mu and
// nuisance integrals done directly by adaptive Gauss-Kronrod; and its own convergence on hard points.
#include "stats/stats_reference.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/quadrature/exp_sinh.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

namespace darkscan {
namespace {

using Real = long double;
using reference::Experiment;
using reference::SignalPrior;

Real relative_difference(Real a, Real b) { return std::fabs(a - b) / std::fabs(b); }

// The known-background Bayesian limit with a uniform prior on s: the posterior mass above s is
// ∫_s^∞ Pois(N; t + b) dt = Q(N+1, s + b), so s_up solves Q(N+1, s_up + b) / Q(N+1, b) = 1 - cl.
Real known_background_limit(int n, Real b, Real cl = 0.95L) {
  const auto excess = [&](Real s) {
    return boost::math::gamma_q(Real(n + 1), s + b) / boost::math::gamma_q(Real(n + 1), b) - (1 - cl);
  };
  std::uintmax_t max_iter = 200;
  const auto [lo, hi] = boost::math::tools::toms748_solve(excess, Real{0}, Real{500},
                                                          boost::math::tools::eps_tolerance<Real>(60), max_iter);
  return (lo + hi) / 2;
}

// Adaptive 31-point Gauss-Kronrod, Boost's own recursion, to ~1e-16 relative.
template <class F>
Real integrate(F f, Real a, Real b) {
  return boost::math::quadrature::gauss_kronrod<Real, 31>::integrate(f, a, b, 25, 1e-16L);
}

// ∫_0^∞ dmu Pois(M; mu) h(mu) by direct quadrature. As a function of mu, Pois(M; mu) is the derivative of the
// regularized lower incomplete gamma function P(M+1, mu); its mass above the cut-off is below 1e-25.
template <class H>
Real mu_integral(int n_sb, H h) {
  const Real upper = n_sb + 60 + 20 * std::sqrt(Real(n_sb));
  return integrate([&](Real mu) { return boost::math::gamma_p_derivative(Real(n_sb + 1), mu) * h(mu); }, 0, upper);
}

Real phi(Real x) { return std::exp(-x * x / 2); }

// p0 of section 5 straight from its definition, with the mu integral done numerically:
// p0 = ∫dx phi_T(x) ∫dmu Pois(M; mu) P(n >= N | mu (1 + x delta)/f), and P(n >= N | lambda) = P(N, lambda).
Real direct_p0(const Experiment& e) {
  const Real lo = std::max(-5.0L, -1 / Real(e.delta));
  const auto tail = [&](Real x) {
    const Real b = (1 + x * e.delta) / e.f;
    return mu_integral(e.n_sb, [&](Real mu) { return boost::math::gamma_p(Real(e.n_obs), mu * b); });
  };
  return integrate([&](Real x) { return phi(x) * tail(x); }, lo, 5) / integrate(phi, lo, 5);
}

// The posterior mass of s above s, relative to the whole, for either delta or one Gaussian or log-normal factor
// g(y) on the signal (both would nest three adaptive integrals: too slow), straight from section 5:
// ∫_s^∞ Pois(N; t g + c) dt = Q(N+1, s g + c)/g, and the mu, x and y integrals done numerically. Evaluated at the
// reference's limit it must give 1 - cl.
Real direct_upper_mass_fraction(const Experiment& e, Real s) {
  const Real r = e.eff_rel_unc;
  const auto factor = [&](Real y) { return e.lognormal ? std::pow(1 + r, y) : 1 + r * y; };
  const auto mass = [&](Real at) {
    const auto given_x_and_y = [&](Real x, Real y) {
      const Real g = factor(y);
      const Real b = (1 + x * e.delta) / e.f;
      const auto above = [&](Real mu) { return boost::math::gamma_q(Real(e.n_obs + 1), at * g + mu * b); };
      return mu_integral(e.n_sb, above) / g;
    };
    const auto given_x = [&](Real x) {
      if (r == 0) return given_x_and_y(x, 0);
      return integrate([&](Real y) { return phi(y) * given_x_and_y(x, y); }, -5, 5);
    };
    if (e.delta == 0) return given_x(0);
    return integrate([&](Real x) { return phi(x) * given_x(x); }, std::max(-5.0L, -1 / Real(e.delta)), 5);
  };
  return mass(s) / mass(0);
}

// The same for both signal factors and a negligible background (M = 0, f -> infinity): the y and z integrals only.
Real direct_upper_mass_fraction_no_background(const Experiment& e, Real s) {
  const auto factor = [&](Real r, Real y) { return e.lognormal ? std::pow(1 + r, y) : 1 + r * y; };
  const auto mass = [&](Real at) {
    const auto given_y = [&](Real y) {
      const auto given_z = [&](Real z) {
        const Real g = factor(e.eff_rel_unc, y) * factor(e.lumi_rel_unc, z);
        return phi(z) * boost::math::gamma_q(Real(e.n_obs + 1), at * g) / g;
      };
      return phi(y) * integrate(given_z, -5, 5);
    };
    return integrate(given_y, -5, 5);
  };
  return mass(s) / mass(0);
}

// The known-background Bayesian limit with the Jeffreys prior (s + b)^-1/2: the posterior is
// ∝ (s + b)^(N - 1/2) e^-(s + b), its mass above s Q(N + 1/2, s + b) (times Γ(N + 1/2)), so s_up solves
// Q(N + 1/2, s_up + b) / Q(N + 1/2, b) = 1 - cl.
Real known_background_jeffreys_limit(int n, Real b, Real cl = 0.95L) {
  const Real a = n + 0.5L;
  const auto excess = [&](Real s) { return boost::math::gamma_q(a, s + b) / boost::math::gamma_q(a, b) - (1 - cl); };
  std::uintmax_t max_iter = 200;
  const auto [lo, hi] = boost::math::tools::toms748_solve(excess, Real{0}, Real{500},
                                                          boost::math::tools::eps_tolerance<Real>(60), max_iter);
  return (lo + hi) / 2;
}

// The Jeffreys posterior mass above s, relative to the whole, straight from section 5 with every integral numerical
// and in s itself (no substitution): L(s) = ∫dmu Pois(M; mu) E_y[Pois(N; s g(y) + mu/f)] (delta = 0, at most one
// signal factor), the prior (s + bhat)^-1/2 with bhat = (M + 1)/f, tanh-sinh on [0, s] (it takes the near-s^-1/2
// endpoint when bhat is tiny) and exp-sinh on [s, inf).
Real direct_jeffreys_upper_mass_fraction(const Experiment& e, Real s) {
  const Real r = e.eff_rel_unc;
  const Real b = 1 / Real(e.f);
  const Real bhat = (e.n_sb + 1) / Real(e.f);
  const auto factor = [&](Real y) { return e.lognormal ? std::pow(1 + r, y) : 1 + r * y; };
  const auto likelihood_at = [&](Real t, Real g) {
    const auto pois = [&](Real lambda) { return boost::math::gamma_p_derivative(Real(e.n_obs + 1), lambda); };
    if (e.n_sb == 0 && e.f > 1e12) return pois(t * g + b);  // negligible background: no mu integral needed
    return mu_integral(e.n_sb, [&](Real mu) { return pois(t * g + mu * b); });
  };
  const auto posterior = [&](Real t) {
    if (r == 0) return likelihood_at(t, 1) / std::sqrt(t + bhat);
    const Real like = boost::math::quadrature::gauss_kronrod<Real, 61>::integrate(
        [&](Real y) { return phi(y) * likelihood_at(t, factor(y)); }, -5, 5, 15, 1e-14L);
    return like / std::sqrt(t + bhat);
  };
  const Real below = boost::math::quadrature::tanh_sinh<Real>().integrate(posterior, Real{0}, s, 1e-15L);
  const Real above = boost::math::quadrature::exp_sinh<Real>().integrate(posterior, s, 
      std::numeric_limits<Real>::infinity(), 1e-15L);
  return above / (below + above);
}

TEST(StatsReference, NoObservedEventsWithoutSystematicsGivesMinusLogOfOneMinusCl) {
  // Section 5's check: the posterior is e^-s whatever the background, so s_up = -ln 0.05 = 2.9957322735539909.
  const Real expected = -std::log(0.05L);
  EXPECT_NEAR(static_cast<double>(expected), 2.9957322735539909, 1e-15);
  for (const Experiment e : {Experiment{0, 0, 1}, Experiment{0, 0, 1e4}, Experiment{0, 10, 3}, Experiment{0, 10000, 1},
                             Experiment{0, 10000, 1e4}, Experiment{0, 137, 0.5}}) {
    EXPECT_LT(relative_difference(reference::upper_limit_events(e), expected), 1e-14)
        << "M = " << e.n_sb << ", f = " << e.f;
  }
}

TEST(StatsReference, KnownBackgroundFormulaGivesTheTextbookValues) {
  // Checks the test's own helper: b = 0, N = 1 and 2 (e.g. Helene 1983, the PDG statistics review).
  EXPECT_NEAR(static_cast<double>(known_background_limit(1, 0)), 4.7438645, 1e-7);
  EXPECT_NEAR(static_cast<double>(known_background_limit(2, 0)), 6.2957936, 1e-7);
}

TEST(StatsReference, NegligibleBackgroundGivesTheTextbookLimits) {
  // M = 0 and f = 10^15: the background expectation is 10^-15, its effect on the limit ~10^-15.
  for (const int n : {1, 2, 5, 20, 50}) {
    const Experiment e{n, 0, 1e15};
    EXPECT_LT(relative_difference(reference::upper_limit_events(e), known_background_limit(n, 0)), 1e-12)
        << "N = " << n;
  }
}

TEST(StatsReference, LargeSidebandTendsToTheKnownBackgroundLimit) {
  // M -> infinity at fixed b = M/f: the background posterior narrows to b, and the limit approaches the
  // known-background one with deviations O(1/M).
  for (const Real b : {0.5L, 2.0L, 5.0L}) {
    for (const int n : {0, 1, 3, 10}) {
      const Real expected = known_background_limit(n, b);
      const auto deviation = [&](int m) {
        return relative_difference(reference::upper_limit_events({n, m, static_cast<double>(m / b)}), expected);
      };
      const Real far = deviation(1000000);
      EXPECT_LT(far, 1e-4) << "b = " << b << ", N = " << n;
      if (n > 0) {
        EXPECT_NEAR(static_cast<double>(deviation(10000) / far), 100, 2) << "b = " << b << ", N = " << n;
      }
    }
  }
}

TEST(StatsReference, P0WithoutShapeUncertaintyIsAnIncompleteBetaFunction) {
  // With delta = 0, ∫dmu Pois(n; mu/f) Pois(M; mu) is a negative binomial, C(M+n, n) p^n (1-p)^(M+1) with
  // p = 1/(1+f), whose tail P(n >= N) is the regularized incomplete beta function I_p(N, M+1).
  int tiny = 0;
  for (const int n : {1, 2, 7, 20, 50}) {
    for (const int m : {0, 1, 10, 100, 10000}) {
      for (const double f : {1.0, 3.7, 100.0, 1e4}) {
        const Real expected = boost::math::ibeta(Real(n), Real(m + 1), 1 / (1 + Real(f)));
        const Real p0 = reference::p0({n, m, f});
        EXPECT_LT(relative_difference(p0, expected), 1e-13) << "N = " << n << ", M = " << m << ", f = " << f;
        tiny += p0 < 1e-15L;
      }
    }
  }
  EXPECT_GT(tiny, 10);  // the range where p0 must be a tail sum, not 1 - head
}

TEST(StatsReference, P0IsOneWithoutEventsAndDecreasesWithN) {
  for (const Experiment base : {Experiment{0, 10, 5, 0.3}, Experiment{0, 0, 1e4, 0.5}, Experiment{0, 100, 1, 0.1},
                                Experiment{0, 10000, 1, 0.5}, Experiment{0, 3, 30}}) {
    Experiment e = base;
    Real previous = reference::p0(e);
    EXPECT_EQ(previous, 1);
    for (e.n_obs = 1; e.n_obs <= 50; ++e.n_obs) {
      const Real p0 = reference::p0(e);
      // Strictly, where the step P(n = N-1) is resolvable next to p0.
      if (p0 < 0.5L) {
        EXPECT_LT(p0, previous) << "M = " << e.n_sb << ", f = " << e.f << ", N = " << e.n_obs;
      } else {
        EXPECT_LE(p0, previous) << "M = " << e.n_sb << ", f = " << e.f << ", N = " << e.n_obs;
      }
      previous = p0;
    }
  }
}

TEST(StatsReference, P0MatchesDirectIntegrationOverMuAndX) {
  // The reference uses the closed-form mu integral; here mu and x are integrated numerically.
  for (const Experiment e : {Experiment{4, 5, 3, 0.3}, Experiment{7, 0, 2, 0.5}, Experiment{3, 20, 10, 0.1},
                             Experiment{12, 2, 1, 0.05}, Experiment{5, 8, 2}}) {
    EXPECT_LT(relative_difference(reference::p0(e), direct_p0(e)), 1e-12)
        << "N = " << e.n_obs << ", M = " << e.n_sb << ", f = " << e.f << ", delta = " << e.delta;
  }
}

TEST(StatsReference, UpperLimitLeavesOneMinusClOfTheDirectlyIntegratedPosteriorAbove) {
  // At the reference's limit, the posterior mass above it, with mu, x and one signal nuisance integrated
  // numerically and s in closed form (Boost's gamma_q), must be 1 - cl. The mass fraction falls by
  // s * posterior density ~ 0.1 per unit relative change of s, so 1e-14 here pins s_up to ~1e-13.
  for (const Experiment e : {Experiment{4, 5, 3, 0.3}, Experiment{2, 12, 4, 0.45}, Experiment{3, 8, 4, 0, 0.15},
                             Experiment{6, 3, 1, 0, 0.8, 0, true}}) {
    for (const Real cl : {0.95L, 0.9L}) {
      const Real s = reference::upper_limit_events(e, cl);
      EXPECT_NEAR(static_cast<double>(direct_upper_mass_fraction(e, s)), static_cast<double>(1 - cl), 1e-14)
          << "N = " << e.n_obs << ", M = " << e.n_sb << ", delta = " << e.delta << ", r = " << e.eff_rel_unc
          << ", cl = " << static_cast<double>(cl);
    }
  }
  for (const Experiment e : {Experiment{3, 0, 1e15, 0, 0.19, 0.1}, Experiment{3, 0, 1e15, 0, 1, 1, true}}) {
    const Real s = reference::upper_limit_events(e);
    EXPECT_NEAR(static_cast<double>(direct_upper_mass_fraction_no_background(e, s)), 0.05, 1e-14)
        << "lognormal = " << e.lognormal;
  }
}

TEST(StatsReference, QuadratureConvergesOnHardPoints) {
  // Default resolution against a finer one: a 100 times tighter x tolerance on a different initial partition, and
  // three times more y and z panels. Hard: steep background features near 1 + x delta = 0 (M = 10^4, f = 1,
  // delta = 0.5), a wide background prior (M = 0, f = 10^4), factors near zero (Gaussian r = 0.19) and spanning
  // 2^-10..2^10 (log-normal r = 1).
  const reference::Quadrature fine{1e-17L, 5, 3};
  for (const Experiment e : {Experiment{50, 10000, 1, 0.5}, Experiment{50, 10000, 1, 0.5, 0.19, 0.19},
                             Experiment{0, 0, 1e4, 0.5, 0.19, 0.19}, Experiment{1, 0, 1e4, 0.5, 1, 1, true},
                             Experiment{50, 0, 1e4, 0.5, 1, 1, true}, Experiment{10, 20, 2, 0.3, 1, 0.5, true},
                             Experiment{25, 9000, 1, 0.2, 0.1, 0.19}}) {
    EXPECT_LT(relative_difference(reference::p0(e), reference::p0(e, fine)), 1e-12) << "N = " << e.n_obs;
    EXPECT_LT(relative_difference(reference::upper_limit_events(e), reference::upper_limit_events(e, 0.95L, fine)),
              1e-12)
        << "N = " << e.n_obs << ", M = " << e.n_sb << ", lognormal = " << e.lognormal;
  }
}

TEST(StatsReference, JeffreysKnownBackgroundFormulaGivesGammaQuantiles) {
  // Checks the test's own helper: with b = 0 the posterior is a Gamma(N + 1/2, 1) law.
  for (const int n : {0, 1, 2, 5, 20, 50}) {
    const Real expected = boost::math::gamma_p_inv(n + 0.5L, 0.95L);
    EXPECT_LT(relative_difference(known_background_jeffreys_limit(n, 0), expected), 1e-16L) << "N = " << n;
  }
  EXPECT_NEAR(static_cast<double>(boost::math::gamma_p_inv(0.5L, 0.95L)), 1.9207294103470, 1e-12);
}

TEST(StatsReference, JeffreysNegligibleBackgroundGivesGammaQuantiles) {
  // M = 0, no systematics: the posterior is ∝ e^-s s^N (s + bhat)^-1/2, a Gamma(N + 1/2, 1) law as bhat -> 0.
  // N >= 1: bhat = 10^-15 moves the limit by O(bhat).
  for (const int n : {1, 2, 5, 20, 50}) {
    const Experiment e{n, 0, 1e15};
    EXPECT_LT(relative_difference(reference::upper_limit_events(e, 0.95L, SignalPrior::jeffreys),
                                  boost::math::gamma_p_inv(n + 0.5L, 0.95L)),
              1e-13)
        << "N = " << n;
  }
  // N = 0: the prior's weight near s = 0 shifts the limit by O(sqrt(bhat)) (1.6e-8 for bhat = 10^-15), so the Gamma
  // quantile needs bhat = 10^-30; for any bhat the posterior is e^-s (s + bhat)^-1/2, the known-background form.
  EXPECT_LT(relative_difference(reference::upper_limit_events({0, 0, 1e30}, 0.95L, SignalPrior::jeffreys),
                                boost::math::gamma_p_inv(0.5L, 0.95L)),
            1e-13);
  const Real shifted = reference::upper_limit_events({0, 0, 1e15}, 0.95L, SignalPrior::jeffreys);
  EXPECT_LT(relative_difference(shifted, known_background_jeffreys_limit(0, 1e-15L)), 1e-13);
  EXPECT_GT(relative_difference(shifted, boost::math::gamma_p_inv(0.5L, 0.95L)), 1e-8);
}

TEST(StatsReference, JeffreysWithNoObservedEventsDependsOnlyOnBhat) {
  // N = 0: the likelihood is e^-s times a constant whatever the background and its shape uncertainty, so s_up
  // solves Q(1/2, s_up + bhat) / Q(1/2, bhat) = 1 - cl with bhat = (M + 1)/f.
  for (const Experiment e : {Experiment{0, 0, 1}, Experiment{0, 10, 3}, Experiment{0, 10000, 1},
                             Experiment{0, 137, 0.5, 0.3}, Experiment{0, 3, 1e4, 0.5}}) {
    for (const Real cl : {0.95L, 0.9L}) {
      const Real bhat = (e.n_sb + 1) / Real(e.f);
      EXPECT_LT(relative_difference(reference::upper_limit_events(e, cl, SignalPrior::jeffreys),
                                    known_background_jeffreys_limit(0, bhat, cl)),
                1e-13)
          << "M = " << e.n_sb << ", f = " << e.f << ", cl = " << static_cast<double>(cl);
    }
  }
}

TEST(StatsReference, JeffreysLargeSidebandTendsToTheKnownBackgroundLimit) {
  // M -> infinity at fixed b = M/f: bhat = b (1 + 1/M) -> b and the background posterior narrows to b; deviations
  // O(1/M), except where the 1/M coefficient happens to vanish (b = 0.5, N = 1: O(1/M^2)).
  for (const Real b : {0.5L, 2.0L, 5.0L}) {
    for (const int n : {0, 1, 3, 10}) {
      const Real expected = known_background_jeffreys_limit(n, b);
      const auto deviation = [&](int m) {
        return relative_difference(
            reference::upper_limit_events({n, m, static_cast<double>(m / b)}, 0.95L, SignalPrior::jeffreys), expected);
      };
      const Real far = deviation(1000000);
      const Real near = deviation(10000);
      EXPECT_LT(far, 1e-4) << "b = " << b << ", N = " << n;
      if (near > 1e-8L) {
        EXPECT_NEAR(static_cast<double>(near / far), 100, 2) << "b = " << b << ", N = " << n;
      } else {
        EXPECT_LT(far, 1e-12) << "b = " << b << ", N = " << n;
      }
    }
  }
}

TEST(StatsReference, JeffreysLimitIsBelowTheUniformOne) {
  // The Jeffreys prior decreases with s: the posterior is the uniform one reweighted towards small s, so every
  // quantile is lower (N = 0 included).
  for (const Experiment base : {Experiment{0, 0, 1e15}, Experiment{0, 10, 3, 0.3}, Experiment{0, 10000, 1, 0.5},
                                Experiment{0, 5, 2, 0.2, 0.15, 0.1}, Experiment{0, 20, 2, 0.3, 1, 0.5, true}}) {
    for (const int n : {0, 1, 3, 12}) {
      Experiment e = base;
      e.n_obs = n;
      const Real uniform = reference::upper_limit_events(e, 0.95L, SignalPrior::uniform);
      EXPECT_EQ(uniform, reference::upper_limit_events(e));
      EXPECT_LT(reference::upper_limit_events(e, 0.95L, SignalPrior::jeffreys), uniform)
          << "N = " << n << ", M = " << e.n_sb << ", f = " << e.f;
    }
  }
}

TEST(StatsReference, JeffreysLimitLeavesOneMinusClOfTheDirectlyIntegratedPosteriorAbove) {
  // The mu and y integrals done numerically and the s integrals in s itself, at the reference's limit.
  for (const Experiment e : {Experiment{4, 5, 3}, Experiment{1, 0, 0.7}, Experiment{3, 0, 1e15, 0, 0.15},
                             Experiment{0, 0, 1e15, 0, 0.15}, Experiment{2, 0, 1e15, 0, 0.8, 0, true}}) {
    for (const Real cl : {0.95L, 0.9L}) {
      const Real s = reference::upper_limit_events(e, cl, SignalPrior::jeffreys);
      EXPECT_NEAR(static_cast<double>(direct_jeffreys_upper_mass_fraction(e, s)), static_cast<double>(1 - cl), 1e-13)
          << "N = " << e.n_obs << ", M = " << e.n_sb << ", f = " << e.f << ", r = " << e.eff_rel_unc
          << ", cl = " << static_cast<double>(cl);
    }
  }
}

TEST(StatsReference, JeffreysQuadratureConvergesOnHardPoints) {
  // Default resolution against a finer one (x tolerance 100 times tighter on another partition, twice the y and z
  // panels, s tolerance 10 times tighter), on hard points of the uniform case that stress the s integrals: the
  // s^-1/2-like prior near 0 (bhat = 10^-4) with factors near zero (Gaussian r = 0.19) or spanning 2^-10..2^10
  // (log-normal r = 1, a posterior tail over decades of s). The x quadrature is shared with the uniform limit and
  // checked there.
  const reference::Quadrature fine{1e-17L, 5, 2, 1e-15L};
  for (const Experiment e : {Experiment{0, 0, 1e4, 0.5, 0.19, 0.19},
                             Experiment{1, 0, 1e4, 0.5, 1, 1, true}, Experiment{50, 0, 1e4, 0.5, 1, 1, true},
                             Experiment{10, 20, 2, 0.3, 1, 0.5, true}}) {
    EXPECT_LT(relative_difference(reference::upper_limit_events(e, 0.95L, SignalPrior::jeffreys),
                                  reference::upper_limit_events(e, 0.95L, SignalPrior::jeffreys, fine)),
              1e-12)
        << "N = " << e.n_obs << ", M = " << e.n_sb << ", lognormal = " << e.lognormal;
  }
}

TEST(StatsReference, RefusesAnImproperGaussianSignalPrior) {
  // Section 5: a Gaussian factor reaching zero within 5 sigma (r >= 0.2) leaves the posterior of s improper.
  EXPECT_THROW(reference::upper_limit_events({3, 10, 2, 0, 0.2}), std::invalid_argument);
  EXPECT_THROW(reference::upper_limit_events({3, 10, 2, 0, 0, 0.25}), std::invalid_argument);
  EXPECT_GT(reference::upper_limit_events({3, 10, 2, 0, 0.25, 0.25, true}), 0);
  EXPECT_THROW(reference::upper_limit_events({3, 10, 2, 0, 0.2}, 0.95L, SignalPrior::jeffreys), std::invalid_argument);
  EXPECT_GT(reference::upper_limit_events({3, 10, 2, 0, 0.25, 0.25, true}, 0.95L, SignalPrior::jeffreys), 0);
}

}  // namespace
}  // namespace darkscan
