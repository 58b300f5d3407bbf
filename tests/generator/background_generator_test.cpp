// The background sources: K_S and Λ peaks and flight, conversions, cosmics, and the
// detector response that turns them into candidates.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string_view>
#include <vector>

#include "darkscan/generator/candidate.hpp"
#include "generator/cocktail.hpp"

namespace darkscan::generator {
namespace {

class BackgroundGenerator : public ::testing::Test {
 protected:
  Collision col = make_collision(7.0, 4.0);

  int process(std::string_view name) {
    const auto& all = background_processes();
    for (std::size_t i = 0; i < all.size(); ++i)
      if (all[i].name == name) return static_cast<int>(i);
    ADD_FAILURE() << "no process " << name;
    return 0;
  }
  std::vector<TrueEvent> events(std::string_view name, int n) {
    const BackgroundModel m = background_model(process(name), col);
    std::vector<TrueEvent> out;
    for (int i = 0; i < n; ++i) {
      RandomStream rng({5, 77}, static_cast<std::uint64_t>(i));
      out.push_back(generate_true_event(m, rng));
    }
    return out;
  }
  // Median of the reconstructed pair mass at the h' vertex, with masses m0 (positive) and m1.
  double reconstructed_mass_median(std::string_view name, double m0, double m1, int n) {
    const BackgroundModel m = background_model(process(name), col);
    std::vector<double> masses;
    for (int i = 0; i < n; ++i) {
      RandomStream rng({6, 78}, static_cast<std::uint64_t>(i));
      const TrueEvent ev = generate_true_event(m, rng);
      CandidateRow row;
      if (!reconstruct_event(ev, col, rng, row)) continue;
      if (ev.hp.track[0].species != (m0 > 0.5 ? proton : pion)) continue;  // Λ: the proton is the positive track
      const Vec3 a{row.trk[0].px, row.trk[0].py, row.trk[0].pz}, b{row.trk[1].px, row.trk[1].py, row.trk[1].pz};
      masses.push_back(physics::pair_mass(a, m0, b, m1));
    }
    std::nth_element(masses.begin(), masses.begin() + masses.size() / 2, masses.end());
    return masses[masses.size() / 2];
  }
};

TEST_F(BackgroundGenerator, KshortPeakAndFlight) {
  // PDG: m(K_S) = 0.497611 GeV, cτ = 2.6844 cm.
  const auto evs = events("kshort", 20000);
  double sum = 0;
  for (const auto& ev : evs) {
    EXPECT_NEAR((ev.hp.track[0].p + ev.hp.track[1].p).mass(), 0.497611, 1e-10);
    sum += ev.hp_ctau;
  }
  EXPECT_NEAR(sum / static_cast<double>(evs.size()), 2.6844, 4 * 2.6844 / std::sqrt(20000.0));
  const double mpi = 0.13957039;
  EXPECT_NEAR(reconstructed_mass_median("kshort", mpi, mpi, 20000), 0.4976, 0.001);
}

TEST_F(BackgroundGenerator, LambdaPeakWithTheProtonOnEitherCharge) {
  const auto evs = events("lambda", 4000);
  int antiparticles = 0;
  for (const auto& ev : evs) {
    EXPECT_NEAR((ev.hp.track[0].p + ev.hp.track[1].p).mass(), 1.115683, 1e-10);
    antiparticles += ev.hp.track[1].species == proton;
  }
  EXPECT_NEAR(antiparticles, 2000, 4 * std::sqrt(1000.0));
  EXPECT_NEAR(reconstructed_mass_median("lambda", 0.93827208816, 0.13957039, 20000), 1.1157, 0.001);
}

TEST_F(BackgroundGenerator, ConversionsAreNarrowPairsInMaterial) {
  for (const auto& ev : events("gamma_conversions", 2000)) {
    EXPECT_LT((ev.hp.track[0].p + ev.hp.track[1].p).mass(), 0.02 + 1e-9);
    // The conversion radii are the material's: the beam pipe, silicon and drift-chamber wall.
    const double r = ev.hp.position.perp() - ev.origin.perp();
    EXPECT_GT(ev.hp.position.perp(), 0.9);
    EXPECT_LT(r, 16.1);
  }
}

TEST_F(BackgroundGenerator, CosmicLegsAreBackToBack) {
  for (const auto& ev : events("cosmic_muons", 500)) {
    const double angle = physics::angle_between(ev.hp.track[0].p.p, ev.hp.track[1].p.p);
    EXPECT_NEAR(angle, M_PI, 1e-9);
    EXPECT_EQ(ev.hp.track[0].charge + ev.hp.track[1].charge, 0);
  }
}

TEST_F(BackgroundGenerator, TracksBeyondTheChamberAreLost) {
  // A pion pair made at 120 cm (outside the drift chamber) is never reconstructed; at
  // 1 cm, nearly always (acceptance and efficiency only).
  RandomStream rng({1, 2}, 3);
  int far = 0, near = 0;
  for (int i = 0; i < 1000; ++i) {
    far += reconstruct_track(pion, {120, 0, 0}, {1.0, 0.2, 0.1}, 1, rng).found;
    near += reconstruct_track(pion, {1, 0, 0}, {1.0, 0.2, 0.1}, 1, rng).found;
  }
  EXPECT_EQ(far, 0);
  EXPECT_GT(near, 930);
}

TEST_F(BackgroundGenerator, HitsFallWithTheStartingRadius) {
  // Layers crossed by a stiff track from radius r: 2 PXD + 8 SVD strips + 56 CDC layers
  // from the beam pipe; only the CDC layers beyond r from further out.
  EXPECT_EQ(layers_crossed(0.5, 200), 2 + 8 + 56);
  EXPECT_EQ(layers_crossed(15, 200), 56);
  EXPECT_EQ(layers_crossed(111.3, 200), 0);
  const double pitch = (111.2 - 16.8) / 55;
  EXPECT_EQ(layers_crossed(16.8 + 10.5 * pitch, 200), 56 - 11);
}

}  // namespace
}  // namespace darkscan::generator
