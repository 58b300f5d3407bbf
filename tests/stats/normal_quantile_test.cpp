// Φ⁻¹ (AS 241) against Boost.Math's normal quantile and erfc⁻¹, down to the smallest
// p-values a double holds.
#include "darkscan/stats/normal_quantile.hpp"

#include <gtest/gtest.h>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/erf.hpp>
#include <cmath>

namespace darkscan::stats {
namespace {

TEST(NormalQuantile, MatchesBoostAcrossTheRange) {
  const boost::math::normal_distribution<long double> normal;
  for (double p : {1e-300, 1e-100, 1e-30, 1e-15, 2.9e-7, 1e-3, 0.01, 0.02275, 0.1, 0.3, 0.425, 0.5, 0.6, 0.9,
                   0.975, 0.999, 1 - 1e-12}) {
    const long double want = boost::math::quantile(normal, static_cast<long double>(p));
    const double got = normal_quantile(p);
    if (p == 0.5) {
      EXPECT_EQ(got, 0.0);
      continue;
    }
    EXPECT_NEAR(got / static_cast<double>(want), 1.0, 1e-14) << "p = " << p;
  }
}

TEST(Significance, IsTheUpperTailQuantileAndMinusInfinityAtOne) {
  // Z = sqrt(2) erfc⁻¹(2 p0), computed independently with Boost in long double.
  for (double p0 : {0.5, 0.1587, 0.02275, 1.35e-3, 2.87e-7, 1e-15, 1e-200}) {
    const long double want = std::sqrt(2.0L) * boost::math::erfc_inv(2.0L * p0);
    EXPECT_NEAR(significance(p0), static_cast<double>(want), 1e-13 * std::max(1.0, std::fabs(static_cast<double>(want))))
        << p0;
  }
  EXPECT_EQ(significance(1.0), -HUGE_VAL);
  EXPECT_EQ(significance(0.0), HUGE_VAL);
}

}  // namespace
}  // namespace darkscan::stats
