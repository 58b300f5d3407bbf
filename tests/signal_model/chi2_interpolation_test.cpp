// The efficiency over (m(h'), cτ(h'), cτ(chi2)): a hand-made model whose efficiency is
// a + b m + c ln cτ + d ln cτ(chi2), which the interpolation (linear in m, bilinear in
// the logs) must reproduce exactly anywhere inside; untrusted outside the masses or the
// grids and next to an untrusted node; the uncertainty is the 2-D map's MC statistics
// with the /points cell's systematic part.
#include "signal_model/chi2_interpolation.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "errors.hpp"

namespace darkscan::signal_model {
namespace {

double truth(double m, double ctau, double ctau_chi2) {
  return 0.2 + 0.1 * m + 0.01 * std::log(ctau) - 0.02 * std::log(ctau_chi2);
}

SignalModel make_model() {
  SignalModel model;
  model.ctau_cm = {1, 10, 100};
  model.ctau_chi2_cm = {0.1, 1, 10, 100};
  for (double m : {0.5, 0.7}) {
    SignalPointModel p;
    p.name = "p" + std::to_string(m);
    p.final_state = 1;
    p.m_hp = m;
    p.attributes = {{"m_chi1", 1.0}};
    for (double c : model.ctau_cm) {
      MapCell cell;
      cell.efficiency = 0.1;
      cell.efficiency_unc = 0.003;  // MC: 3 %
      p.map.cells[1].push_back(cell);
      p.rel_unc.push_back(0.05);    // all sources: 5 %, so the systematic part is 4 %
      p.trusted.push_back(1);
      for (double c2 : model.ctau_chi2_cm) {
        const double e = truth(m, c, c2);
        p.chi2_map.push_back({e, 0.01 * e, 1e4});  // MC: 1 %
        p.chi2_trusted.push_back(1);
      }
    }
    model.points.push_back(std::move(p));
  }
  return model;
}

TEST(Chi2Interpolation, ReproducesAFunctionLinearInMassAndTheLogsExactly) {
  const SignalModel model = make_model();
  const Chi2Interpolation interp(model, 1, 1.0);
  ASSERT_EQ(interp.masses(), 2u);
  for (double m : {0.5, 0.55, 0.63, 0.7})
    for (double c : {1.0, 2.7, 10.0, 55.0, 100.0})
      for (double c2 : {0.1, 0.33, 1.0, 7.0, 100.0}) {
        const auto cell = interp.at(m, c, c2);
        ASSERT_TRUE(cell.trusted) << m << " " << c << " " << c2;
        EXPECT_NEAR(cell.efficiency, truth(m, c, c2), 1e-14) << m << " " << c << " " << c2;
        // sqrt(0.05² − 0.03² + 0.01²), the MC part being 1 % at every node.
        EXPECT_NEAR(cell.rel_unc, std::sqrt(0.04 * 0.04 + 0.01 * 0.01), 1e-12);
      }
}

TEST(Chi2Interpolation, UntrustedOutsideTheGridsOrNextToAnUntrustedNode) {
  SignalModel model = make_model();
  {
    const Chi2Interpolation interp(model, 1, 1.0);
    EXPECT_FALSE(interp.at(0.49, 10, 1).trusted);
    EXPECT_FALSE(interp.at(0.6, 0.9, 1).trusted);
    EXPECT_FALSE(interp.at(0.6, 10, 0.09).trusted);
    EXPECT_FALSE(interp.at(0.6, 10, 101).trusted);
    EXPECT_EQ(interp.at(0.6, 10, 101).efficiency, 0.0);
    EXPECT_EQ(Chi2Interpolation(model, 1, 2.5).masses(), 0u);  // no point at that m(chi1)
    EXPECT_FALSE(Chi2Interpolation(model, 0, 1.0).at(0.6, 10, 1).trusted);
  }
  // Node (m 0.7, cτ 10, cτ(chi2) 1) untrusted: every cell that leans on it.
  model.points[1].chi2_trusted[1 * 4 + 1] = 0;
  const Chi2Interpolation interp(model, 1, 1.0);
  EXPECT_FALSE(interp.at(0.6, 10, 1).trusted);
  EXPECT_FALSE(interp.at(0.6, 5, 3).trusted);
  EXPECT_TRUE(interp.at(0.5, 10, 1).trusted);   // the other mass alone
  EXPECT_TRUE(interp.at(0.6, 100, 1).trusted);  // at cτ 100 the node at cτ 10 has no weight
  EXPECT_TRUE(interp.at(0.6, 10, 20).trusted);  // nor between cτ(chi2) 10 and 100
}

TEST(Chi2Interpolation, TwoPointsAtOneMassAndChi1MassAreRefused) {
  SignalModel model = make_model();
  model.points.push_back(model.points[0]);
  EXPECT_THROW(Chi2Interpolation(model, 1, 1.0), InputError);
}

}  // namespace
}  // namespace darkscan::signal_model
