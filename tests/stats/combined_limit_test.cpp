// Combinations of final states (darkscan/stats/combined_limit.hpp): one channel gives the
// single-experiment limit; background-free channels give the closed-form gamma limits;
// with backgrounds and a shared efficiency nuisance the limit matches a direct numerical
// integration of the product of the channels' likelihoods done here with Boost's
// adaptive quadrature; the p-value is the product of the channels'.
#include <gtest/gtest.h>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/tools/roots.hpp>
#include <cmath>

#include "backend/cpu_backend.hpp"
#include "errors.hpp"
#include "stats/combined_plan.hpp"
#include "stats/marginalise_batch.hpp"

namespace darkscan::stats {
namespace {

std::vector<CombinedResult> combine(const std::vector<CombinedExperiment>& batch, const StatsOptions& options = {}) {
  CpuBackend cpu(2);
  return cpu.combine(batch, plan_combination(batch, options), options);
}

CombinedExperiment one(const CountingExperiment& e, double rate) {
  CombinedExperiment c;
  c.channels = 1;
  c.channel[0] = e;
  c.rate[0] = rate;
  return c;
}

TEST(CombinedLimit, OneChannelIsTheSingleExperimentLimit) {
  const std::vector<CountingExperiment> singles = {
      {0, 0, 10, 0, 0, 0}, {3, 5, 20, 0, 0.05, 0.0047}, {2, 40, 80, 0.3, 0.1, 0.0047}, {7, 12, 9, 0.6, 0.15, 0.02}};
  CpuBackend cpu(2);
  const auto reference = marginalise_batch(cpu, singles, {}, Dedup::never);
  std::vector<CombinedExperiment> batch;
  for (const auto& e : singles) batch.push_back(one(e, 7.5));
  const auto results = combine(batch);
  for (std::size_t i = 0; i < singles.size(); ++i) {
    EXPECT_NEAR(results[i].limit * 7.5, reference[i].ul_events, 1e-10 * reference[i].ul_events) << i;
    EXPECT_EQ(results[i].p0, reference[i].p0) << i;
  }
}

TEST(CombinedLimit, BackgroundFreeChannelsGiveTheGammaQuantile) {
  // No background (a sideband of no events a 10^12 times wider), no systematics: the
  // posterior is σ^(N1+N2) e^{−σ(r1 + r2)}, its 95 % quantile P^{-1}(N1 + N2 + 1, 0.95)/(r1 + r2).
  for (auto [n1, n2] : {std::pair{0, 0}, std::pair{2, 3}, std::pair{1, 0}, std::pair{6, 4}}) {
    CombinedExperiment c;
    c.channels = 2;
    c.channel[0] = {n1, 0, 1e12, 0, 0, 0};
    c.channel[1] = {n2, 0, 1e12, 0, 0, 0};
    c.rate[0] = 2.0;
    c.rate[1] = 5.0;
    const auto r = combine({c})[0];
    const double expected = boost::math::gamma_p_inv(n1 + n2 + 1.0, 0.95) / 7.0;
    EXPECT_NEAR(r.limit, expected, 1e-9 * expected) << n1 << " " << n2;
  }
}

// The reference: channels with δ = 0 and no luminosity uncertainty, so that
// L_k(s) = Σ_j Pois(j; s) NB(N_k − j; 1/f_k) exactly (the μ integral in closed form) and the
// shared y is integrated numerically over the normal truncated to [−5, 5].
struct Channel {
  int n, m;
  double f, r_eff, rate;
};

double channel_likelihood(const Channel& c, double s) {
  const double b = 1.0 / c.f;
  double sum = 0;
  for (int j = 0; j <= c.n; ++j) {
    const int k = c.n - j;  // background events
    const double log_nb = std::lgamma(k + c.m + 1.0) - std::lgamma(k + 1.0) - std::lgamma(c.m + 1.0) +
                          k * std::log(b) - (k + c.m + 1.0) * std::log1p(b);
    const double log_pois = j * std::log(s) - s - std::lgamma(j + 1.0);
    sum += std::exp(log_nb + (s > 0 ? log_pois : (j == 0 ? 0.0 : -INFINITY)));
  }
  return sum;
}

double reference_limit(const std::vector<Channel>& channels, double cl) {
  using boost::math::quadrature::gauss_kronrod;
  const double norm = 0.5 * (std::erf(5 / std::sqrt(2.0)) - std::erf(-5 / std::sqrt(2.0)));
  auto posterior = [&](double sigma) {  // ∫ dy φ(y)/norm Π_k L_k(σ r_k (1 + y r_k'))
    return gauss_kronrod<double, 61>::integrate(
        [&](double y) {
          double product = std::exp(-0.5 * y * y) / std::sqrt(2 * M_PI) / norm;
          for (const auto& c : channels) product *= channel_likelihood(c, sigma * c.rate * (1 + y * c.r_eff));
          return product;
        },
        -5.0, 5.0, 10, 1e-14);
  };
  auto mass = [&](double a, double b) { return gauss_kronrod<double, 61>::integrate(posterior, a, b, 15, 1e-13); };
  double upper = 1.0;
  while (posterior(upper) > 1e-18 * posterior(0.0) + 1e-300) upper *= 2;
  const double total = mass(0.0, upper);
  boost::math::tools::eps_tolerance<double> tol(50);
  std::uintmax_t iterations = 200;
  const auto [lo, hi] = boost::math::tools::toms748_solve(
      [&](double s) { return mass(0.0, s) - cl * total; }, 0.0, upper, -cl * total, (1 - cl) * total, tol, iterations);
  return 0.5 * (lo + hi);
}

TEST(CombinedLimit, MatchesADirectIntegrationWithBackgroundsAndASharedEfficiency) {
  const std::vector<std::vector<Channel>> cases = {
      {{2, 10, 20.0, 0.05, 3.0}, {1, 4, 40.0, 0.12, 8.0}},
      {{0, 0, 60.0, 0.08, 1.5}, {4, 30, 9.0, 0.1, 2.5}, {1, 2, 15.0, 0.03, 6.0}},
      {{5, 3, 5.0, 0.15, 4.0}, {3, 8, 12.0, 0.15, 4.0}},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    CombinedExperiment c;
    c.channels = static_cast<int>(cases[i].size());
    for (int k = 0; k < c.channels; ++k) {
      const auto& ch = cases[i][k];
      c.channel[k] = {ch.n, ch.m, ch.f, 0.0, ch.r_eff, 0.0};
      c.rate[k] = ch.rate;
    }
    const auto r = combine({c})[0];
    const double reference = reference_limit(cases[i], 0.95);
    EXPECT_NEAR(r.limit, reference, 1e-8 * reference) << i;
    EXPECT_EQ(r.flags & kLimitNotConverged, 0u);
  }
}

TEST(CombinedLimit, PValueIsTheProductOfTheChannels) {
  CombinedExperiment c;
  c.channels = 2;
  c.channel[0] = {3, 2, 30, 0.2, 0.05, 0.0047};
  c.channel[1] = {1, 9, 15, 0.0, 0.05, 0.0047};
  c.rate[0] = c.rate[1] = 1.0;
  CpuBackend cpu(1);
  const auto singles = marginalise_batch(cpu, std::vector<CountingExperiment>{c.channel[0], c.channel[1]}, {});
  const auto r = combine({c})[0];
  EXPECT_DOUBLE_EQ(r.p0, singles[0].p0 * singles[1].p0);
  EXPECT_NEAR(r.z, significance(singles[0].p0 * singles[1].p0), 1e-12);
}

TEST(CombinedLimit, BadCombinationsAreRefused) {
  CombinedExperiment none;
  EXPECT_THROW(combine({none}), InputError);
  CombinedExperiment bad_rate = one({1, 1, 10, 0, 0, 0}, 0.0);
  EXPECT_THROW(combine({bad_rate}), InputError);
  StatsOptions jeffreys;
  jeffreys.signal_prior = SignalPrior::jeffreys;
  EXPECT_THROW(combine({one({1, 1, 10, 0, 0, 0}, 1.0)}, jeffreys), InputError);
}

}  // namespace
}  // namespace darkscan::stats
