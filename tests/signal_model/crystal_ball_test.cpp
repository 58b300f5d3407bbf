// The double-sided Crystal Ball: its closed-form integral against adaptive quadrature,
// its smooth joins, toy fits whose pulls are standard normal, and the resolution of
// generated, selected signal (docs/physics/signal-model.md: about 1 MeV for a light h', about
// 7 MeV near 3 GeV).
#include "darkscan/signal_model/crystal_ball.hpp"

#include <gtest/gtest.h>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>
#include <vector>

#include "backend/cpu_backend.hpp"
#include "config/config.hpp"
#include "darkscan/generator/random_stream.hpp"
#include "generator/generate.hpp"
#include "io/event_file.hpp"
#include "selection/select_sample.hpp"
#include "selection/selection_params.hpp"
#include "signal_model/resolution_fit.hpp"
#include "support/temp_dir.hpp"

namespace darkscan::signal_model {
namespace {

using boost::math::quadrature::gauss_kronrod;

TEST(CrystalBall, IntegralMatchesQuadrature) {
  const DoubleSidedCrystalBall shapes[] = {{1.0, 0.003, 1.2, 4.0, 1.8, 6.0},
                                           {0.5, 0.001, 0.7, 1.0, 2.5, 30.0},  // n = 1: the log form
                                           {2.0, 0.01, 3.0, 2.0, 0.4, 1.5}};
  for (const auto& cb : shapes) {
    const double ranges[][2] = {{cb.mu - 20 * cb.sigma, cb.mu + 20 * cb.sigma},
                                {cb.mu - 0.5 * cb.sigma, cb.mu + 0.3 * cb.sigma},
                                {cb.mu - 9 * cb.sigma, cb.mu - 3 * cb.sigma},
                                {cb.mu + 2 * cb.sigma, cb.mu + 40 * cb.sigma}};
    for (const auto& r : ranges) {
      // Split at the joins so the rule integrates smooth pieces.
      double reference = 0;
      std::vector<double> edges = {r[0], cb.mu - cb.alpha_left * cb.sigma, cb.mu + cb.alpha_right * cb.sigma, r[1]};
      for (std::size_t i = 0; i + 1 < edges.size(); ++i) {
        const double a = std::max(edges[i], r[0]), b = std::min(edges[i + 1], r[1]);
        if (b > a)
          reference += gauss_kronrod<double, 61>::integrate([&](double x) { return cb.shape(x); }, a, b, 15, 1e-14);
      }
      EXPECT_NEAR(cb.integral(r[0], r[1]), reference, 1e-12 * reference) << cb.mu << " [" << r[0] << ", " << r[1] << "]";
    }
  }
}

TEST(CrystalBall, TailsJoinTheCoreSmoothly) {
  const DoubleSidedCrystalBall cb{0, 1, 1.3, 3.0, 0.8, 7.0};
  for (double join : {-1.3, 0.8}) {
    const double e = 1e-7;
    EXPECT_NEAR(cb.shape(join - e), cb.shape(join + e), 1e-6);
    const double left = (cb.shape(join - e) - cb.shape(join - 3 * e)) / (2 * e);
    const double right = (cb.shape(join + 3 * e) - cb.shape(join + e)) / (2 * e);
    EXPECT_NEAR(left, right, 1e-5);
  }
  EXPECT_EQ(cb.shape(0), 1.0);
}

// Toy samples drawn from a known shape by accept-reject (the shape is at most 1).
std::vector<double> toy(const DoubleSidedCrystalBall& cb, double lo, double hi, int n, std::uint64_t seed) {
  std::vector<double> x;
  generator::RandomStream rng({seed, 5}, 0);
  while (static_cast<int>(x.size()) < n) {
    const double v = rng.uniform(lo, hi);
    if (rng.uniform() <= cb.shape(v)) x.push_back(v);
  }
  return x;
}

TEST(CrystalBall, ToyFitPullsAreStandardNormal) {
  const DoubleSidedCrystalBall truth{1.0, 0.003, 1.2, 4.0, 1.8, 6.0};
  const double lo = 0.97, hi = 1.03;
  const int toys = 120;
  std::vector<double> pull_mu, pull_sigma, pull_alpha;
  for (int t = 0; t < toys; ++t) {
    const auto x = toy(truth, lo, hi, 1500, static_cast<std::uint64_t>(t));
    const auto fit = fit_crystal_ball(x, lo, hi);
    if (!fit.converged || !std::isfinite(fit.errors[0]) || !std::isfinite(fit.errors[1])) continue;
    pull_mu.push_back((fit.shape.mu - truth.mu) / fit.errors[0]);
    pull_sigma.push_back((fit.shape.sigma - truth.sigma) / fit.errors[1]);
    if (std::isfinite(fit.errors[2])) pull_alpha.push_back((fit.shape.alpha_left - truth.alpha_left) / fit.errors[2]);
  }
  ASSERT_GT(pull_mu.size(), toys * 9u / 10) << "most toy fits converge";
  auto mean_sd = [](const std::vector<double>& v) {
    double m = 0, s = 0;
    for (double x : v) m += x;
    m /= static_cast<double>(v.size());
    for (double x : v) s += (x - m) * (x - m);
    return std::pair{m, std::sqrt(s / static_cast<double>(v.size() - 1))};
  };
  for (const auto* pulls : {&pull_mu, &pull_sigma, &pull_alpha}) {
    const auto [m, sd] = mean_sd(*pulls);
    // With ~110 toys the mean's standard error is ~0.1 and the width's ~0.07.
    EXPECT_NEAR(m, 0.0, 0.35) << "pull mean";
    EXPECT_NEAR(sd, 1.0, 0.25) << "pull width";
  }
}

TEST(CrystalBall, TooFewEventsIsReportedNotFitted) {
  const std::vector<double> x = {1.0, 1.001, 0.999};
  const auto fit = fit_crystal_ball(x, 0.9, 1.1);
  EXPECT_FALSE(fit.converged);
  EXPECT_NE(fit.status.find("too few events"), std::string::npos);
}

class GeneratedResolution : public testing::TempDirTest {};

TEST_F(GeneratedResolution, RisesFromAboutOneToAboutSevenMeV) {
  generator::GenerateRequest request;
  request.output = path("resolution.h5");
  request.seed = 8;
  request.progress = false;
  request.events_per_point = 40000;
  for (double m : {0.25, 2.9}) {
    generator::SignalPoint p;
    p.final_state = 0;
    p.m_hp = m;
    p.ctau_hp_cm = 2;
    p.dark = {2.5, 1.0, 7.5, 0.1, 1.5e-3, 2.0};
    request.signal_points.push_back(p);
  }
  generator::generate_file(request);
  const io::EventFile file(path("resolution.h5").string());
  CpuBackend cpu;
  const auto params = selection::params_from_config(config::Config{});
  for (const auto& info : file.samples()) {
    const auto s = selection::select_sample(cpu, file, info, {}, params, 365.0, 1 << 16);
    const auto mass = s.selected.find("mass")->values<double>();
    const auto range = fit_range(mass);
    const auto fit = fit_crystal_ball(mass, range[0], range[1]);
    ASSERT_TRUE(fit.converged) << info.name << ": " << fit.status;
    const double m_hp = std::get<double>(*info.attribute("m_hp"));
    EXPECT_NEAR(fit.shape.mu, m_hp, 3 * fit.errors[0] + 2e-4) << info.name;
    if (m_hp < 1) {
      EXPECT_GT(fit.shape.sigma, 0.0006) << info.name;
      EXPECT_LT(fit.shape.sigma, 0.0016) << info.name;
    } else {
      EXPECT_GT(fit.shape.sigma, 0.005) << info.name;
      EXPECT_LT(fit.shape.sigma, 0.009) << info.name;
    }
  }
}

}  // namespace
}  // namespace darkscan::signal_model
