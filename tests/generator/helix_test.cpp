// The toy detector's helix against a direct integration of the equation of motion
// (dp/ds = 0.0029979 q p̂ × B, in GeV, cm and tesla) with a fourth-order Runge–Kutta.
#include "darkscan/generator/helix.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace darkscan::generator {
namespace {

struct State {
  Vec3 x, p;
};

// Positions along the path of a charged particle in a uniform field along +z, step ds cm.
std::vector<Vec3> integrate_path(Vec3 x, Vec3 p, int charge, double b, double length, double ds) {
  const double k = 0.0029979245800 * charge * b;  // GeV per cm per unit |B|
  auto deriv = [&](const State& s) {
    const Vec3 u = s.p.unit();
    return State{u, u.cross(Vec3{0, 0, 1}) * k};
  };
  std::vector<Vec3> out{x};
  State s{x, p};
  for (double t = 0; t < length; t += ds) {
    const State k1 = deriv(s);
    const State k2 = deriv({s.x + k1.x * (ds / 2), s.p + k1.p * (ds / 2)});
    const State k3 = deriv({s.x + k2.x * (ds / 2), s.p + k2.p * (ds / 2)});
    const State k4 = deriv({s.x + k3.x * ds, s.p + k3.p * ds});
    s.x = s.x + (k1.x + k2.x * 2 + k3.x * 2 + k4.x) * (ds / 6);
    s.p = s.p + (k1.p + k2.p * 2 + k3.p * 2 + k4.p) * (ds / 6);
    out.push_back(s.x);
  }
  return out;
}

struct HelixCase {
  Vec3 start, p;
  int charge;
};

class HelixVersusIntegration : public ::testing::TestWithParam<HelixCase> {};

TEST_P(HelixVersusIntegration, PositionsRadiiAndCrossingsAgree) {
  const auto& c = GetParam();
  const double b = 1.5;
  const Helix h = make_helix(c.start, c.p, c.charge, b);
  const double ds = 0.02;
  // A little more than half a turn of path.
  const double length = 1.05 * M_PI * h.radius * c.p.norm() / c.p.perp();
  const auto path = integrate_path(c.start, c.p, c.charge, b, length, ds);
  // ψ = transverse arc / R, and the transverse arc is ds·pT/p per step.
  const double per_step = ds * c.p.perp() / c.p.norm() / h.radius;
  double r_max = 0;
  for (std::size_t i = 0; i < path.size(); i += 500) {
    const Vec3 expected = path[i];
    const Vec3 got = h.at(static_cast<double>(i) * per_step);
    EXPECT_NEAR(got.x, expected.x, 1e-6) << "step " << i;
    EXPECT_NEAR(got.y, expected.y, 1e-6) << "step " << i;
    EXPECT_NEAR(got.z, expected.z, 1e-6) << "step " << i;
  }
  // Largest radius on the first half turn, and where it first reaches 10 cm beyond its start.
  const double r_test = c.start.perp() + 10.0;
  const auto half_turn = static_cast<std::size_t>(M_PI / per_step);
  double first = -1;
  for (std::size_t i = 0; i <= half_turn && i < path.size(); ++i) {
    r_max = std::max(r_max, path[i].perp());
    if (first < 0 && path[i].perp() >= r_test) first = static_cast<double>(i) * per_step;
  }
  EXPECT_NEAR(h.max_radius(M_PI), r_max, 1e-3);
  const double psi_test = h.psi_at_radius(r_test);
  if (first >= 0) EXPECT_NEAR(psi_test, first, 2 * per_step);
  else EXPECT_TRUE(psi_test < 0 || psi_test > M_PI - 2 * per_step) << psi_test;
  // The z plane at +-30 cm.
  if (c.p.z != 0) {
    const double z = c.p.z > 0 ? c.start.z + 30 : c.start.z - 30;
    EXPECT_NEAR(h.at(h.psi_at_z(z)).z, z, 1e-9);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Tracks, HelixVersusIntegration,
    ::testing::Values(HelixCase{{0, 0, 0}, {0.5, 0.2, 0.3}, 1},          // prompt, stiff
                      HelixCase{{0, 0, 0}, {0.15, -0.1, -0.2}, -1},      // prompt curler (2R < 113 cm)
                      HelixCase{{12, -5, 3}, {-0.3, 0.4, 0.1}, 1},       // displaced, heading inwards first
                      HelixCase{{40, 30, -10}, {1.2, 0.9, 0.5}, -1}));  // displaced, outward

TEST(Helix, ProtonFromOriginReachesTwiceItsRadius) {
  // pT = 0.3 GeV in 1.5 T: R = 0.3 / (0.29979 * 1.5) m = 66.71 cm; from the origin the
  // farthest point is the diameter, reached after half a turn.
  const Helix h = make_helix({0, 0, 0}, {0.3, 0, 0.1}, 1, 1.5);
  EXPECT_NEAR(h.radius, 0.3 / (0.299792458 * 1.5) * 100, 1e-9);
  EXPECT_NEAR(h.max_radius(M_PI), 2 * h.radius, 1e-9);
  EXPECT_NEAR(h.at(M_PI).perp(), 2 * h.radius, 1e-9);
  EXPECT_LT(h.psi_at_radius(2 * h.radius + 1), 0);  // never reached
  // A positive track in a field along +z turns clockwise: starting along +x it bends to -y.
  EXPECT_LT(h.at(0.1).y, 0.0);
}

}  // namespace
}  // namespace darkscan::generator
