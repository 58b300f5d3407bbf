// The selection of docs/physics/selection.md on hand-built candidates: every cut just inside
// and just outside its threshold, the final-state classification, and the derived
// kinematics against values worked out here another way (long double, explicit boosts).
#include "darkscan/selection/cuts.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace darkscan::selection {
namespace {

constexpr double kDeg = M_PI / 180;
constexpr double kMpi = 0.13957039, kMp = 0.93827208816, kMe = 0.000510998950;

// A candidate that passes everything: a pi+pi- (or mu+mu-, K+K-) pair at 0.7 GeV from a
// vertex along its momentum, an e+e- pair, the missing momentum at 59 degrees.
Candidate passing(int pid = physics::pion) {
  Candidate c;
  c.ecl_energy_trigger = 2.0;
  c.ecl_energy_extra = 0.2;
  c.n_extra_tracks = 0;
  c.miss_klm_angle = M_PI;
  c.trk[hp_trk0] = {{1.0, 0.1, 0.4}, 1, 50, 70 * kDeg, 0.2, pid};
  c.trk[hp_trk1] = {{0.5, 0.4, 0.6}, -1, 50, 60 * kDeg, 0.2, pid};
  c.trk[chi_trk0] = {{0.4, -0.9, 0.5}, 1, 50, 80 * kDeg, 1.0, physics::electron};
  c.trk[chi_trk1] = {{-0.2, -0.6, 0.3}, -1, 50, 85 * kDeg, 0.65, physics::electron};
  const Vec3 p = c.trk[hp_trk0].p + c.trk[hp_trk1].p;
  c.hp_vertex = p.unit() * 5.0;
  c.chi_vertex = {0.05, 0.02, 0.1};
  return c;
}

class Selection : public ::testing::Test {
 protected:
  Beams beams = make_beams(7.0, 4.0);
  SelectionCuts cuts;
  int step(const Candidate& c) { return first_failed_cut(c, derive(c, beams), cuts); }
  int step(const Candidate& c, const Derived& d) { return first_failed_cut(c, d, cuts); }
};

TEST_F(Selection, TheBaseCandidatesPassInEveryFinalState) {
  for (int pid : {physics::muon, physics::pion, physics::kaon}) EXPECT_EQ(step(passing(pid)), kPassed) << pid;
}

TEST_F(Selection, Preselection) {
  auto c = passing();
  c.trk[hp_trk1].charge = 1;  // same-sign h' pair
  EXPECT_EQ(step(c), 0);
  c = passing();
  c.trk[chi_trk0].charge = -1;
  EXPECT_EQ(step(c), 0);
  c = passing();
  c.trk[hp_trk1].pid = physics::muon;  // mixed pair
  EXPECT_EQ(step(c), 0);
  c = passing(physics::proton);
  EXPECT_EQ(step(c), 0);
  c = passing(physics::electron);
  EXPECT_EQ(step(c), 0);
  c = passing();
  c.trk[chi_trk1].pid = physics::pion;  // a chi2 daughter that is not an electron
  EXPECT_EQ(step(c), 0);
}

TEST_F(Selection, EachCutJustInsideAndJustOutside) {
  const Candidate base = passing();
  const Derived d0 = derive(base, beams);
  ASSERT_EQ(step(base, d0), kPassed);
  constexpr double e = 1e-9;
  // Cuts on stored columns: value inside -> passes, outside -> fails at that step.
  auto column_cut = [&](int number, auto set, double inside, double outside) {
    Candidate c = base;
    set(c, inside);
    EXPECT_EQ(step(c), kPassed) << "cut " << number << " at " << inside;
    set(c, outside);
    EXPECT_EQ(step(c), number) << "cut " << number << " at " << outside;
  };
  column_cut(1, [](Candidate& c, double v) { c.ecl_energy_trigger = v; }, 1.5 + e, 1.5);
  column_cut(2, [](Candidate& c, double v) { c.trk[chi_trk1].nhits = static_cast<int>(v); }, 20, 19);
  // Angular edges as the cuts hold them (their degrees are checked in SelectionFromConfig).
  const auto& k = cuts;
  column_cut(7, [](Candidate& c, double v) { c.trk[hp_trk0].theta_ext = c.trk[hp_trk1].theta_ext = v; },
             k.hp_theta_ext.lo + e, k.hp_theta_ext.lo);
  column_cut(7, [](Candidate& c, double v) { c.trk[hp_trk0].theta_ext = c.trk[hp_trk1].theta_ext = v; },
             k.hp_theta_ext.hi - e, k.hp_theta_ext.hi);
  column_cut(8, [](Candidate& c, double v) { c.trk[chi_trk0].theta_ext = v; }, k.pipi_theta_ext.lo + e,
             k.pipi_theta_ext.lo);
  column_cut(8, [](Candidate& c, double v) { c.trk[chi_trk0].theta_ext = v; }, k.pipi_theta_ext.hi - e,
             k.pipi_theta_ext.hi);
  column_cut(14, [](Candidate& c, double v) { c.miss_klm_angle = v; }, 0.5, 0.5 - e);
  column_cut(17, [](Candidate& c, double v) { c.n_extra_tracks = static_cast<int>(v); }, 0, 1);
  column_cut(18, [](Candidate& c, double v) { c.ecl_energy_extra = v; }, 1.0 - e, 1.0);

  // Cuts on derived quantities: set the quantity itself.
  auto derived_cut = [&](int number, auto set, double inside, double outside) {
    Derived d = d0;
    set(d, inside);
    EXPECT_EQ(step(base, d), kPassed) << "cut " << number << " at " << inside;
    set(d, outside);
    EXPECT_EQ(step(base, d), number) << "cut " << number << " at " << outside;
  };
  derived_cut(3, [](Derived& d, double v) { d.open_chi = v; }, 0.1 + e, 0.1);
  derived_cut(3, [](Derived& d, double v) { d.open_hp = v; }, 0.1 + e, 0.1);
  derived_cut(4, [](Derived& d, double v) { d.pointing = v; }, k.pointing_max - e, k.pointing_max);
  derived_cut(5, [](Derived& d, double v) { d.hp_dv = v, d.chi_dv = 0.01; }, 0.2, 0.2 - e);
  derived_cut(5, [](Derived& d, double v) { d.chi_dv = v, d.hp_dv = 0.01; }, 0.2, 0.2 - e);
  derived_cut(6, [](Derived& d, double v) { d.chi_dv = v; }, 110 - e, 110);
  derived_cut(9, [](Derived& d, double v) { d.eop[1] = v; }, 0.6 + e, 0.6);
  derived_cut(10, [](Derived& d, double v) { d.m_hp = v; }, 0.467, 0.467 + e);
  derived_cut(10, [](Derived& d, double v) { d.m_hp = v; }, 0.529, 0.529 - e);
  derived_cut(11, [](Derived& d, double v) { d.m_ppi[0] = v; }, 1.06, 1.06 + e);
  derived_cut(11, [](Derived& d, double v) { d.m_ppi[1] = v; }, 1.15, 1.15 - e);
  derived_cut(13, [](Derived& d, double v) { d.e_miss_cm = v; }, 0.4 + e, 0.4);
  derived_cut(15, [](Derived& d, double v) { d.theta_miss = v; }, k.missing_theta.lo + e, k.missing_theta.lo);
  derived_cut(15, [](Derived& d, double v) { d.theta_miss = v; }, k.missing_theta.hi - e, k.missing_theta.hi);
  derived_cut(16, [](Derived& d, double v) { d.m_ee = v; }, 2.5 - e, 2.5);
  derived_cut(19, [](Derived& d, double v) { d.open_hp = v; }, 3.0 - e, 3.0);
}

TEST_F(Selection, VetoesApplyToTheirFinalStatesOnly) {
  // A pi+pi- mass in the K_S window is vetoed; as mu+mu- or K+K- it is not. The phi
  // window vetoes K+K- only; cut 8 (theta_ext of all four tracks) applies to pi+pi- only.
  for (int pid : {physics::muon, physics::pion, physics::kaon}) {
    const Candidate c = passing(pid);
    Derived d = derive(c, beams);
    d.m_hp = 0.5;
    EXPECT_EQ(step(c, d), pid == physics::pion ? 10 : kPassed);
    d = derive(c, beams);
    d.m_ppi[0] = 1.1;
    EXPECT_EQ(step(c, d), pid == physics::pion ? 11 : kPassed);
    d = derive(c, beams);
    d.m_hp = 1.02;
    EXPECT_EQ(step(c, d), pid == physics::kaon ? 12 : kPassed);
    Candidate far = c;
    far.trk[chi_trk1].theta_ext = 160 * kDeg;
    EXPECT_EQ(step(far), pid == physics::pion ? 8 : kPassed);
  }
}

TEST_F(Selection, KshortBuiltAtRestAndBoostedGivesItsMassAndNotTheLambdas) {
  // pi+ pi- back to back at rest (p* = sqrt(M²/4 − m²)), boosted to 2 GeV/c along a slanted axis.
  const long double M = 0.497611L, m = kMpi;
  const long double q = std::sqrt(M * M / 4 - m * m);
  const long double p = 2.0L, bg = p / M;  // βγ of the K_S
  // Axis u; the decay axis n ⟂ u. Lab momenta: ±q n (transverse, unchanged) plus the boost along u of E* = M/2.
  const long double u[3] = {0.6L, 0.0L, 0.8L}, n[3] = {0.0L, 1.0L, 0.0L};
  const long double along = bg * M / 2;  // γβ E*, the component along u
  Candidate c = passing();
  c.trk[hp_trk0].p = {static_cast<double>(along * u[0] + q * n[0]), static_cast<double>(along * u[1] + q * n[1]),
                      static_cast<double>(along * u[2] + q * n[2])};
  c.trk[hp_trk1].p = {static_cast<double>(along * u[0] - q * n[0]), static_cast<double>(along * u[1] - q * n[1]),
                      static_cast<double>(along * u[2] - q * n[2])};
  c.hp_vertex = Vec3{0.6, 0.0, 0.8} * 3.0;  // along its flight
  const Derived d = derive(c, beams);
  EXPECT_NEAR(d.m_hp, 0.497611, 1e-9);
  EXPECT_NEAR(d.m_hp, 0.4976, 1e-4);
  EXPECT_EQ(step(c), 10);  // the K_S veto
  // M(p pi) with the proton on either track, directly: sqrt((E_p + E_pi)² − |p1 + p2|²).
  const long double p1 = std::sqrt(along * along + q * q);
  const long double ep = std::sqrt(p1 * p1 + static_cast<long double>(kMp) * kMp);
  const long double epi = std::sqrt(p1 * p1 + m * m);
  const long double m_ppi = std::sqrt((ep + epi) * (ep + epi) - 4 * along * along);
  EXPECT_NEAR(d.m_ppi[0], static_cast<double>(m_ppi), 1e-12);
  EXPECT_NEAR(d.m_ppi[1], static_cast<double>(m_ppi), 1e-12);
}

TEST_F(Selection, MissingEnergyInTheCmFrameAndItsLabAngle) {
  const Candidate c = passing(physics::muon);
  const Derived d = derive(c, beams);
  // Beams: E = 11 GeV, pz = sqrt(49 − me²) − sqrt(16 − me²). The c.m. frame moves with
  // β = pz/E along z; E* = γ (E_miss − β pz_miss).
  const double pz_beams = std::sqrt(49 - kMe * kMe) - std::sqrt(16 - kMe * kMe);
  const double beta = pz_beams / 11.0, gamma = 1 / std::sqrt(1 - beta * beta);
  const double mmu = 0.1056583755;
  double e_vis = 0, px = 0, py = 0, pz = 0;
  for (int t = 0; t < 4; ++t) {
    const Vec3& p = c.trk[t].p;
    const double m = t < 2 ? mmu : kMe;
    e_vis += std::sqrt(p.x * p.x + p.y * p.y + p.z * p.z + m * m);
    px += p.x, py += p.y, pz += p.z;
  }
  const double e_miss = 11.0 - e_vis, pz_miss = pz_beams - pz;
  EXPECT_NEAR(d.e_miss_cm, gamma * (e_miss - beta * pz_miss), 1e-12);
  EXPECT_NEAR(d.theta_miss, std::atan2(std::hypot(px, py), pz_miss), 1e-12);
  // dv, E/p, the pointing angle of a vertex placed along the momentum.
  EXPECT_NEAR(d.hp_dv, std::hypot(c.hp_vertex.x, c.hp_vertex.y), 1e-15);
  EXPECT_NEAR(d.eop[1], 0.65 / std::sqrt(0.04 + 0.36 + 0.09), 1e-12);
  EXPECT_LT(d.pointing, 1e-7);
}

TEST_F(Selection, PointingAngleOfATiltedVertex) {
  Candidate c = passing();
  const Vec3 p = c.trk[hp_trk0].p + c.trk[hp_trk1].p;
  // Tilt the vertex by 2 degrees about an axis perpendicular to p.
  const Vec3 axis = p.cross(Vec3{0, 0, 1}).unit();
  const Vec3 u = p.unit();
  const double a = 2 * kDeg;
  c.hp_vertex = (u * std::cos(a) + axis.cross(u) * std::sin(a)) * 4.0;
  EXPECT_NEAR(derive(c, beams).pointing, a, 1e-12);
  EXPECT_EQ(step(c), kPassed);
  c.hp_vertex = (u * std::cos(4 * kDeg) + axis.cross(u) * std::sin(4 * kDeg)) * 4.0;
  EXPECT_EQ(step(c), 4);
}

}  // namespace
}  // namespace darkscan::selection
