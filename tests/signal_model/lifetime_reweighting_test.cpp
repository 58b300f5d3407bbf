// Lifetime reweighting (docs/physics/signal-model.md): exact at the generated cτ, weights of
// expectation one, the mixture of samples, and closure against samples generated
// directly at the target lifetime, through the generator and the selection.
#include "darkscan/signal_model/lifetime_reweighting.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "backend/cpu_backend.hpp"
#include "config/config.hpp"
#include "darkscan/generator/random_stream.hpp"
#include "generator/generate.hpp"
#include "io/event_file.hpp"
#include "selection/select_sample.hpp"
#include "selection/selection_params.hpp"
#include "signal_model/efficiency_map.hpp"
#include "support/temp_dir.hpp"

namespace darkscan::signal_model {
namespace {

LifetimeMixture single(double ctau0, double n) {
  LifetimeMixture m;
  m.components = 1;
  m.ctau0[0] = ctau0;
  m.n_generated[0] = n;
  return m;
}

TEST(LifetimeReweighting, WeightsAreOneAtTheGeneratedLifetime) {
  const auto m = single(7.0, 1000);
  for (double ell : {0.0, 0.01, 3.0, 70.0, 700.0}) {
    EXPECT_EQ(m.weight(ell, 7.0), 1.0) << ell;
    EXPECT_EQ(lifetime_weight(ell, 7.0, 7.0), 1.0) << ell;
    // One component: the mixture's weight is the single-sample formula.
    EXPECT_NEAR(m.weight(ell, 2.0), lifetime_weight(ell, 7.0, 2.0), 1e-13 * lifetime_weight(ell, 7.0, 2.0));
  }
}

TEST(LifetimeReweighting, WeightsHaveExpectationOne) {
  // ℓ ~ Exp(cτ0); E[w] = 1 for any target, Var[w] finite for cτ < 2 cτ0:
  // E[w²] = (cτ0/cτ)² / (2 cτ0/cτ − 1).
  const double ctau0 = 5.0;
  for (double ctau : {1.0, 2.5, 8.0}) {
    double sum = 0;
    const int n = 400000;
    for (int i = 0; i < n; ++i) {
      generator::RandomStream rng({9, 1}, static_cast<std::uint64_t>(i));
      sum += lifetime_weight(rng.exponential(ctau0), ctau0, ctau);
    }
    const double r = ctau0 / ctau;
    const double var = r * r / (2 * r - 1) - 1;
    EXPECT_NEAR(sum / n, 1.0, 4 * std::sqrt(var / n)) << ctau;
  }
}

TEST(LifetimeReweighting, MixtureWeightsHaveExpectationOne) {
  LifetimeMixture m;
  m.components = 2;
  m.ctau0[0] = 1.0, m.n_generated[0] = 100000;
  m.ctau0[1] = 20.0, m.n_generated[1] = 300000;
  double sum = 0;
  for (int k = 0; k < 2; ++k)
    for (int i = 0; i < static_cast<int>(m.n_generated[k]); ++i) {
      generator::RandomStream rng({9, static_cast<std::uint32_t>(k + 2)}, static_cast<std::uint64_t>(i));
      sum += m.weight(rng.exponential(m.ctau0[k]), 4.0);
    }
  // The weights' spread is about 0.88 here (numpy, 4e5 draws), so the mean's standard
  // deviation is 0.0014: 0.006 is four of them.
  EXPECT_NEAR(sum / m.total(), 1.0, 0.006);
  // Far out (ℓ = 2000 cm), where every exponential underflows, the weight stays finite.
  EXPECT_TRUE(std::isfinite(m.weight(2000.0, 4.0)));
}

TEST(LifetimeReweighting, LogGridIncludesBothEnds) {
  const auto g = log_grid(0.1, 10000, 10);
  ASSERT_EQ(g.size(), 51u);
  EXPECT_EQ(g.front(), 0.1);
  EXPECT_EQ(g.back(), 10000.0);
  EXPECT_NEAR(g[10], 1.0, 1e-14);
  EXPECT_NEAR(g[25], std::pow(10.0, 1.5), 1e-12);
}

// Generated signal, selected: the true decay lengths and final states of the best candidates.
class ReweightingClosure : public testing::TempDirTest {
 protected:
  struct Selected {
    std::vector<double> ell;
    std::vector<std::int8_t> fs;
    double n_generated = 0;
  };
  std::map<double, Selected> samples;  // by generated cτ

  void SetUp() override {
    TempDirTest::SetUp();
    generator::GenerateRequest request;
    request.output = path("closure.h5");
    request.seed = 21;
    request.progress = false;
    request.events_per_point = 60000;
    for (double ctau : {3.0, 10.0, 30.0}) {
      generator::SignalPoint p;
      p.final_state = 1;
      p.m_hp = 1.0;
      p.ctau_hp_cm = ctau;
      p.dark = {2.5, 1.0, 7.5, 0.1, 1.5e-3, 2.0};
      request.signal_points.push_back(p);
    }
    generator::generate_file(request);
    const io::EventFile file(path("closure.h5").string());
    CpuBackend cpu;
    const auto params = selection::params_from_config(config::Config{});
    for (const auto& info : file.samples()) {
      const auto s = selection::select_sample(cpu, file, info, {}, params, 365.0, 1 << 16);
      Selected out;
      out.n_generated = static_cast<double>(std::get<std::int64_t>(*info.attribute("n_generated")));
      const auto ell = s.selected.find("true_hp_ctau")->values<float>();
      const auto fs = s.selected.find("final_state")->values<std::int8_t>();
      out.ell.assign(ell.begin(), ell.end());
      out.fs.assign(fs.begin(), fs.end());
      samples[std::get<double>(*info.attribute("ctau_hp_cm"))] = out;
    }
  }
  static EfficiencyCell pipi(const Selected& s, const LifetimeMixture& m, double ctau) {
    const double grid[1] = {ctau};
    CpuBackend cpu(2);
    const auto map = efficiency_map({s.ell, s.fs, {}, {}, {}}, m, grid, cpu);
    return map.cells[1][0];
  }
  static double plain(const Selected& s) {
    double n = 0;
    for (auto f : s.fs) n += f == 1;
    return n / s.n_generated;
  }
};

TEST_F(ReweightingClosure, AtTheGeneratedLifetimeItIsThePlainFraction) {
  const auto& s = samples.at(10.0);
  EXPECT_EQ(pipi(s, single(10.0, s.n_generated), 10.0).efficiency, plain(s));
  EXPECT_GT(plain(s), 0.02);
}

TEST_F(ReweightingClosure, ReweightedAgreesWithDirectlyGenerated) {
  const auto& base = samples.at(10.0);
  for (double target : {3.0, 30.0}) {
    const auto rw = pipi(base, single(10.0, base.n_generated), target);
    const auto& direct = samples.at(target);
    const double d = plain(direct);
    const double d_unc = std::sqrt(d * (1 - d) / direct.n_generated);
    EXPECT_NEAR(rw.efficiency, d, 3 * std::hypot(rw.efficiency_unc, d_unc))
        << "cτ " << target << ": reweighted " << rw.efficiency << " ± " << rw.efficiency_unc << ", direct " << d;
    EXPECT_GT(rw.n_eff, 300);
  }
}

TEST_F(ReweightingClosure, MixtureOfTwoSamplesAgreesWithTheOneBetween) {
  const auto& a = samples.at(3.0);
  const auto& b = samples.at(30.0);
  LifetimeMixture m;
  m.components = 2;
  m.ctau0[0] = 3.0, m.n_generated[0] = a.n_generated;
  m.ctau0[1] = 30.0, m.n_generated[1] = b.n_generated;
  Selected both = a;
  both.ell.insert(both.ell.end(), b.ell.begin(), b.ell.end());
  both.fs.insert(both.fs.end(), b.fs.begin(), b.fs.end());
  both.n_generated = m.total();
  const auto rw = pipi(both, m, 10.0);
  const auto& direct = samples.at(10.0);
  const double d = plain(direct);
  EXPECT_NEAR(rw.efficiency, d, 3 * std::hypot(rw.efficiency_unc, std::sqrt(d * (1 - d) / direct.n_generated)));
}

}  // namespace
}  // namespace darkscan::signal_model
