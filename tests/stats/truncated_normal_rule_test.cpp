// The Gauss rules for the truncated normal: they must integrate every polynomial of
// degree up to 2n − 1 exactly, against moments from the closed-form recursion
//   m_k = (k − 1) m_{k−2} − [x^{k−1} φ(x)]_lo^hi / (Φ(hi) − Φ(lo)),
// evaluated in long double.
#include "stats/truncated_normal_rule.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/quadrature/gauss.hpp>
#include <cmath>
#include <numbers>
#include <vector>

namespace darkscan::stats {
namespace {

std::vector<long double> truncated_normal_moments(int kmax, long double lo, long double hi) {
  auto phi = [](long double x) { return std::exp(-x * x / 2) / std::sqrt(2 * std::numbers::pi_v<long double>); };
  auto cdf = [](long double x) { return 0.5L * std::erfc(-x / std::sqrt(2.0L)); };
  const long double mass = cdf(hi) - cdf(lo);
  std::vector<long double> m(kmax + 1);
  m[0] = 1;
  m[1] = (phi(lo) - phi(hi)) / mass;
  for (int k = 2; k <= kmax; ++k)
    m[k] = (k - 1) * m[k - 2] + (std::pow(lo, k - 1) * phi(lo) - std::pow(hi, k - 1) * phi(hi)) / mass;
  return m;
}

TEST(TruncatedNormalRule, IntegratesPolynomialsOfDegree2nMinus1Exactly) {
  for (double lo : {-5.0, -2.0, -1.25}) {
    for (int n : {1, 2, 5, 8, 16, 24}) {
      const GaussRule rule = truncated_normal_rule(n, lo, 5.0);
      ASSERT_EQ(rule.n, n);
      const auto m = truncated_normal_moments(2 * n - 1, lo, 5.0L);
      for (int k = 0; k <= 2 * n - 1; ++k) {
        long double sum = 0, magnitude = 0;
        for (int i = 0; i < n; ++i) {
          sum += rule.w[i] * std::pow(static_cast<long double>(rule.x[i]), k);
          magnitude += rule.w[i] * std::pow(std::fabs(static_cast<long double>(rule.x[i])), k);
        }
        // Odd moments vanish by cancellation: compare on the scale of E|x|^k, the size
        // of the terms, which a double rule reproduces to rounding.
        const long double scale = std::max<long double>(1, magnitude);
        EXPECT_NEAR(static_cast<double>(sum / scale), static_cast<double>(m[k] / scale), 2e-12)
            << "lo " << lo << " n " << n << " k " << k;
      }
      for (int i = 0; i < n; ++i) {
        EXPECT_GT(rule.w[i], 0);
        EXPECT_GT(rule.x[i], lo);
        EXPECT_LT(rule.x[i], 5.0);
      }
    }
  }
}

// The large rules of the background-shape ladder (64, 96 and 128 nodes): there the
// moment recursion above loses every digit, so the moments are of Chebyshev polynomials
// T_k of t = (2x − lo − hi)/(hi − lo), all bounded by 1, by Gauss–Legendre in long double
// on panels of width 0.05 (exact for degree 59 a panel, far beyond what φ·T_255 needs
// there). The rules reach 7e-14; the 128-node rule from the discretisation of 40 panels
// that serves the rules up to 64 nodes missed by 5e-11 (lo = −5) to 4e-6 (lo = −1.25).
std::vector<long double> truncated_normal_chebyshev_moments(int kmax, long double lo, long double hi) {
  using Legendre = boost::math::quadrature::gauss<long double, 30>;
  const auto& abscissa = Legendre::abscissa();  // the non-negative half of a symmetric rule
  const auto& weight = Legendre::weights();
  std::vector<long double> m(kmax + 1, 0.0L), t_k(kmax + 1);
  long double mass = 0;
  const int panels = static_cast<int>(std::ceil((hi - lo) / 0.05L));
  const long double width = (hi - lo) / panels;
  for (int p = 0; p < panels; ++p) {
    const long double mid = lo + (p + 0.5L) * width;
    for (std::size_t i = 0; i < abscissa.size(); ++i)
      for (const long double sign : {-1.0L, 1.0L}) {
        const long double x = mid + sign * 0.5L * width * abscissa[i];
        const long double w = 0.5L * width * weight[i] * std::exp(-x * x / 2);
        const long double t = (2 * x - lo - hi) / (hi - lo);
        t_k[0] = 1;
        t_k[1] = t;
        for (int k = 2; k <= kmax; ++k) t_k[k] = 2 * t * t_k[k - 1] - t_k[k - 2];
        for (int k = 0; k <= kmax; ++k) m[k] += w * t_k[k];
        mass += w;
      }
  }
  for (long double& v : m) v /= mass;
  return m;
}

TEST(TruncatedNormalRule, LargeRulesIntegrateChebyshevPolynomialsOfDegree2nMinus1) {
  for (double lo : {-5.0, -2.0, -1.25}) {
    const auto m = truncated_normal_chebyshev_moments(2 * kMaxGaussNodes - 1, lo, 5.0L);
    for (int n : {64, 96, kMaxGaussNodes}) {
      const GaussRule rule = truncated_normal_rule(n, lo, 5.0);
      ASSERT_EQ(rule.n, n);
      double worst = 0;
      int worst_k = -1;
      for (int k = 0; k <= 2 * n - 1; ++k) {
        long double sum = 0;
        for (int i = 0; i < n; ++i) {
          const long double t = (2 * static_cast<long double>(rule.x[i]) - lo - 5.0L) / (5.0L - lo);
          sum += rule.w[i] * std::cos(k * std::acos(std::clamp(t, -1.0L, 1.0L)));
        }
        if (const double error = static_cast<double>(std::fabs(sum - m[k])); error > worst) {
          worst = error;
          worst_k = k;
        }
      }
      EXPECT_LT(worst, 1e-12) << "lo " << lo << " n " << n << " k " << worst_k;
      for (int i = 0; i < n; ++i) {
        EXPECT_GT(rule.w[i], 0);
        EXPECT_GT(rule.x[i], lo);
        EXPECT_LT(rule.x[i], 5.0);
      }
    }
  }
}

TEST(GaussLegendreRule, IntegratesPolynomialsExactly) {
  const GaussRule rule = gauss_legendre_rule(10);
  for (int k = 0; k < 20; ++k) {
    double sum = 0;
    for (int i = 0; i < rule.n; ++i) sum += rule.w[i] * std::pow(rule.x[i], k);
    EXPECT_NEAR(sum, k % 2 ? 0.0 : 2.0 / (k + 1), 1e-14) << k;
  }
}

}  // namespace
}  // namespace darkscan::stats
