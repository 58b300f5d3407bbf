// The background model's closed forms against Boost.Math: the window's predictive is
// negative binomial (its pmf from Boost's negative_binomial distribution) and the
// tail P(n' >= N) is the regularized incomplete beta I_p(N, M + 1), p = b/(1 + b),
// which Boost computes by its own continued fractions.
#include "darkscan/stats/background_model.hpp"

#include <gtest/gtest.h>

#include <boost/math/distributions/negative_binomial.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <vector>

namespace darkscan::stats {
namespace {

TEST(BackgroundModel, PredictiveIsNegativeBinomial) {
  for (int m : {0, 3, 60, 10000}) {
    for (double b : {1e-4, 0.01, 0.3, 1.0, 2.5}) {
      const int n = 40;
      std::vector<double> log_c(n + 1);
      log_binomial_coefficients(n, m, log_c.data());
      // Boost: failures k before r = m + 1 successes with success probability 1/(1 + b).
      const boost::math::negative_binomial_distribution<long double> nb(m + 1.0L, 1.0L / (1.0L + b));
      for (int k : {0, 1, 7, 40}) {
        const double got = std::exp(log_negative_binomial(k, m, log_c[k], std::log(b), std::log1p(b)));
        const long double want = boost::math::pdf(nb, static_cast<long double>(k));
        if (want < 1e-300L) continue;
        EXPECT_NEAR(got / static_cast<double>(want), 1.0, 1e-12) << "m " << m << " b " << b << " k " << k;
      }
    }
  }
}

TEST(BackgroundModel, TailIsTheIncompleteBetaToFullRelativePrecision) {
  for (int m : {0, 1, 30, 600, 10000}) {
    for (double f : {1.0, 3.0, 40.0, 1000.0, 10000.0}) {
      const double b = 1.0 / f;
      for (int n : {0, 1, 2, 5, 12, 50}) {
        std::vector<double> log_c(n + 1);
        log_binomial_coefficients(n, m, log_c.data());
        const double got = background_tail(n, m, b, log_c[n]);
        const long double p = static_cast<long double>(b) / (1.0L + b);
        const long double want = n == 0 ? 1.0L : boost::math::ibeta(static_cast<long double>(n), m + 1.0L, p);
        if (want < 1e-300L) continue;
        // Tiny tails (1e-15 and far below) keep their relative precision.
        EXPECT_NEAR(got / static_cast<double>(want), 1.0, 1e-12) << "n " << n << " m " << m << " f " << f
                                                                 << " tail " << static_cast<double>(want);
      }
    }
  }
}

}  // namespace
}  // namespace darkscan::stats
