// The exclusion logic of the interpretation on hand-made limit tables whose excluded
// sinθ intervals are known exactly: limits piecewise linear in (log cτ, log limit), so that
// the interpolation is exact and the crossings can be solved by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "interpret/exclusion.hpp"
#include "interpret/interpret.hpp"
#include "support/temp_dir.hpp"

namespace darkscan::interpret {
namespace {

const std::vector<double> kCtau = {0.1, 1.0, 10.0, 100.0, 1000.0, 10000.0};

TEST(Exclusion, AValleyGivesOneIntervalAtTheExactCrossings) {
  // limit = 0.1 fb · 10^|log10 cτ − 1|: a V with its bottom at 10 cm. With the prediction
  // 1 fb the excluded set is |log10 cτ − 1| < 1, cτ in (1, 100) cm; at cτ̂ = 1e-4 cm,
  // sinθ = sqrt(cτ̂ / cτ) in (1e-3, 1e-2).
  std::vector<double> limit;
  for (double c : kCtau) limit.push_back(0.1 * std::pow(10.0, std::abs(std::log10(c) - 1)));
  const auto cut = excluded_ctau(kCtau, limit, 1.0);
  ASSERT_EQ(cut.size(), 1u);
  EXPECT_NEAR(cut[0].ctau_lo_cm, 1.0, 1e-12);
  EXPECT_NEAR(cut[0].ctau_hi_cm, 100.0, 1e-10);
  EXPECT_FALSE(cut[0].open_lo);
  EXPECT_FALSE(cut[0].open_hi);
  EXPECT_DOUBLE_EQ(cut[0].limit_lo_fb, 1.0);
  const auto s = to_sin_theta(cut, 1e-4);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_NEAR(s[0].lo, 1e-3, 1e-15);
  EXPECT_NEAR(s[0].hi, 1e-2, 1e-14);
  // A prediction of 0.3 fb: |log10 cτ − 1| < log10 3, crossings inside grid cells.
  const auto narrow = excluded_ctau(kCtau, limit, 0.3);
  ASSERT_EQ(narrow.size(), 1u);
  EXPECT_NEAR(narrow[0].ctau_lo_cm, 10.0 / 3.0, 1e-12);
  EXPECT_NEAR(narrow[0].ctau_hi_cm, 30.0, 1e-11);
}

TEST(Exclusion, TwoValleysGiveAnIsland) {
  // Dips to 0.1 fb at 1 cm and 1000 cm, 10 fb at 10 and 100 cm: with 1 fb predicted the
  // crossings are halfway (in log) on each side of each dip.
  const std::vector<double> limit = {1.0, 0.1, 10.0, 10.0, 0.1, 1.0};
  const auto cut = excluded_ctau(kCtau, limit, 1.0);
  ASSERT_EQ(cut.size(), 2u);
  // Left dip: 0.1 cm is exactly at the prediction (not excluded: the prediction must exceed).
  EXPECT_NEAR(cut[0].ctau_lo_cm, 0.1, 1e-15);
  EXPECT_NEAR(cut[0].ctau_hi_cm, std::sqrt(10.0), 1e-12);  // log limit −1 → +1 over one decade: 0 at half
  EXPECT_NEAR(cut[1].ctau_lo_cm, 1000.0 / std::sqrt(10.0), 1e-9);
  EXPECT_NEAR(cut[1].ctau_hi_cm, 10000.0, 1e-9);
  const auto s = to_sin_theta(cut, 1.0);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_LT(s[0].hi, s[1].lo);  // ascending, disjoint
  EXPECT_NEAR(s[1].hi, std::sqrt(1.0 / 0.1), 1e-12);
}

TEST(Exclusion, EdgesAtTheGridOrAtMissingLimitsAreOpen) {
  const std::vector<double> everywhere = {0.5, 0.4, 0.3, 0.3, 0.4, 0.5};
  auto cut = excluded_ctau(kCtau, everywhere, 1.0);
  ASSERT_EQ(cut.size(), 1u);
  EXPECT_TRUE(cut[0].open_lo);
  EXPECT_TRUE(cut[0].open_hi);
  EXPECT_EQ(cut[0].ctau_lo_cm, 0.1);
  EXPECT_EQ(cut[0].limit_hi_fb, 0.5);
  const std::vector<double> gap = {0.5, std::nan(""), 0.3, 0.3, 2.0, 2.0};
  cut = excluded_ctau(kCtau, gap, 1.0);
  ASSERT_EQ(cut.size(), 2u);
  EXPECT_TRUE(cut[0].open_lo);
  EXPECT_TRUE(cut[0].open_hi);  // stops at the missing limit
  EXPECT_EQ(cut[0].ctau_hi_cm, 0.1);
  EXPECT_TRUE(cut[1].open_lo);
  EXPECT_FALSE(cut[1].open_hi);
  EXPECT_TRUE(excluded_ctau(kCtau, {5, 5, 5, 5, 5, 5}, 1.0).empty());
}

class ProductionTableTest : public testing::TempDirTest {};

TEST_F(ProductionTableTest, ATableSetsThePredictionAndItsExclusion) {
  // σ_prod = 2 fb and B(chi2) = 0.5 from 0.4 to 1.2 GeV: 1 fb predicted, and with the V of
  // limits above at each mass the excluded cτ is (1, 100) cm, sinθ = sqrt(cτ̂ / cτ).
  const auto path = write_file("xsec.csv", "m_hp_gev,sigma_prod_fb,b_chi2_to_chi1_ee\n0.4,2,0.5\n1.2,2,0.5\n");
  const auto table = ProductionTable::from_table(path);
  CombinedLimits limits;
  const std::vector<double> masses = {0.5, 1.0, 1.5};
  limits.masses = masses.size();
  for (double c : kCtau)
    for (double m : masses) {
      limits.ctau_cm.push_back(c);
      limits.mass.push_back(m);
      limits.limit_fb.push_back(0.1 * std::pow(10.0, std::abs(std::log10(c) - 1)));
    }
  const auto widths = physics::DarkHiggsWidths::builtin();
  const auto result = sin_theta_exclusion(limits, widths, physics::DarkSectorPoint{}, 10.58, &table);
  ASSERT_EQ(result.size(), 3u);
  for (int k = 0; k < 2; ++k) {
    const auto& r = result[k];
    EXPECT_DOUBLE_EQ(r.predicted_fb, 1.0);
    ASSERT_EQ(r.intervals.size(), 1u);
    const double hat = widths.ctau_cm(masses[k], 1.0);
    EXPECT_NEAR(r.intervals[0].lo, std::sqrt(hat / 100.0), 1e-9 * std::sqrt(hat / 100.0));
    EXPECT_NEAR(r.intervals[0].hi, std::sqrt(hat / 1.0), 1e-9 * std::sqrt(hat));
    EXPECT_DOUBLE_EQ(r.best_limit_fb, 0.1);
  }
  EXPECT_TRUE(std::isnan(result[2].predicted_fb));  // beyond the table: no prediction, nothing excluded
  EXPECT_TRUE(result[2].intervals.empty());
}

}  // namespace
}  // namespace darkscan::interpret
