// The y limit on a hand-made scan and signal model where the answer is a closed form:
// one mu+mu- window with no event in it or its sideband and no uncertainties, so the 95 %
// limit on the signal is ln 20 events (posterior ∝ e^-s under the flat prior), and a
// chi2 efficiency ∝ cτ(chi2)^(-1/4) ∝ ε^(1/2) on nodes the ε grid lands on. The log
// ratio prediction/limit is then linear in ln ε (slope 2.5), its interpolation exact,
// and the lower edge of the excluded ε is
//   ε_lo = ε_ref (ln 20 / (σ_ref B(chi2) B(h' → μμ) L ε_0))^(2/5);
// untrusted map nodes end an interval (open edge) and a gap of them makes an island.
#include "interpret/y_limit.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

#include "backend/cpu_backend.hpp"
#include "errors.hpp"
#include "support/temp_dir.hpp"
#include "physics/dark_sector_integrals.hpp"

namespace darkscan::interpret {
namespace {

constexpr double kMhp = 0.6, kEpsRef = 1e-3, kEff0 = 0.2, kLumi = 365;

struct Fixture {
  physics::DarkSectorPoint dark;
  double ctau_ref = 0;
  signal_model::SignalModel model;
  scan::ScanTable rows;
  scan::CombinedTable combined;
  YLimitSettings settings;

  Fixture() {
    dark.m_chi1 = 1.0;
    dark.delta_m = 0.4;
    dark.m_ap = 3.0;
    dark.alpha_d = 0.1;
    dark.epsilon = kEpsRef;
    ctau_ref = physics::chi2_ctau_cm(dark);
    // ε_j = ε_ref 10^(j/20) gives cτ(chi2) = cτ_ref 10^(-j/10): the map's nodes.
    for (int j = -40; j <= 40; ++j) settings.epsilon.push_back(kEpsRef * std::pow(10.0, j / 20.0));
    model.ctau_cm = {1, 10, 100};
    for (int k = -40; k <= 40; ++k) model.ctau_chi2_cm.push_back(ctau_ref * std::pow(10.0, k / 10.0));
    signal_model::SignalPointModel p;
    p.name = "mumu";
    p.final_state = 0;
    p.m_hp = kMhp;
    p.attributes = {{"m_chi1", 1.0}};
    for (std::size_t i = 0; i < model.ctau_cm.size(); ++i) {
      signal_model::MapCell c;
      c.efficiency = 0.5;
      p.map.cells[0].push_back(c);
      p.rel_unc.push_back(0);
      p.trusted.push_back(1);
      for (double c2 : model.ctau_chi2_cm) {
        p.chi2_map.push_back({kEff0 * std::pow(c2 / ctau_ref, -0.25), 0, 1e6});
        p.chi2_trusted.push_back(1);
      }
    }
    model.points.push_back(p);
    rows.final_state = {0};
    rows.ctau_cm = {10};
    rows.mass = {kMhp};
    rows.window_lo = {kMhp - 0.01};
    rows.window_hi = {kMhp + 0.01};
    rows.n_obs = {0};
    rows.n_sb = {0};
    rows.f = {20};
    rows.delta = {0};
    combined.ctau_cm = {10};
    combined.mass = {kMhp};
    combined.row = {std::vector<std::int64_t>{0}, std::vector<std::int64_t>{-1}, std::vector<std::int64_t>{-1}};
    settings.m_hp = kMhp;
    settings.sin_theta = 3e-4;
    settings.luminosity_fb = kLumi;
    settings.luminosity_rel_unc = 0;
  }
  // Marks the map's nodes untrusted where ε is in (lo, hi).
  void untrust(double eps_lo, double eps_hi) {
    auto& p = model.points[0];
    const std::size_t n = model.ctau_chi2_cm.size();
    for (std::size_t c = 0; c < p.chi2_map.size(); ++c) {
      const double eps = kEpsRef * std::sqrt(ctau_ref / model.ctau_chi2_cm[c % n]);
      if (eps > eps_lo && eps < eps_hi) p.chi2_trusted[c] = 0;
    }
  }
  double expected_eps_lo(const physics::DarkHiggsWidths& widths) const {
    const double sigma = physics::production_cross_section_fb(dark, kMhp, settings.sqrt_s);
    const double b_chi2 = physics::chi2_width_ee(dark) / physics::chi2_width_total(dark);
    const double b = widths.branching(physics::HiggsChannel::mumu, kMhp);
    return kEpsRef * std::pow(std::log(20.0) / (sigma * b_chi2 * b * kLumi * kEff0), 0.4);
  }
};

TEST(YLimit, TheLowerEdgeIsTheClosedFormAndAnUntrustedMapEndsTheInterval) {
  Fixture fx;
  fx.untrust(0.0125, 1.0);  // cτ(chi2) too short to be trusted above ε = 0.0125
  const auto widths = physics::DarkHiggsWidths::builtin();
  CpuBackend cpu(2);
  const auto y = y_limits(cpu, fx.rows, fx.combined, fx.model, widths, {model_point(fx.dark)}, fx.settings);
  ASSERT_EQ(y.size(), 1u);
  const auto& r = y[0];
  EXPECT_EQ(r.m_chi1, 1.0);
  EXPECT_NEAR(r.y_per_epsilon2, 0.1 / 81, 1e-18);
  // Every limit with a trusted channel is ln 20 / (B ε L).
  const double b = widths.branching(physics::HiggsChannel::mumu, kMhp);
  for (std::size_t j = 0; j < fx.settings.epsilon.size(); ++j) {
    const double eps = fx.settings.epsilon[j];
    if (eps > 0.0125) {
      EXPECT_TRUE(std::isnan(r.limit_fb[j])) << eps;
      continue;
    }
    const double eff = kEff0 * std::sqrt(eps / kEpsRef);
    EXPECT_NEAR(r.limit_fb[j], std::log(20.0) / (b * eff * kLumi), 1e-8 * r.limit_fb[j]) << eps;
    EXPECT_NEAR(r.ctau_chi2_cm[j], fx.ctau_ref * kEpsRef * kEpsRef / (eps * eps), 1e-12 * r.ctau_chi2_cm[j]);
  }
  ASSERT_EQ(r.intervals.size(), 1u);
  const double lo = fx.expected_eps_lo(widths);
  EXPECT_NEAR(r.intervals[0].x_lo, lo, 1e-7 * lo);
  EXPECT_FALSE(r.intervals[0].open_lo);
  EXPECT_NEAR(r.intervals[0].predicted_lo_fb, r.intervals[0].limit_lo_fb, 0);
  EXPECT_NEAR(r.intervals[0].x_hi, std::pow(10.0, -1.95), 1e-15);  // the last trusted node
  EXPECT_TRUE(r.intervals[0].open_hi);
}

TEST(YLimit, AGapInTheMapMakesAnIsland) {
  Fixture fx;
  fx.untrust(0.0125, 1.0);
  fx.untrust(0.0019, 0.0031);  // ε nodes 10^-2.7 = 0.001995 ... 10^-2.55 = 0.002818 untrusted
  const auto widths = physics::DarkHiggsWidths::builtin();
  CpuBackend cpu(2);
  const auto y = y_limits(cpu, fx.rows, fx.combined, fx.model, widths, {model_point(fx.dark)}, fx.settings);
  ASSERT_EQ(y[0].intervals.size(), 2u);
  const auto& a = y[0].intervals[0];
  const auto& b = y[0].intervals[1];
  EXPECT_NEAR(a.x_lo, fx.expected_eps_lo(widths), 1e-7 * a.x_lo);
  // The trusted nodes around the gap: 10^-2.75 and 10^-2.5.
  EXPECT_NEAR(a.x_hi, std::pow(10.0, -2.75), 1e-15);
  EXPECT_TRUE(a.open_hi);
  EXPECT_NEAR(b.x_lo, std::pow(10.0, -2.5), 1e-15);
  EXPECT_TRUE(b.open_lo);
  EXPECT_NEAR(b.x_hi, std::pow(10.0, -1.95), 1e-15);
}

class YLimitTable : public testing::TempDirTest {};

TEST_F(YLimitTable, AChi2TableReplacesTheFormulas) {
  // cτ(chi2) one map node longer than docs/physics/dark-sector.md's, B(chi2) = 0.5, σ_prod = 10 fb at ε_ref:
  // the efficiency at ε is 0.2·10^(-1/40)·(ε/ε_ref)^(1/2), and ε_lo follows.
  Fixture fx;
  const double ctau = fx.ctau_ref * std::pow(10.0, 0.1);
  const auto path = write_file("chi2.csv", fmt::format("m_chi1_gev,ctau_chi2_cm,b_chi2_to_chi1_ee,sigma_prod_fb\n"
                                                       "0.5,{0:.17g},0.5,10\n1.5,{0:.17g},0.5,10\n",
                                                       ctau));
  const auto table = TheoryTable::read(path, kChi2TableRequired, kChi2TableOptional);
  const auto widths = physics::DarkHiggsWidths::builtin();
  CpuBackend cpu(2);
  const auto y = y_limits(cpu, fx.rows, fx.combined, fx.model, widths, {model_point(fx.dark)}, fx.settings, &table);
  ASSERT_EQ(y.size(), 1u);
  EXPECT_EQ(y[0].b_chi2, 0.5);
  EXPECT_NEAR(y[0].ctau_chi2_cm[40], ctau, 1e-12 * ctau);  // ε_ref is the grid's 41st point
  const double b = widths.branching(physics::HiggsChannel::mumu, kMhp);
  const double lo = kEpsRef * std::pow(std::log(20.0) / (10 * 0.5 * b * kLumi * kEff0 * std::pow(10.0, -0.025)), 0.4);
  ASSERT_FALSE(y[0].intervals.empty());
  EXPECT_NEAR(y[0].intervals[0].x_lo, lo, 1e-7 * lo);

  const auto narrow = write_file("narrow.csv", "m_chi1_gev,ctau_chi2_cm,b_chi2_to_chi1_ee\n1.5,1,0.5\n2.5,1,0.5\n");
  const auto other = TheoryTable::read(narrow, kChi2TableRequired, kChi2TableOptional);
  EXPECT_THROW(y_limits(cpu, fx.rows, fx.combined, fx.model, widths, {model_point(fx.dark)}, fx.settings, &other),
               InputError);
}

TEST(YLimit, AMassOutsideEveryWindowIsAnError) {
  Fixture fx;
  fx.settings.m_hp = 0.62;
  CpuBackend cpu(2);
  EXPECT_THROW(y_limits(cpu, fx.rows, fx.combined, fx.model, physics::DarkHiggsWidths::builtin(),
                        {model_point(fx.dark)}, fx.settings),
               InputError);
}

TEST(YLimit, NoMapsOverTheChi2LifetimeIsAnError) {
  Fixture fx;
  fx.model.points[0].chi2_map.clear();
  CpuBackend cpu(2);
  EXPECT_THROW(y_limits(cpu, fx.rows, fx.combined, fx.model, physics::DarkHiggsWidths::builtin(),
                        {model_point(fx.dark)}, fx.settings),
               InputError);
}

}  // namespace
}  // namespace darkscan::interpret
