// ε and σ between simulated masses: exact at the simulated masses, linear between them
// (values worked out here by hand), untrusted outside or next to an untrusted cell.
#include "signal_model/mass_interpolation.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "errors.hpp"

namespace darkscan::signal_model {
namespace {

SignalPointModel point(int fs, double m, double eff, double sigma, bool trusted, double m_chi1 = 2.5) {
  SignalPointModel p;
  p.name = "p" + std::to_string(m);
  p.final_state = fs;
  p.m_hp = m;
  p.attributes = {{"m_chi1", m_chi1}};
  MapCell c;
  c.efficiency = eff;
  c.efficiency_unc = eff / 10;
  p.map.cells[fs] = {c, c};
  p.rel_unc = {0.05, 0.05};
  p.trusted = {1, static_cast<std::uint8_t>(trusted)};
  p.sigma = sigma;
  return p;
}

TEST(MassInterpolation, ExactAtSimulatedMassesLinearBetween) {
  SignalModel model;
  model.ctau_cm = {1, 10};
  model.points = {point(1, 0.5, 0.08, 0.002, true), point(1, 1.5, 0.04, 0.004, false),
                  point(0, 1.0, 0.5, 0.01, true)};
  const MassInterpolation pipi(model, 1, std::nan(""));
  ASSERT_EQ(pipi.masses(), 2u);
  EXPECT_EQ(pipi.at(0.5, 0).efficiency, 0.08);
  EXPECT_EQ(pipi.at(1.5, 0).sigma, 0.004);
  // A quarter of the way: 0.08 + 0.25 (0.04 - 0.08) = 0.07; σ 0.002 + 0.25 0.002 = 0.0025.
  const auto c = pipi.at(0.75, 0);
  EXPECT_NEAR(c.efficiency, 0.07, 1e-15);
  EXPECT_NEAR(c.efficiency_unc, 0.007, 1e-15);
  EXPECT_NEAR(c.sigma, 0.0025, 1e-15);
  EXPECT_TRUE(c.trusted);
  EXPECT_FALSE(pipi.at(0.75, 1).trusted);  // the upper neighbour's cell is untrusted
  EXPECT_TRUE(pipi.at(0.5, 1).trusted);    // at the lower mass only the lower one counts
  EXPECT_FALSE(pipi.at(0.4, 0).trusted);
  EXPECT_EQ(pipi.at(1.6, 0).efficiency, 0.0);
}

TEST(MassInterpolation, SeveralDarkSectorPointsNeedAChoiceOfChi1Mass) {
  SignalModel model;
  model.ctau_cm = {1, 10};
  model.points = {point(2, 1.2, 0.1, 0.003, true, 2.5), point(2, 1.2, 0.2, 0.003, true, 1.0)};
  EXPECT_THROW(MassInterpolation(model, 2, std::nan("")), InputError);
  EXPECT_EQ(MassInterpolation(model, 2, 1.0).at(1.2, 0).efficiency, 0.2);
}

}  // namespace
}  // namespace darkscan::signal_model
