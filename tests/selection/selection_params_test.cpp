// The config's [selection] (degrees, as the paper quotes its cuts) and [collider] in the
// core's units: the radians below were computed separately (Python's math module).
#include "selection/selection_params.hpp"

#include <gtest/gtest.h>

namespace darkscan::selection {
namespace {

TEST(SelectionFromConfig, DegreesBecomeRadiansAndBeamsTheirInvariantMass) {
  const auto p = params_from_config(config::Config{});
  EXPECT_NEAR(p.cuts.pointing_max, 0.054105206811824215, 1e-16);
  EXPECT_NEAR(p.cuts.hp_theta_ext.lo, 0.6457718232379019, 1e-15);
  EXPECT_NEAR(p.cuts.hp_theta_ext.hi, 2.129301687433082, 1e-15);
  EXPECT_NEAR(p.cuts.pipi_theta_ext.lo, 0.3141592653589793, 1e-15);
  EXPECT_NEAR(p.cuts.pipi_theta_ext.hi, 2.705260340591211, 1e-15);
  EXPECT_NEAR(p.cuts.missing_theta.lo, 0.40142572795869574, 1e-15);
  EXPECT_NEAR(p.cuts.missing_theta.hi, 2.600540585471551, 1e-15);
  EXPECT_EQ(p.cuts.ks_veto.lo, 0.467);
  EXPECT_EQ(p.cuts.lambda_veto.hi, 1.15);
  EXPECT_EQ(p.cuts.phi_veto.lo, 0.977);
  EXPECT_EQ(p.cuts.track_hits_min, 20);
  EXPECT_EQ(p.cuts.missing_klm_angle_min, 0.5);
  // sqrt(s) of 7 and 4 GeV beams with the electron mass: 10.583005240292977 GeV.
  EXPECT_NEAR(p.beams.sqrt_s, 10.583005240292977, 1e-12);

  const auto moved = params_from_config(config::parse("[selection]\nhp_pointing_angle_max_deg = 90\n", "t.toml"));
  EXPECT_NEAR(moved.cuts.pointing_max, 1.5707963267948966, 1e-15);
}

}  // namespace
}  // namespace darkscan::selection
