#pragma once
// The toy Belle II detector (a documented parametrisation, not Geant4): geometry from
// the Belle II Technical Design Report (arXiv:1011.0352), resolutions and
// misidentification rates of the size Belle II reports for its tracking, ECL and PID.
// It turns a true charged particle (species, momentum, production point) into the
// reconstructed track columns of docs/formats/events.md, or into nothing when the track is lost.
#include <cmath>
#include <cstdint>

#include "darkscan/core/macros.hpp"
#include "darkscan/generator/helix.hpp"
#include "darkscan/generator/random_stream.hpp"
#include "darkscan/physics/four_vector.hpp"
#include "darkscan/physics/particles.hpp"

namespace darkscan::generator {

using physics::electron;
using physics::kaon;
using physics::kSpecies;
using physics::muon;
using physics::pion;
using physics::proton;
using physics::Species;
using physics::species_mass;

namespace toy_detector {
inline constexpr double kFieldTesla = 1.5;
// Acceptance of the tracking system: polar angle of the momentum.
inline constexpr double kThetaMin = 17.0 * kPi / 180, kThetaMax = 150.0 * kPi / 180;
inline constexpr double kMinPt = 0.05;  // GeV: slower tracks curl inside the SVD and are not found
// Silicon layers at 1.4, 2.2 (PXD, one hit each), 3.9, 8.0, 10.4, 13.5 cm (SVD, two
// strips each; see layers_crossed), then the drift chamber.
inline constexpr double kPxdInner = 1.4;
inline constexpr double kCdcInner = 16.8, kCdcOuter = 111.2;  // "about 113 cm" with the outer wall
inline constexpr int kCdcLayers = 56;
inline constexpr double kTrackerZMin = -83.0, kTrackerZMax = 158.0;
inline constexpr double kHitInefficiency = 0.03;
inline constexpr int kMinHitsToFind = 8;
// Calorimeter: barrel cylinder and endcap discs (cm); the trigger's 22-128 degree region.
inline constexpr double kEclBarrelR = 125.0, kEclFwdZ = 196.0, kEclBwdZ = -102.0;
inline constexpr double kEclThetaMin = 12.4 * kPi / 180, kEclThetaMax = 155.1 * kPi / 180;
// KLM inner surfaces (cm): the helix is extrapolated to these for θ_ext.
inline constexpr double kKlmBarrelR = 201.0, kKlmFwdZ = 283.0, kKlmBwdZ = -189.0;
// Momentum p (GeV) above which a muon reaches the KLM and is identified there.
inline constexpr double kMuonIdMinP = 0.7;
}  // namespace toy_detector

// What the reconstruction made of one track.
struct RecoTrack {
  bool found = false;
  Vec3 p;
  std::int8_t charge = 0;
  std::int32_t nhits = 0;
  float theta_ext = 0;
  float e_ecl = 0;
  std::int8_t pid = 0;
  float ecl_theta = -1;  // polar angle of the calorimeter entry point, -1 if it never gets there
};

// Track-finding efficiency versus the transverse radius where the track starts: flat in
// the silicon, falling through the drift chamber as fewer layers remain (Belle II's
// displaced-track studies find about half the efficiency at 60-80 cm).
DS_FUNCTION inline double track_finding_efficiency(double r_start_cm) {
  constexpr double kPrompt = 0.97;
  if (r_start_cm <= 14.0) return kPrompt;
  const double x = (r_start_cm - 14.0) / (100.0 - 14.0);
  return x >= 1 ? 0.0 : kPrompt * (1.0 - x * x * 0.6 - x * 0.4);
}

// Layers crossed between the start radius and the largest radius reached.
DS_FUNCTION inline int layers_crossed(double r_start, double r_reach) {
  using namespace toy_detector;
  const double pxd[2] = {1.4, 2.2};
  const double svd[4] = {3.9, 8.0, 10.4, 13.5};
  int n = 0;
  for (int i = 0; i < 2; ++i) n += (pxd[i] > r_start && pxd[i] <= r_reach);
  for (int i = 0; i < 4; ++i) n += 2 * (svd[i] > r_start && svd[i] <= r_reach);
  const double pitch = (kCdcOuter - kCdcInner) / (kCdcLayers - 1);
  auto below = [&](double r) {  // CDC layers at radius <= r
    const double k = floor((r - kCdcInner) / pitch) + 1;
    return k < 0 ? 0 : (k > kCdcLayers ? kCdcLayers : static_cast<int>(k));
  };
  return n + below(r_reach) - below(r_start);
}

// First ψ at which the helix meets a cylinder of radius r between planes z_bwd and
// z_fwd, or one of the planes inside the cylinder; -1 if it does neither within
// `max_psi` turns of angle.
DS_FUNCTION inline double psi_to_surface(const Helix& h, double r, double z_bwd, double z_fwd, double max_psi) {
  double psi_r = h.psi_at_radius(r);
  if (psi_r >= 0) {
    const double z = h.z_at(psi_r);
    if (z < z_bwd || z > z_fwd) psi_r = -1;
  }
  const double psi_z = fmin(h.psi_at_z(z_fwd), h.psi_at_z(z_bwd));
  double best = psi_r;
  if (psi_z <= max_psi && (best < 0 || psi_z < best)) best = psi_z;
  return best <= max_psi ? best : -1;
}

// Energy deposited in the calorimeter by a particle of the given species, energy e and mass m.
DS_FUNCTION inline double calorimeter_energy(int species, double e, double m, RandomStream& rng) {
  if (species == electron) {
    // Full shower: σ_E/E = 2 % ⊕ 1.6 %/sqrt(E), and leakage (brems, rear) a few per cent.
    const double sigma = sqrt(0.02 * 0.02 + 0.016 * 0.016 / e);
    return fmax(0.0, e * (1.0 + sigma * rng.normal() - 0.03 * rng.exponential(1.0)));
  }
  const double kinetic = e - m;
  // Minimum ionising: about 0.2 GeV in 16 X0 of CsI(Tl), a Landau-like tail.
  double deposit = 0.18 + 0.02 * rng.exponential(1.0);
  if (species != muon && rng.chance(0.35)) deposit = kinetic * rng.uniform(0.15, 0.9);  // hadronic shower
  return fmin(deposit, kinetic);
}

// Most likely species assigned by the PID likelihoods to a track of the given true species:
// efficiency and misidentification of the size Belle II reports, worse for muons that
// do not reach the KLM and for tracks that start far out (less dE/dx, fewer hits).
DS_FUNCTION inline int identify(int species, double p, double r_start, RandomStream& rng) {
  // Rows: true e, mu, pi, K, p. Columns: assigned e, mu, pi, K, p.
  constexpr double kRates[kSpecies][kSpecies] = {{0.970, 0.004, 0.020, 0.004, 0.002},
                                                {0.002, 0.930, 0.060, 0.006, 0.002},
                                                {0.008, 0.040, 0.920, 0.027, 0.005},
                                                {0.003, 0.002, 0.095, 0.885, 0.015},
                                                {0.002, 0.002, 0.045, 0.051, 0.900}};
  double row[kSpecies];
  for (int j = 0; j < kSpecies; ++j) row[j] = kRates[species][j];
  if (species == muon && p < toy_detector::kMuonIdMinP) {
    row[muon] = 0.45;  // below the KLM threshold, muons look like pions
    row[pion] = 0.545;
  }
  // Displaced tracks: up to 10 % less correct identification, lost to the most common
  // fake (pions; kaons for true pions).
  const double loss = row[species] * 0.10 * fmin(1.0, r_start / 100.0);
  row[species] -= loss;
  row[species == pion ? kaon : pion] += loss;
  double u = rng.uniform();
  for (int j = 0; j < kSpecies; ++j) {
    u -= row[j];
    if (u <= 0) return j;
  }
  return species;
}

// The full response to one track. `start` is the true production point (cm), `p` the
// true momentum (GeV) there.
DS_FUNCTION inline RecoTrack reconstruct_track(int species, const Vec3& start, const Vec3& p, int charge,
                                               RandomStream& rng) {
  using namespace toy_detector;
  RecoTrack t;
  const double theta = p.theta();
  const double pt = p.perp();
  if (theta < kThetaMin || theta > kThetaMax || pt < kMinPt) return t;
  const double r0 = start.perp();
  if (r0 > kCdcOuter || start.z < kTrackerZMin || start.z > kTrackerZMax) return t;

  const Helix h = make_helix(start, p, charge, kFieldTesla);
  // Hits: layers crossed on the first half turn, until the track leaves the chamber.
  const double psi_exit = fmin(kPi, fmin(h.psi_at_z(kTrackerZMax), h.psi_at_z(kTrackerZMin)));
  const double r_reach = fmin(h.max_radius(psi_exit), kCdcOuter);
  const int layers = layers_crossed(r0, r_reach);
  const int lost = rng.poisson(kHitInefficiency * layers);
  t.nhits = layers > lost ? layers - lost : 0;
  if (t.nhits < kMinHitsToFind || !rng.chance(track_finding_efficiency(r0))) return t;
  t.found = true;
  t.charge = static_cast<std::int8_t>(charge > 0 ? 1 : -1);

  // Momentum: σ(pT)/pT = 0.11 % pT ⊕ 0.25 %/β for a full-length track, worse with the
  // lever arm left to a displaced one; angles 0.3 mrad ⊕ 1 mrad/(pβ) multiple scattering.
  const double e = sqrt(p.norm2() + species_mass(species) * species_mass(species));
  const double beta = p.norm() / e;
  const double lever = fmax(r_reach - r0, 5.0);
  const double arm = fmin(10.0, pow((kCdcOuter - kPxdInner) / lever, 1.5));
  const double sigma_pt = arm * sqrt(0.0011 * pt * 0.0011 * pt + 0.0025 * 0.0025 / (beta * beta));
  const double sigma_angle = sqrt(arm) * sqrt(0.0003 * 0.0003 + 0.001 * 0.001 / (p.norm2() * beta * beta));
  const double pt_r = pt * (1.0 + sigma_pt * rng.normal());
  const double theta_r = theta + sigma_angle * rng.normal();
  const double phi_r = p.phi() + sigma_angle * rng.normal() / fmax(sin(theta), 0.1);
  t.p = {pt_r * cos(phi_r), pt_r * sin(phi_r), pt_r * cos(theta_r) / sin(theta_r)};

  // Extrapolation to the KLM (θ_ext) and to the calorimeter, on the true helix. A curler
  // that reaches neither ends its extrapolation after half a turn.
  const double psi_klm = psi_to_surface(h, kKlmBarrelR, kKlmBwdZ, kKlmFwdZ, 4 * kPi);
  t.theta_ext = static_cast<float>(h.at(psi_klm >= 0 ? psi_klm : kPi).theta());
  const double psi_ecl = psi_to_surface(h, kEclBarrelR, kEclBwdZ, kEclFwdZ, 2 * kPi);
  const double e_dep = calorimeter_energy(species, e, species_mass(species), rng);
  if (psi_ecl >= 0) {
    const double th = h.at(psi_ecl).theta();
    if (th > kEclThetaMin && th < kEclThetaMax) {
      t.ecl_theta = static_cast<float>(th);
      t.e_ecl = static_cast<float>(e_dep);
    }
  }
  t.pid = static_cast<std::int8_t>(identify(species, p.norm(), r0, rng));
  // Without the calorimeter or the muon system, only dE/dx is left: electrons and muons
  // are then often taken for pions.
  if (species == muon && psi_klm < 0 && t.pid == muon) t.pid = pion;
  if (species == electron && t.ecl_theta < 0 && t.pid == electron && rng.chance(0.5)) t.pid = pion;
  return t;
}

// Fitted vertex: the true point smeared by the resolution of the tracks' first hits,
// 25 µm in the pixel detector growing with the radius of the first measured layer, with
// a 2 % tail five times wider (mis-assigned hits).
DS_FUNCTION inline Vec3 fit_vertex(const Vec3& v, RandomStream& rng) {
  const double r = v.perp();
  const double tail = rng.chance(0.02) ? 5.0 : 1.0;
  const double sigma = tail * (0.0025 + 0.003 * r);
  const double gx = rng.normal(), gy = rng.normal(), gz = rng.normal();
  return {v.x + sigma * gx, v.y + sigma * gy, v.z + 1.5 * sigma * gz};
}

}  // namespace darkscan::generator
