// The ladder of Gauss rules for the background-shape nuisance x (stats_plan.cpp,
// nuisance_integrals.hpp) at counts above those the 64-node rule verifies: every
// experiment with δ > 0 gets two rules to compare, the coefficients of an unverified
// ladder are still written (and flagged), and the results are the same bits on every
// run and thread count.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "backend/cpu_backend.hpp"
#include "darkscan/stats/nuisance_integrals.hpp"
#include "stats/combined_plan.hpp"
#include "stats/stats_plan.hpp"
#include "stats/truncated_normal_rule.hpp"

namespace darkscan::stats {
namespace {

// Experiments with a shape uncertainty and counts from 90, the first whose ladder held
// only the 64-node rule, to the largest the engine takes.
std::vector<CountingExperiment> large_counts() {
  std::vector<CountingExperiment> batch{{120, 400, 4, 0.1, 0, 0},    {120, 400, 4, 0.1, 0.05, 0.0047},
                                        {90, 300, 3, 0.2, 0.1, 0},   {150, 1000, 8, 0.05, 0, 0.0047},
                                        {200, 40, 0.25, 0.3, 0.1, 0}, {255, 10000, 40, 0.5, 0.19, 0.19},
                                        {255, 0, 1e4, 0.1, 0, 0},     {180, 5000, 20, 0.02, 0.05, 0}};
  for (int n = 90; n <= kMaxObserved; n += 11) batch.push_back({n, 3 * n, 2.5, 0.15, 0.08, 0.0047});
  return batch;
}

std::vector<StatsResult> run(const std::vector<CountingExperiment>& batch, int threads,
                             const StatsOptions& options = {}) {
  CpuBackend cpu(threads);
  return cpu.marginalise(batch, plan_statistics(batch, options), options);
}

void expect_same_bits(const std::vector<StatsResult>& a, const std::vector<StatsResult>& b, const char* what) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(std::memcmp(&a[i].p0, &b[i].p0, sizeof(double)), 0) << what << " " << i;
    EXPECT_EQ(std::memcmp(&a[i].ul_events, &b[i].ul_events, sizeof(double)), 0) << what << " " << i;
    EXPECT_EQ(a[i].flags, b[i].flags) << what << " " << i;
  }
}

TEST(ShapeLadder, EveryCountWithAShapeUncertaintyHasTwoRulesToCompare) {
  for (int n = 0; n <= kMaxObserved; ++n) {
    const auto ladder = shape_rule_ladder({n, 10, 1, 0.1, 0, 0});
    ASSERT_GE(ladder.size(), 2u) << "n_obs " << n;
    for (std::size_t k = 1; k < ladder.size(); ++k) EXPECT_LT(ladder[k - 1], ladder[k]) << "n_obs " << n;
    EXPECT_LE(ladder.back(), kMaxGaussNodes) << "n_obs " << n;
  }
  EXPECT_TRUE(shape_rule_ladder({120, 400, 4, 0, 0, 0}).empty());  // δ = 0: the single node x = 0
}

TEST(ShapeLadder, LargeCountsGiveTheSameBitsOnEveryRunAndThreadCount) {
  const auto all = large_counts();
  for (const SignalPrior prior : {SignalPrior::uniform, SignalPrior::jeffreys}) {
    StatsOptions options;
    options.signal_prior = prior;
    // The Jeffreys prior's limits cost ~100 times more: the first few experiments.
    const std::vector<CountingExperiment> batch(all.begin(), prior == SignalPrior::uniform ? all.end() : all.begin() + 4);
    const auto first = run(batch, 1, options);
    expect_same_bits(first, run(batch, 1, options), "second run, one thread");
    expect_same_bits(first, run(batch, 2, options), "two threads");
    // Alone, without the rest of the batch (and its rules), the same bits again.
    expect_same_bits({first[0]}, run({batch[0]}, 2, options), "alone");
    for (std::size_t i = 0; i < batch.size(); ++i) {
      EXPECT_TRUE(std::isfinite(first[i].ul_events) && first[i].ul_events > 0.0) << i;
      EXPECT_TRUE(first[i].p0 >= 0.0 && first[i].p0 <= 1.0) << i;  // 0: below the smallest double (n_obs 255, no background)
      EXPECT_EQ(first[i].flags & kLimitNotConverged, 0u) << i;
    }
  }
}

TEST(ShapeLadder, CombinationsOfLargeCountsGiveTheSameBitsOnEveryRun) {
  CombinedExperiment c;
  c.channels = 2;
  c.channel[0] = {120, 400, 4, 0.1, 0.05, 0.0047};
  c.channel[1] = {100, 900, 10, 0.2, 0.05, 0.0047};
  c.rate[0] = 3.0;
  c.rate[1] = 1.5;
  const std::vector<CombinedExperiment> batch{c, c};
  const StatsOptions options;
  const auto plan = plan_combination(batch, options);
  const auto a = CpuBackend(1).combine(batch, plan, options);
  const auto b = CpuBackend(2).combine(batch, plan_combination(batch, options), options);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    EXPECT_EQ(std::memcmp(&a[i].limit, &b[i].limit, sizeof(double)), 0) << i;
    EXPECT_EQ(std::memcmp(&a[i].p0, &a[0].p0, sizeof(double)), 0) << i;
    EXPECT_EQ(std::memcmp(&a[i].p0, &b[i].p0, sizeof(double)), 0) << i;
    EXPECT_GT(a[i].limit, 0.0);
  }
}

// The shared core on its own: a ladder that cannot be verified (here one of a single
// rule) still leaves p0 and the A_j of its highest rule, and says so with the flag.
TEST(ShapeLadder, AnUnverifiedLadderKeepsItsHighestRuleAndIsFlagged) {
  const CountingExperiment e{120, 400, 4, 0.1, 0, 0};
  const std::vector<GaussRule> rules{truncated_normal_rule(64, -5.0, 5.0)};
  double log_c[kMaxObserved + 1];
  log_binomial_coefficients(e.n_obs, e.n_sb, log_c);
  double want[kMaxObserved + 1];
  const double want_p0 = shape_integral(e, &rules[0], log_c, want);

  double a[kMaxObserved + 1];
  for (double& v : a) v = -1.0;  // what a missing write would leave
  StatsResult r;
  background_coefficients(e, RuleChoice{0, 1, -1, -1}, rules.data(), a, r);
  EXPECT_EQ(r.p0, want_p0);
  EXPECT_NE(r.flags & kIllConditioned, 0u);
  for (int j = 0; j <= e.n_obs; ++j) EXPECT_EQ(a[j], want[j]) << j;
}

}  // namespace
}  // namespace darkscan::stats
