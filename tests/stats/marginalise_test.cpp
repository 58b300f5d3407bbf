// The statistics engine against closed forms worked out independently here with
// Boost.Math: the background-free and known-background Bayesian limits, the
// no-systematics p-value as an incomplete beta function, and determinism.
#include "darkscan/stats/marginalise.hpp"
#include "darkscan/stats/combination.hpp"

#include <gtest/gtest.h>

#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <cstring>

#include "backend/cpu_backend.hpp"
#include "errors.hpp"
#include "stats/stats_plan.hpp"

namespace darkscan::stats {
namespace {

std::vector<StatsResult> run(const std::vector<CountingExperiment>& batch, StatsOptions options = {}, int threads = 2) {
  CpuBackend cpu(threads);
  return cpu.marginalise(batch, plan_statistics(batch, options), options);
}

// The known-background limit: Q(N + 1, s + b) / Q(N + 1, b) = 1 − cl (uniform prior).
double known_background_limit(int n, double b, double cl = 0.95) {
  auto f = [&](long double s) {
    return boost::math::gamma_q(n + 1.0L, s + b) / boost::math::gamma_q(n + 1.0L, static_cast<long double>(b)) -
           (1.0L - cl);
  };
  std::uintmax_t iterations = 200;
  const auto [lo, hi] = boost::math::tools::toms748_solve(f, 0.0L, 200.0L, boost::math::tools::eps_tolerance<long double>(60),
                                                          iterations);
  return static_cast<double>((lo + hi) / 2);
}

TEST(Marginalise, NoEventsGiveMinusLnAlphaWhateverTheBackground) {
  std::vector<CountingExperiment> batch;
  // With a shape uncertainty too: p0 is P(N >= 0) = 1 exactly, not the rule's weight sum.
  for (double delta : {0.0, 0.1, 0.3})
    for (int m : {0, 1, 40, 10000})
      for (double f : {1.0, 10.0, 1e4}) batch.push_back({0, m, f, delta, 0, 0});
  batch.push_back({0, 10, 61.06234343987466, 0.7743595380054897, 0, 0});  // a pi+pi- window whose weights sum to 1 − 6e-16
  for (const auto& r : run(batch)) {
    EXPECT_NEAR(r.ul_events, -std::log(0.05), 1e-12 * 2.9957);
    EXPECT_EQ(r.p0, 1.0);
    EXPECT_EQ(r.z, -HUGE_VAL);
    EXPECT_EQ(r.flags, 0u);
  }
}

TEST(Marginalise, BackgroundFreeLimitsAreTheTextbookOnes) {
  // M = 0 and f huge: no background. 4.744 and 6.296 events for one and two events.
  const auto r = run({{1, 0, 1e13, 0, 0, 0}, {2, 0, 1e13, 0, 0, 0}});
  EXPECT_NEAR(r[0].ul_events, known_background_limit(1, 0), 1e-9);
  EXPECT_NEAR(r[1].ul_events, known_background_limit(2, 0), 1e-9);
  EXPECT_NEAR(r[0].ul_events, 4.7439, 1e-4);
  EXPECT_NEAR(r[1].ul_events, 6.2958, 1e-4);
}

TEST(Marginalise, HugeSidebandTendsToTheKnownBackgroundLimit) {
  for (double b : {0.5, 2.0, 5.0}) {
    for (int n : {0, 1, 3, 8}) {
      const int m = 2'000'000;
      const auto r = run({{n, m, m / b, 0, 0, 0}});
      // The sideband fixes b to 1/sqrt(M) relative; its effect on the limit is O(1/M).
      EXPECT_NEAR(r[0].ul_events / known_background_limit(n, b), 1.0, 1e-5) << "n " << n << " b " << b;
    }
  }
}

TEST(Marginalise, NoSystematicsPValueIsTheIncompleteBeta) {
  for (int n : {1, 3, 10, 50})
    for (int m : {0, 7, 500})
      for (double f : {1.0, 20.0, 5000.0}) {
        const auto r = run({{n, m, f, 0, 0, 0}});
        const long double b = 1.0L / f;
        const long double want = boost::math::ibeta(static_cast<long double>(n), m + 1.0L, b / (1 + b));
        if (want < 1e-300L) continue;
        EXPECT_NEAR(r[0].p0 / static_cast<double>(want), 1.0, 1e-12) << n << " " << m << " " << f;
      }
}

TEST(Marginalise, ResultsDoNotDependOnTheThreadCount) {
  std::vector<CountingExperiment> batch;
  for (int i = 0; i < 3000; ++i)
    batch.push_back({i % 7, (i * 13) % 61, 10.0 + (i * 7) % 990, (i % 2) * 0.2, 0.03 + 0.07 * (i % 5) / 4.0, 0.0047});
  const auto one = run(batch, {}, 1);
  const auto three = run(batch, {}, 3);
  ASSERT_EQ(one.size(), three.size());
  for (std::size_t i = 0; i < one.size(); ++i) {
    EXPECT_EQ(std::memcmp(&one[i].p0, &three[i].p0, sizeof(double)), 0);
    EXPECT_EQ(std::memcmp(&one[i].ul_events, &three[i].ul_events, sizeof(double)), 0);
    EXPECT_EQ(one[i].flags, 0u) << i;
  }
}

TEST(Marginalise, SystematicsWidenTheLimitAndBackgroundLowersIt) {
  const auto r = run({{2, 20, 10, 0, 0, 0}, {2, 20, 10, 0.2, 0, 0}, {2, 20, 10, 0, 0.1, 0}, {2, 0, 1e9, 0, 0, 0}});
  EXPECT_LT(r[3].ul_events, known_background_limit(2, 0) + 1e-9);
  EXPECT_LT(r[0].ul_events, r[3].ul_events);  // background 2 expected: lower limit than none
  EXPECT_GT(r[2].ul_events, r[0].ul_events);  // efficiency uncertainty widens it
  EXPECT_NE(r[1].ul_events, r[0].ul_events);
}

TEST(Marginalise, RefusesImproperGaussianPriorsNamingTheExperiment) {
  std::vector<CountingExperiment> batch{{1, 2, 3, 0, 0.05, 0}, {1, 2, 3, 0, 0.2, 0}};
  try {
    plan_statistics(batch, {});
    FAIL();
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("experiment 1"), std::string::npos) << msg;
    EXPECT_NE(msg.find("eff_rel_unc = 0.2"), std::string::npos) << msg;
    EXPECT_NE(msg.find("--nuisance-prior lognormal"), std::string::npos) << msg;
  }
  EXPECT_NO_THROW(plan_statistics(batch, {0.95, NuisancePrior::lognormal}));
  for (const CountingExperiment& bad : {CountingExperiment{-1, 0, 1, 0, 0, 0}, CountingExperiment{0, -1, 1, 0, 0, 0},
                                        CountingExperiment{0, 0, 0, 0, 0, 0}, CountingExperiment{0, 0, NAN, 0, 0, 0},
                                        CountingExperiment{0, 0, 1, -0.1, 0, 0}, CountingExperiment{0, 0, 1, 0, 0, -1e-3}})
    EXPECT_FALSE(check_experiment(bad, {}).empty());
}

TEST(Marginalise, PriorNamesOutsideTheListsAreRefusedNotDefaulted) {
  const StatsOptions o = stats_options(0.9, "lognormal", "jeffreys");
  EXPECT_EQ(o.nuisance_prior, NuisancePrior::lognormal);
  EXPECT_EQ(o.signal_prior, SignalPrior::jeffreys);
  EXPECT_EQ(stats_options(0.9, "gaussian", "uniform").nuisance_prior, NuisancePrior::gaussian);
  EXPECT_THROW(stats_options(0.95, "log-normal", "uniform"), InputError);
  EXPECT_THROW(stats_options(0.95, "gaussian", "flat"), InputError);
  EXPECT_THROW(stats_options(0.95, "", "uniform"), InputError);
}

}  // namespace
}  // namespace darkscan::stats

namespace darkscan::stats {
namespace {

// The Jeffreys prior (s + b̂)^(−1/2), b̂ = (N_SB + 1)/f, against closed forms: without
// background the posterior is a Gamma(N + 1/2) law; with a known background b it is
// ∝ (s + b)^(N − 1/2) e^{−(s+b)}, so Q(N + 1/2, s + b)/Q(N + 1/2, b) = 1 − cl.
TEST(MarginaliseJeffreys, NoBackgroundGivesTheGammaHalfIntegerQuantile) {
  StatsOptions jeffreys;
  jeffreys.signal_prior = SignalPrior::jeffreys;
  for (int n : {1, 2, 5, 20, 50}) {
    const auto r = run({{n, 0, 1e15, 0, 0, 0}}, jeffreys);
    EXPECT_NEAR(r[0].ul_events / boost::math::gamma_p_inv(n + 0.5, 0.95), 1.0, 1e-12) << n;
  }
}

TEST(MarginaliseJeffreys, HugeSidebandTendsToTheKnownBackgroundLimit) {
  StatsOptions jeffreys;
  jeffreys.signal_prior = SignalPrior::jeffreys;
  for (double b : {0.5, 3.0}) {
    for (int n : {0, 2, 6}) {
      const int m = 2'000'000;
      auto f = [&](long double s) {
        return boost::math::gamma_q(n + 0.5L, s + b) / boost::math::gamma_q(n + 0.5L, static_cast<long double>(b)) -
               0.05L;
      };
      std::uintmax_t iterations = 200;
      const auto [lo, hi] =
          boost::math::tools::toms748_solve(f, 0.0L, 200.0L, boost::math::tools::eps_tolerance<long double>(60), iterations);
      const auto r = run({{n, m, m / b, 0, 0, 0}}, jeffreys);
      EXPECT_NEAR(r[0].ul_events / static_cast<double>((lo + hi) / 2), 1.0, 1e-5) << "n " << n << " b " << b;
    }
  }
}

TEST(MarginaliseJeffreys, LowersTheLimitForObservedEvents) {
  StatsOptions jeffreys;
  jeffreys.signal_prior = SignalPrior::jeffreys;
  const std::vector<CountingExperiment> batch{{1, 5, 10, 0.2, 0.05, 0.0047}, {4, 30, 20, 0, 0.1, 0.0047}};
  const auto j = run(batch, jeffreys);
  const auto u = run(batch);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    EXPECT_LT(j[i].ul_events, u[i].ul_events);
    EXPECT_EQ(j[i].p0, u[i].p0);  // the prior on the signal does not touch p0
    EXPECT_EQ(j[i].flags, 0u);
  }
}

}  // namespace
}  // namespace darkscan::stats

namespace darkscan::stats {
namespace {

TEST(CombinedP0, IsTheProductOverChannels) {
  const double p[] = {0.5, 1e-3, 0.2};
  EXPECT_DOUBLE_EQ(combined_p0(p, 3), 0.5 * 1e-3 * 0.2);
  EXPECT_EQ(combined_p0(p, 0), 1.0);
  // A channel with no events (p0 = 1) leaves the others' combination unchanged.
  const double q[] = {1.0, 2.7e-3};
  EXPECT_EQ(combined_p0(q, 2), 2.7e-3);
  EXPECT_NEAR(significance(combined_p0(q, 2)), 2.7822, 1e-4);
}

}  // namespace
}  // namespace darkscan::stats
