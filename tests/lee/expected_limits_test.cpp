// Expected limits: the exact quantiles of n_obs's background-only predictive distribution
// and the limits at them, against brute-force toys drawn here another way (std::mt19937_64:
// μ from the sideband's Gamma posterior, x from the truncated normal by rejection, n from
// a Poisson), whose empirical limit quantiles they must equal; and the coverage toys'
// Poisson sampler against the Poisson distribution.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "backend/cpu_backend.hpp"
#include "lee/coverage.hpp"
#include "lee/expected_limits.hpp"
#include "stats/marginalise_batch.hpp"

namespace darkscan::lee {
namespace {

struct Window {
  int n_sb;
  double f, delta, eff_rel_unc;
};

TEST(ExpectedLimits, EqualTheQuantilesOfBruteForceToys) {
  const Window windows[] = {{0, 60.0, 0.0, 0.05}, {7, 20.0, 0.0, 0.08}, {12, 9.0, 0.3, 0.05}, {40, 15.0, 0.6, 0.1}};
  scan::ScanTable rows;
  for (const auto& w : windows) {
    rows.final_state.push_back(1);
    rows.mass.push_back(static_cast<double>(rows.mass.size()) + 1.0);  // distinct windows
    rows.n_sb.push_back(w.n_sb);
    rows.f.push_back(w.f);
    rows.delta.push_back(w.delta);
    rows.eff_rel_unc.push_back(w.eff_rel_unc);
    rows.efficiency.push_back(0.05);
    rows.limit_status.push_back(scan::kLimitOk);
  }
  CpuBackend cpu(2);
  const stats::StatsOptions options;
  const double lumi_unc = 0.0047;
  const ExpectedLimits expected = expected_limits(cpu, rows, 365.0, lumi_unc, options);

  std::mt19937_64 rng(12345);
  const int toys = 20000;
  int compared = 0;
  for (std::size_t i = 0; i < std::size(windows); ++i) {
    const auto& w = windows[i];
    SCOPED_TRACE(i);
    std::gamma_distribution<double> mu(w.n_sb + 1.0, 1.0);
    std::normal_distribution<double> normal;
    const double x_lo = w.delta > 0 ? std::max(-5.0, -1.0 / w.delta) : -5.0;
    std::vector<int> n(toys);
    for (int& k : n) {
      double x = 0;
      do x = normal(rng);
      while (x < x_lo || x > 5.0);
      std::poisson_distribution<int> count(mu(rng) * (1.0 + x * w.delta) / w.f);
      k = count(rng);
    }
    // Limits at each drawn count (the engine, one experiment per distinct count).
    std::map<int, double> limit;
    for (int k : n) limit[k] = 0;
    std::vector<stats::CountingExperiment> batch;
    for (const auto& [k, _] : limit) batch.push_back({k, w.n_sb, w.f, w.delta, w.eff_rel_unc, lumi_unc});
    const auto results = stats::marginalise_batch(cpu, batch, options);
    std::size_t j = 0;
    for (auto& [k, ul] : limit) ul = results[j++].ul_events;
    std::vector<double> uls;
    for (int k : n) uls.push_back(limit[k]);
    std::sort(uls.begin(), uls.end());
    std::sort(n.begin(), n.end());
    for (int b = 0; b < kBands; ++b) {
      const double p = kBandProbabilities[b];
      // The empirical p-quantile: the smallest value whose empirical CDF reaches p.
      const auto at = static_cast<std::size_t>(std::ceil(p * toys)) - 1;
      // Where the exact CDF passes within 4σ of p the toys cannot tell two counts apart.
      const std::int64_t q = expected.n_obs[b][i];
      const double share_below = static_cast<double>(std::lower_bound(n.begin(), n.end(), q) - n.begin()) / toys;
      const double share_upto = static_cast<double>(std::upper_bound(n.begin(), n.end(), q) - n.begin()) / toys;
      const double sigma = std::sqrt(p * (1 - p) / toys);
      if (std::abs(share_below - p) < 4 * sigma || std::abs(share_upto - p) < 4 * sigma) continue;
      ++compared;
      EXPECT_EQ(n[at], q) << kBandNames[b];
      EXPECT_NEAR(uls[at], expected.ul_events[b][i], 1e-12 * uls[at]) << kBandNames[b];
      EXPECT_NEAR(expected.ul_xsec_fb[b][i], expected.ul_events[b][i] / (0.05 * 365.0), 1e-12);
    }
    // Monotone bands, and something above zero counts at the upper ones.
    if (i > 0) {  // the first window expects almost nothing
      EXPECT_GT(expected.n_obs[4][i], 0);
    }
    for (int b = 1; b < kBands; ++b) EXPECT_GE(expected.ul_events[b][i], expected.ul_events[b - 1][i]);
  }
  EXPECT_GE(compared, 16);  // of 20: few quantiles sit within the toys' resolution of a band edge
}

TEST(ExpectedLimits, RowsWithoutALimitHaveNone) {
  scan::ScanTable rows;
  rows.final_state = {0};
  rows.mass = {1.0};
  rows.n_sb = {3};
  rows.f = {30.0};
  rows.delta = {0.0};
  rows.eff_rel_unc = {0.0};
  rows.efficiency = {0.0};
  rows.limit_status = {scan::kNoEfficiency};
  CpuBackend cpu(1);
  const auto e = expected_limits(cpu, rows, 365.0, 0.0047, {});
  for (int b = 0; b < kBands; ++b) {
    EXPECT_TRUE(std::isnan(e.ul_events[b][0]));
    EXPECT_GE(e.n_obs[b][0], 0);  // the quantiles are still there
  }
}

TEST(CoverageToys, PoissonCountsFollowThePoissonDistribution) {
  for (double mean : {0.3, 4.5, 800.0}) {
    const int grid = 200000;
    std::map<std::int64_t, double> share;
    for (int i = 0; i < grid; ++i) share[poisson_count((i + 0.5) / grid, mean)] += 1.0 / grid;
    for (const auto& [k, s] : share) {
      const double kk = static_cast<double>(k);
      EXPECT_NEAR(s, std::exp(kk * std::log(mean) - mean - std::lgamma(kk + 1)), 2.0 / grid) << mean << " " << k;
    }
  }
}

}  // namespace
}  // namespace darkscan::lee
