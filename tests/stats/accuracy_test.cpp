// The statistics engine against the independent high-precision reference
// (stats_reference.cpp: quadrature of the original integrals with Boost.Math), across
// the ranges the engine promises: n_obs 0-50, n_sb 0-10^4, f 1-10^4, δ 0-0.5,
// efficiency and luminosity uncertainties 0-0.19 (Gaussian) and 0-1 (log-normal).
// Relative error below 1e-8 on p0 and on the limit, or the point is flagged.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "backend/cpu_backend.hpp"
#include "darkscan/core/random.hpp"
#include "stats/stats_plan.hpp"
#include "stats/stats_reference.hpp"

namespace darkscan::stats {
namespace {

struct Case {
  CountingExperiment e;
  NuisancePrior prior;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  const auto g = NuisancePrior::gaussian;
  const auto l = NuisancePrior::lognormal;
  // Corners of the range.
  out.push_back({{0, 0, 1, 0, 0, 0}, g});
  out.push_back({{0, 10000, 1e4, 0.5, 0.19, 0.19}, g});
  out.push_back({{50, 0, 1e4, 0.5, 0.19, 0.0047}, g});
  out.push_back({{50, 10000, 1e4, 0.2, 0.1, 0.0047}, g});
  out.push_back({{1, 10000, 1, 0, 0, 0}, g});
  out.push_back({{3, 100, 10, 0.5, 0.05, 0.0047}, g});
  out.push_back({{10, 5, 50, 0.3, 0.19, 0.1}, g});
  out.push_back({{2, 20, 10, 0.1, 1.0, 0.5}, l});
  out.push_back({{5, 60, 100, 0.2, 0.3, 0.0047}, l});
  out.push_back({{0, 3, 3, 0, 1.0, 1.0}, l});
  // A spread over the range, drawn reproducibly.
  for (std::uint64_t i = 0; i < 24; ++i) {
    const auto w = random_words({77, 0}, i);
    const auto v = random_words({77, 1}, i);
    const int n_obs = static_cast<int>(w[0] % 51);
    const int n_sb = static_cast<int>(std::pow(10.0, 4.0 * uniform01(w[1], w[2])) - 1.0 + 0.5);
    const double f = std::pow(10.0, 4.0 * uniform01(w[3], v[0]));
    const double delta = (v[1] % 3 == 0) ? 0.0 : 0.5 * uniform01(v[1], v[2]);
    const bool lognormal = v[3] % 4 == 0;
    const double rmax = lognormal ? 1.0 : 0.19;
    const auto u = random_words({77, 2}, i);
    out.push_back({{n_obs, n_sb, f, delta, rmax * uniform01(u[0], u[1]), (u[2] % 2) ? 0.0047 : rmax * uniform01(u[2], u[3])},
                   lognormal ? l : g});
  }
  return out;
}

// One case by the engine (uniform prior) and by the reference, and where it is, for messages.
struct Compared {
  StatsResult r;
  double p0 = 0;
  double ul = 0;
  std::string where;
};

Compared compare(CpuBackend& cpu, const Case& c) {
  const StatsOptions options{0.95, c.prior};
  const std::vector<CountingExperiment> batch{c.e};
  const reference::Experiment re{c.e.n_obs, c.e.n_sb, c.e.f, c.e.delta, c.e.eff_rel_unc, c.e.lumi_rel_unc,
                                 c.prior == NuisancePrior::lognormal};
  return {cpu.marginalise(batch, plan_statistics(batch, options), options)[0],
          static_cast<double>(reference::p0(re)), static_cast<double>(reference::upper_limit_events(re, 0.95L)),
          ::testing::PrintToString(std::vector<double>{double(c.e.n_obs), double(c.e.n_sb), c.e.f, c.e.delta,
                                                       c.e.eff_rel_unc, c.e.lumi_rel_unc,
                                                       double(c.prior == NuisancePrior::lognormal)})};
}

TEST(StatsAccuracy, AgreesWithTheHighPrecisionReferenceToOneInTenToTheEight) {
  CpuBackend cpu(2);
  int flagged = 0;
  for (const auto& c : cases()) {
    const auto [r, p0, ul, where] = compare(cpu, c);
    EXPECT_EQ(r.flags & kLimitNotConverged, 0u) << where;
    if (r.flags & kIllConditioned) {
      ++flagged;
      continue;  // flagged, not silently wrong: its accuracy is reported apart
    }
    EXPECT_NEAR(r.p0 / p0, 1.0, 1e-8) << where << " p0 " << r.p0 << " reference " << p0;
    EXPECT_NEAR(r.ul_events / ul, 1.0, 1e-8) << where << " limit " << r.ul_events << " reference " << ul;
  }
  EXPECT_LE(flagged, 3) << "more flagged points than the ill-conditioned corners explain";
}

TEST(StatsAccuracy, JeffreysLimitsAgreeWithTheReferenceToOneInTenToTheEight) {
  CpuBackend cpu(2);
  std::vector<Case> some;  // every third case: the reference's s quadrature is the slow part
  const auto all = cases();
  for (std::size_t i = 0; i < all.size(); i += 3) some.push_back(all[i]);
  for (const auto& c : some) {
    StatsOptions options{0.95, c.prior};
    options.signal_prior = SignalPrior::jeffreys;
    const std::vector<CountingExperiment> batch{c.e};
    const auto r = cpu.marginalise(batch, plan_statistics(batch, options), options)[0];
    if (r.flags & kIllConditioned) continue;
    const reference::Experiment re{c.e.n_obs, c.e.n_sb, c.e.f, c.e.delta, c.e.eff_rel_unc, c.e.lumi_rel_unc,
                                   c.prior == NuisancePrior::lognormal};
    const double ul = static_cast<double>(reference::upper_limit_events(re, 0.95L, reference::SignalPrior::jeffreys));
    EXPECT_NEAR(r.ul_events / ul, 1.0, 1e-8) << ::testing::PrintToString(std::vector<double>{
        double(c.e.n_obs), double(c.e.n_sb), c.e.f, c.e.delta, c.e.eff_rel_unc, c.e.lumi_rel_unc})
                                             << " limit " << r.ul_events << " reference " << ul;
  }
}

// Counts of 90 and more with a shape uncertainty, whose shape ladder used to hold only
// the 64-node rule, which nothing verified (the first row is the one whose limit came
// out 501.7 and 210.8 on two runs while its coefficients went unwritten). Unflagged:
// 1e-8, as above. Flagged rows keep their highest (128-node) rule's result. Most lie in
// the corner docs/physics/statistics.md#accuracy names, a count far below a large, precisely measured background
// ((n_sb + 1)/f >> n_obs) with δ > 0, where the shape integrand's peak at the lower edge
// x = −1/δ is narrower than the rule resolves. Others (the 255 and 240 rows here) are
// accurate, but their A_j of j near n_obs (a background near zero, at that edge) differ
// between the 96- and 128-node rules by more than kShapeTolerance, though the limit
// hardly weighs them. Over 664 random experiments with n_obs 90-255 the flagged results
// missed the reference by at most 3e-5 on p0 and 1e-3 on the limit, and over a scan of
// that corner (n_sb = 10^4, f 1-5, δ 0.3-0.6) by 2e-4 and 7e-3: flagged rows are held
// to 1e-3 and 3e-2.
std::vector<Case> large_count_cases() {
  const auto g = NuisancePrior::gaussian;
  const auto l = NuisancePrior::lognormal;
  std::vector<Case> out{{{120, 400, 4, 0.1, 0, 0}, g},
                        {{120, 400, 4, 0.1, 0.05, 0.0047}, g},
                        {{90, 300, 3, 0.2, 0.1, 0}, g},
                        {{150, 1000, 8, 0.05, 0, 0.0047}, g},
                        {{200, 40, 0.25, 0.3, 0.1, 0}, g},
                        {{255, 10000, 40, 0.5, 0, 0}, g},  // the 64-node rule alone: 2e-8 off on p0
                        {{250, 20, 0.1, 0.2, 0, 0.0047}, g},
                        {{180, 5000, 20, 0.02, 0, 0}, g},
                        {{106, 559, 6.06021, 0.504763, 0.0862265, 0.0047}, g},
                        {{128, 100, 1, 0.3, 0, 0}, g},
                        {{130, 600, 5, 0.3, 0.3, 0.0047}, l},
                        {{240, 2000, 8, 0.45, 0.1, 0.05}, l},
                        {{101, 7418, 1.75056, 0.528542, 0.142471, 0.0047}, g},  // the corner: flagged
                        {{90, 10000, 1, 0.6, 0, 0}, g}};                        // the corner: flagged
  // Windows whose sideband predicts about the count, drawn reproducibly.
  for (std::uint64_t i = 0; i < 10; ++i) {
    const auto w = random_words({78, 0}, i);
    const int n_obs = 90 + static_cast<int>(w[0] % (kMaxObserved - 89));
    const int n_sb = static_cast<int>(std::pow(10.0, 2.0 + 2.0 * uniform01(w[1], w[2])));
    const double f = n_sb / (n_obs * (0.5 + 1.5 * uniform01(w[3], w[2])));
    const auto u = random_words({78, 1}, i);
    out.push_back({{n_obs, n_sb, f, 0.01 + 0.5 * uniform01(u[0], u[1]), 0.19 * uniform01(u[2], u[3]), 0.0047}, g});
  }
  return out;
}

TEST(StatsAccuracy, LargeCountsWithAShapeUncertaintyAgreeWithTheReference) {
  CpuBackend cpu(2);
  for (const auto& c : large_count_cases()) {
    const auto [r, p0, ul, where] = compare(cpu, c);
    EXPECT_EQ(r.flags & kLimitNotConverged, 0u) << where;
    const bool flagged = (r.flags & kIllConditioned) != 0;
    EXPECT_NEAR(r.p0 / p0, 1.0, flagged ? 1e-3 : 1e-8) << where << " flags " << r.flags << " p0 " << r.p0;
    EXPECT_NEAR(r.ul_events / ul, 1.0, flagged ? 3e-2 : 1e-8) << where << " flags " << r.flags << " limit "
                                                               << r.ul_events << " reference " << ul;
  }
}

// (190, 40, 0.25, 0.3): 120.188983176179074 by an independent 30-digit computation
// (mpmath: A_j by quadrature over x, then the s integrals), which the engine meets to 2e-15.
TEST(StatsAccuracy, LargeCountJeffreysLimitsAgreeWithTheReference) {
  CpuBackend cpu(2);
  for (const auto& e : {CountingExperiment{120, 400, 4, 0.1, 0, 0}, CountingExperiment{200, 40, 0.25, 0.3, 0.1, 0},
                        CountingExperiment{190, 40, 0.25, 0.3, 0, 0}}) {
    StatsOptions options;
    options.signal_prior = SignalPrior::jeffreys;
    const std::vector<CountingExperiment> batch{e};
    const auto r = cpu.marginalise(batch, plan_statistics(batch, options), options)[0];
    ASSERT_EQ(r.flags, 0u);
    const reference::Experiment re{e.n_obs, e.n_sb, e.f, e.delta, e.eff_rel_unc, e.lumi_rel_unc, false};
    const double ul = static_cast<double>(reference::upper_limit_events(re, 0.95L, reference::SignalPrior::jeffreys));
    EXPECT_NEAR(r.ul_events / ul, 1.0, 1e-8) << e.n_obs << " limit " << r.ul_events << " reference " << ul;
  }
}

// A background in the thousands and a count far below it: the Jeffreys quadrature runs
// in v = sqrt(g s + c) − sqrt(c), as t = u² − c lost its digits to cancellation there and
// the limit's root finder stopped unconverged (flag 1) on 12 of these 15 rows. Every row
// converges; three, each flagged before, meet the reference (the slow part: 10 s each).
TEST(StatsAccuracy, JeffreysLimitsUnderALargeBackgroundConvergeAndAgreeWithTheReference) {
  CpuBackend cpu(2);
  StatsOptions options;
  options.signal_prior = SignalPrior::jeffreys;
  std::vector<CountingExperiment> batch;
  for (int n_sb : {354, 2360, 5900})
    for (int n : {0, 3, 13, 40, 120}) batch.push_back({n, n_sb, 1.18, 0, 0.045, 0.0047});
  const auto results = cpu.marginalise(batch, plan_statistics(batch, options), options);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const CountingExperiment& e = batch[i];
    EXPECT_EQ(results[i].flags, 0u) << e.n_obs << " " << e.n_sb;
    const bool checked = (e.n_sb == 2360 && (e.n_obs == 3 || e.n_obs == 13)) || (e.n_sb == 5900 && e.n_obs == 40);
    if (!checked) continue;
    const reference::Experiment re{e.n_obs, e.n_sb, e.f, e.delta, e.eff_rel_unc, e.lumi_rel_unc, false};
    const double ul = static_cast<double>(reference::upper_limit_events(re, 0.95L, reference::SignalPrior::jeffreys));
    EXPECT_NEAR(results[i].ul_events / ul, 1.0, 1e-8)
        << e.n_obs << " " << e.n_sb << " limit " << results[i].ul_events << " reference " << ul;
  }
}

}  // namespace
}  // namespace darkscan::stats
