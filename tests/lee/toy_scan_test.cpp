// The look-elsewhere toys (docs/physics/look-elsewhere.md): the predictive count against its
// distribution worked out here, the toy masses (sorted, uniform, never vetoed), the toys'
// p0 against the statistics engine, the global p-value of a two-window scan against an
// exact enumeration, and toys that do not depend on batches, threads or interruptions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numbers>
#include <vector>

#include "backend/cpu_backend.hpp"
#include "lee/lee.hpp"
#include "lee/toy_checkpoint.hpp"
#include "scan/window_grid.hpp"
#include "stats/marginalise_batch.hpp"
#include "stats/truncated_normal_rule.hpp"

namespace darkscan::lee {
namespace {

double log_nb(std::int64_t k, std::int64_t n) {  // log of C(k + N, k) 2^-(k + N + 1)
  const double kk = static_cast<double>(k), nn = static_cast<double>(n);
  return std::lgamma(kk + nn + 1) - std::lgamma(kk + 1) - std::lgamma(nn + 1) - (kk + nn + 1) * std::numbers::ln2;
}

TEST(PredictiveCount, InvertsTheNegativeBinomialOfTheFlatPriorPosterior) {
  for (std::int64_t n_obs : {0, 1, 7, 400}) {
    SCOPED_TRACE(n_obs);
    const double mode = std::exp(log_nb(n_obs, n_obs));
    // u on a regular grid: the share of u mapped to k is P(k) to within the grid step.
    const int grid = 400000;
    std::vector<double> share(6 * n_obs + 60, 0.0);
    for (int i = 0; i < grid; ++i) {
      const std::int64_t k = predictive_count((i + 0.5) / grid, n_obs, mode);
      ASSERT_LT(k, static_cast<std::int64_t>(share.size()));
      share[k] += 1.0 / grid;
    }
    for (std::size_t k = 0; k < share.size(); ++k)
      EXPECT_NEAR(share[k], std::exp(log_nb(static_cast<std::int64_t>(k), n_obs)), 2.0 / grid) << k;
  }
}

// Toys of the K+K- region: masses sorted, inside the range, never in the φ veto, and
// uniform on what is left (a Kolmogorov–Smirnov distance over many toys).
TEST(ToyMasses, AreSortedUniformAndClearOfTheVetoes) {
  config::Config cfg;
  cfg.scan.final_states = {"kk"};
  selection::SelectedData data;
  data.masses[2] = {1.1, 1.5, 2.0, 2.5, 2.9};
  const auto regions = toy_regions(cfg, data);
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_EQ(regions[0].observed, 5);
  // The phi veto (0.977-1.061 GeV) starts below the threshold 2 m_K = 0.987 GeV: it
  // leaves one piece.
  ASSERT_EQ(regions[0].pieces, 1);
  EXPECT_EQ(regions[0].lo[0], cfg.selection.phi_veto_gev.hi);
  Windows windows;
  LeeSettings settings;
  settings.seed = 11;
  ToyJob job = toy_job(regions, windows, settings);
  const std::uint64_t toys = 4000;
  std::vector<std::int64_t> counts(toys * kMaxRegions);
  for (std::uint64_t i = 0; i < toys; ++i) ToyCounts{job, counts.data()}(i);
  const auto offsets = toy_offsets(counts, 1);
  std::vector<double> masses(offsets.back());
  std::vector<ToyOutcome> out(toys);
  for (std::uint64_t i = 0; i < toys; ++i) ToyScan{job, counts.data(), offsets.data(), masses.data(), out.data()}(i);
  double mean_count = 0;
  for (std::uint64_t i = 0; i < toys; ++i) {
    mean_count += static_cast<double>(counts[i * kMaxRegions]) / toys;
    EXPECT_TRUE(std::is_sorted(masses.begin() + offsets[i], masses.begin() + offsets[i + 1])) << i;
  }
  EXPECT_NEAR(mean_count, 6.0, 0.15);  // N + 1, the posterior mean
  const auto& r = regions[0];
  const double veto_lo = cfg.selection.phi_veto_gev.lo, veto_hi = cfg.selection.phi_veto_gev.hi;
  std::vector<double> u;  // the position along the allowed masses, in [0, 1]
  for (double m : masses) {
    ASSERT_GE(m, 2 * 0.493677);
    ASSERT_LE(m, 3.0);
    ASSERT_FALSE(m > veto_lo && m < veto_hi) << m;
    u.push_back((m - r.lo[0]) / r.length);
  }
  std::sort(u.begin(), u.end());
  double ks = 0;
  const double n = static_cast<double>(u.size());
  for (std::size_t i = 0; i < u.size(); ++i)
    ks = std::max({ks, std::abs(u[i] - static_cast<double>(i) / n), std::abs(u[i] - static_cast<double>(i + 1) / n)});
  EXPECT_LT(ks * std::sqrt(static_cast<double>(u.size())), 1.95);  // 0.1 % KS level
}

TEST(ToyP0, AgreesWithTheStatisticsEngine) {
  std::vector<stats::CountingExperiment> batch;
  for (int n : {1, 2, 4, 9, 20, 35})
    for (int m : {0, 3, 20, 60, 150, 400})
      for (double f : {10.0, 80.0, 700.0})
        for (double delta : {0.0, 0.05, 0.3, 0.8}) batch.push_back({n, m, f, delta, 0, 0});
  CpuBackend cpu(2);
  const auto engine = stats::marginalise_batch(cpu, batch, {}, stats::Dedup::never);
  const auto legendre = stats::gauss_legendre_rule(LeeSettings{}.legendre_nodes);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto& e = batch[i];
    const double p = toy_p0(e.n_obs, e.n_sb, e.f, e.delta, legendre);
    EXPECT_NEAR(p, engine[i].p0, 1e-10 * engine[i].p0) << e.n_obs << " " << e.n_sb << " " << e.f << " " << e.delta;
  }
}

// A scan of two windows, [0.20, 0.30] and [0.70, 0.80], on a range [0, 1] without vetoes
// or splits: the toys' global p-value against the exact sum over the predictive count n
// and the multinomial split of n into the two windows and the rest.
class TwoWindowScan : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg_.scan.final_states = {"mumu"};
    range_.final_state = 0;
    range_.lo = 0.0;
    range_.hi = 1.0;
    windows_[0] = {scan::make_window(range_, 0.25, 0.025, 2.0), scan::make_window(range_, 0.75, 0.025, 2.0)};
    // Observed: three events in the first window among eight.
    data_.masses[0] = {0.05, 0.22, 0.24, 0.28, 0.4, 0.55, 0.9, 0.95};
    region_ = ToyRegion{};
    region_.final_state = 0;
    region_.observed = 8;
    region_.mode_probability = std::exp(log_nb(8, 8));
    region_.stream = 77;
    region_.pieces = 1;
    region_.lo[0] = 0.0;
    region_.hi[0] = 1.0;
    region_.length = 1.0;
  }
  config::Config cfg_;
  scan::FinalStateRange range_;
  Windows windows_;
  selection::SelectedData data_;
  ToyRegion region_;
  LeeSettings settings_;
};

TEST_F(TwoWindowScan, GlobalPValueMatchesAnExactEnumeration) {
  const auto legendre = stats::gauss_legendre_rule(settings_.legendre_nodes);
  const ToyOutcome observed = scan_observed(data_, windows_, settings_);
  const double z_obs = observed.max_z;
  ASSERT_TRUE(std::isfinite(z_obs));
  const double f = 0.9 / 0.1;
  auto z_of = [&](std::int64_t k, std::int64_t rest) { return stats::significance(toy_p0(k, rest, f, 0.0, legendre)); };
  EXPECT_EQ(z_obs, z_of(3, 5));
  double exact = 0;
  for (int n = 0; n < 200; ++n) {
    const double pn = std::exp(log_nb(n, 8));
    for (int k1 = 0; k1 <= n; ++k1)
      for (int k2 = 0; k1 + k2 <= n; ++k2) {
        const int rest = n - k1 - k2;
        const double log_multinomial = std::lgamma(n + 1.0) - std::lgamma(k1 + 1.0) - std::lgamma(k2 + 1.0) -
                                       std::lgamma(rest + 1.0) + (k1 + k2) * std::log(0.1) + rest * std::log(0.8);
        // Configurations that repeat the observed counts tie with it: they reach it.
        if (std::max(z_of(k1, n - k1), z_of(k2, n - k2)) >= z_obs * (1 - kReachTolerance))
          exact += pn * std::exp(log_multinomial);
      }
  }
  settings_.seed = 2024;
  const std::vector<ToyRegion> regions{region_};
  std::vector<ToyOutcome> toys;
  CpuBackend cpu(2);
  const std::uint64_t n_toys = 40000;
  run_toys(cpu, regions, windows_, settings_, 0, n_toys, toys, nullptr, nullptr);
  const auto s = summarise(observed, toys, settings_.upcrossing_level);
  const double sigma = std::sqrt(exact * (1 - exact) / n_toys);
  EXPECT_NEAR(s.p_global, exact, 4 * sigma) << "exact " << exact;
  EXPECT_GT(exact, 0.01);  // a test with something to count
}

TEST_F(TwoWindowScan, ToysDoNotDependOnBatchesThreadsOrInterruptions) {
  const std::vector<ToyRegion> regions{region_};
  std::vector<ToyOutcome> whole, pieces, resumed;
  CpuBackend one(1), two(2);
  settings_.batch = 1000;
  run_toys(two, regions, windows_, settings_, 0, 300, whole, nullptr, nullptr);
  settings_.batch = 7;
  run_toys(one, regions, windows_, settings_, 0, 300, pieces, nullptr, nullptr);
  // Interrupted after 100 toys, checkpointed, resumed.
  const std::string fingerprint = "test run";
  const auto path = std::filesystem::temp_directory_path() / "darkscan-lee-checkpoint-test";
  run_toys(two, regions, windows_, settings_, 0, 100, resumed, nullptr,
           [&](const std::vector<ToyOutcome>& done) { write_checkpoint(path, fingerprint, done); });
  resumed = read_checkpoint(path, fingerprint).toys;
  ASSERT_EQ(resumed.size(), 100u);
  EXPECT_TRUE(read_checkpoint(path, "another run").toys.empty());
  run_toys(two, regions, windows_, settings_, 100, 200, resumed, nullptr, nullptr);
  std::filesystem::remove(path);
  ASSERT_EQ(whole.size(), 300u);
  ASSERT_EQ(pieces.size(), 300u);
  ASSERT_EQ(resumed.size(), 300u);
  for (std::size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(whole[i].max_z, pieces[i].max_z) << i;
    EXPECT_EQ(whole[i].events, pieces[i].events) << i;
    EXPECT_EQ(whole[i].max_z, resumed[i].max_z) << i;
    EXPECT_EQ(whole[i].upcrossings[0], resumed[i].upcrossings[0]) << i;
  }
}

TEST_F(TwoWindowScan, UpcrossingsCountRisesThroughTheLevelAlongMass) {
  // Both windows above the level with an empty stretch between them: two up-crossings.
  Windows three;
  three[0] = {scan::make_window(range_, 0.25, 0.025, 2.0), scan::make_window(range_, 0.5, 0.025, 2.0),
              scan::make_window(range_, 0.75, 0.025, 2.0)};
  selection::SelectedData data;
  data.masses[0] = {0.24, 0.25, 0.26, 0.74, 0.75, 0.76};
  settings_.upcrossing_level = 1.0;
  const auto o = scan_observed(data, three, settings_);
  EXPECT_GT(o.max_z_fs[0], 1.0);
  EXPECT_EQ(o.upcrossings[0], 2);
  EXPECT_EQ(o.best_window[0] == 0 || o.best_window[0] == 2, true);
}

}  // namespace
}  // namespace darkscan::lee
