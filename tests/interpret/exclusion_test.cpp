// The exclusion logic of the interpretation on hand-made limit tables whose excluded
// sinθ intervals are known exactly: limits piecewise linear in (log cτ, log limit), so that
// the interpolation is exact and the crossings can be solved by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "interpret/exclusion.hpp"

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

}  // namespace
}  // namespace darkscan::interpret
