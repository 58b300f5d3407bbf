// Four-vectors, boosts and two-body decays against values worked out by hand.
#include "darkscan/physics/four_vector.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace darkscan::physics {
namespace {

constexpr double kKshortMass = 0.497611, kPionMass = 0.13957039;

TEST(Kinematics, TwoBodyMomentumOfKshortToPiPi) {
  // p* = sqrt(M²/4 − m²) for equal masses: 0.205972 GeV (PDG lists 206 MeV/c).
  const double expected = std::sqrt(kKshortMass * kKshortMass / 4 - kPionMass * kPionMass);
  EXPECT_NEAR(two_body_momentum(kKshortMass, kPionMass, kPionMass), expected, 1e-15);
  EXPECT_NEAR(expected, 0.205972, 1e-6);
  EXPECT_EQ(two_body_momentum(0.2, kPionMass, kPionMass), 0.0);  // closed
}

TEST(Kinematics, KshortBuiltAtRestAndBoostedKeepsItsMass) {
  // π+π− back to back at rest, then boosted to 3 GeV/c along a slanted direction: the
  // pair mass must stay 0.4976 GeV, computed either way.
  const double q = std::sqrt(kKshortMass * kKshortMass / 4 - kPionMass * kPionMass);
  const Vec3 axis = Vec3{0.3, -0.5, 0.8}.unit();
  const FourVector a = on_shell(Vec3{0.6, 0.8, 0.0} * q, kPionMass);
  const FourVector b = on_shell(Vec3{-0.6, -0.8, 0.0} * q, kPionMass);
  const double p = 3.0, e = std::sqrt(p * p + kKshortMass * kKshortMass);
  const Vec3 beta = axis * (p / e);
  const FourVector a_lab = boost(a, beta), b_lab = boost(b, beta);
  EXPECT_NEAR((a_lab + b_lab).mass(), kKshortMass, 1e-12);
  EXPECT_NEAR(pair_mass(a_lab.p, kPionMass, b_lab.p, kPionMass), kKshortMass, 1e-13);
  // The parent's momentum is what was asked for.
  const Vec3 sum = a_lab.p + b_lab.p;
  EXPECT_NEAR(sum.x, axis.x * p, 1e-12);
  EXPECT_NEAR(sum.z, axis.z * p, 1e-12);
  EXPECT_NEAR(a_lab.e + b_lab.e, e, 1e-12);
}

TEST(Kinematics, BoostAlongZMatchesTheTextbookForm) {
  // E' = γ(E + β pz), pz' = γ(pz + β E) for a boost along z.
  const double beta = 0.2727, gamma = 1 / std::sqrt(1 - beta * beta);
  const FourVector v{2.0, {0.3, -0.4, 1.1}};
  const FourVector w = boost(v, {0, 0, beta});
  EXPECT_NEAR(w.e, gamma * (2.0 + beta * 1.1), 1e-14);
  EXPECT_NEAR(w.p.z, gamma * (1.1 + beta * 2.0), 1e-14);
  EXPECT_EQ(w.p.x, 0.3);
  // And back.
  const FourVector u = boost(w, {0, 0, -beta});
  EXPECT_NEAR(u.e, v.e, 1e-14);
  EXPECT_NEAR(u.p.z, v.p.z, 1e-14);
}

TEST(Kinematics, PairMassOfNearlyCollinearLightPairKeepsItsDigits) {
  // Two muons of 5 GeV at 1e-4 rad: m² = 2m² + 2(E1E2 − p1p2 cos θ). In long double
  // with the exact expansion, 1 − cos θ = 2 sin²(θ/2).
  const double m = 0.1056583755, p = 5.0, theta = 1e-4;
  const Vec3 a{0, 0, p}, b{p * std::sin(theta), 0, p * std::cos(theta)};
  const long double e = std::sqrt(static_cast<long double>(p) * p + static_cast<long double>(m) * m);
  const long double s2 = std::sin(static_cast<long double>(theta) / 2);
  const long double pp_cos = static_cast<long double>(p) * p * (1 - 2 * s2 * s2);
  const long double m2 = 2.0L * m * m + 2 * (e * e - pp_cos);
  EXPECT_NEAR(pair_mass(a, m, b, m), static_cast<double>(std::sqrt(m2)), 1e-14);
}

TEST(Kinematics, AngleBetweenIsAccurateNearZeroAndPi) {
  EXPECT_NEAR(angle_between({1, 0, 0}, {1, 1e-9, 0}), 1e-9, 1e-20);
  EXPECT_NEAR(angle_between({1, 0, 0}, {-1, 1e-9, 0}), M_PI - 1e-9, 1e-15);
  EXPECT_NEAR(angle_between({0, 0, 2}, {0, 3, 0}), M_PI / 2, 1e-15);
}

}  // namespace
}  // namespace darkscan::physics
