#pragma once
// Backgrounds that make two-vertex candidates: each process is a pair of vertex sources
// (what the candidate's "h'" and "chi2" vertices really are) plus the event's
// surroundings. The sources:
//  - conversion: a photon converting to e+e- in material (tiny opening angle);
//  - long_lived: K_S -> pi+pi-, Lambda -> p pi- (fixed mass, exponential flight);
//  - material: a hadronic interaction of a neutral hadron from the collision in the beam
//    pipe, the silicon layers or the drift-chamber wall, two charged hadrons of random
//    mass leaving off the parent's line of flight (the recoiling nucleus is unseen);
//  - prompt: a pair from the collision point with a continuum mass (two-photon
//    processes, qq̄), optionally along the beams;
//  - tau: two tracks of one τ decay, displaced by the τ flight (cτ = 87 µm);
//  - dalitz: a prompt e+e- pair of π0 -> γ e+e- (dN/dM ∝ 1/M below m(π0));
//  - cosmic: a cosmic muon crossing the detector, reconstructed as two back-to-back
//    tracks of opposite charge from their point of closest approach to the beam.
#include <cmath>
#include <cstdint>

#include "darkscan/core/macros.hpp"
#include "darkscan/generator/detector.hpp"
#include "darkscan/generator/signal_process.hpp"
#include "darkscan/generator/true_event.hpp"

namespace darkscan::generator {

enum class PairKind : std::int8_t { conversion, long_lived, material, prompt, tau, dalitz, cosmic };

struct PairSource {
  PairKind kind = PairKind::prompt;
  std::int8_t positive = pion, negative = pion;  // true species of the two tracks
  double parent_mass = 0;      // long_lived
  double parent_ctau_cm = 0;   // long_lived
  bool charge_conjugate = false;  // long_lived: half the decays are of the antiparticle (p̄ pi+)
  double mass_min = 0.3, mass_max = 3.0, mass_slope = 0.5;  // continuum: min + exponential, below max
  double p_mean = 1.0;         // momentum scale of the parent in the c.m. frame (GeV)
  bool along_beams = false;    // prompt: two-photon kinematics, the pair along the beams
};

struct BackgroundModel {
  Collision collision;
  PairSource hp, chi;
  Surroundings around;
};

// Material a particle from the collision point can convert or interact in: radius (cm)
// and the share of the probability (∝ thickness in radiation or interaction lengths).
DS_FUNCTION inline double material_radius(RandomStream& rng) {
  const double radius[8] = {1.0, 1.4, 2.2, 3.9, 8.0, 10.4, 13.5, 16.0};  // beam pipe, PXD, SVD, CDC wall
  const double share[8] = {0.25, 0.08, 0.08, 0.12, 0.12, 0.12, 0.12, 0.11};
  double u = rng.uniform();
  for (int i = 0; i < 8; ++i) {
    u -= share[i];
    if (u <= 0) return radius[i];
  }
  return radius[7];
}

// Parent momentum in the c.m. frame: a Gamma(2) spectrum of mean p_mean, capped by the beam.
DS_FUNCTION inline double parent_momentum(double p_mean, double sqrt_s, RandomStream& rng) {
  const double p = 0.5 * p_mean * (rng.exponential(1.0) + rng.exponential(1.0));
  return fmin(p, 0.45 * sqrt_s);
}

DS_FUNCTION inline double continuum_mass(const PairSource& src, RandomStream& rng) {
  for (int i = 0; i < 100; ++i) {
    const double m = src.mass_min + rng.exponential(src.mass_slope);
    if (m < src.mass_max) return m;
  }
  return src.mass_min;
}

// A parent of mass m in the lab: momentum from the source's spectrum, direction
// isotropic in the c.m. frame (or along the beams for two-photon pairs).
DS_FUNCTION inline FourVector parent_in_lab(const PairSource& src, double m, const Collision& col, RandomStream& rng) {
  const double p = parent_momentum(src.p_mean, col.sqrt_s, rng);
  double c = rng.uniform(-1, 1);
  if (src.along_beams) c = tanh(rng.uniform(-2.5, 2.5));
  const Vec3 dir = physics::direction(c, 6.283185307179586 * rng.uniform());
  return physics::boost(physics::on_shell(dir * p, m), col.cm_velocity);
}

// Rotates unit vector u by polar angle a about itself, at a random azimuth.
DS_FUNCTION inline Vec3 tilt(const Vec3& u, double a, RandomStream& rng) {
  const Vec3 any = fabs(u.z) < 0.9 ? Vec3{0, 0, 1} : Vec3{1, 0, 0};
  const Vec3 e1 = u.cross(any).unit();
  const Vec3 e2 = u.cross(e1);
  const double phi = 6.283185307179586 * rng.uniform();
  return u * cos(a) + (e1 * cos(phi) + e2 * sin(phi)) * sin(a);
}

// A cosmic muon through the detector, split by the reconstruction into an outgoing and
// an incoming leg that share the point of closest approach to the beam line.
DS_FUNCTION inline TrueVertex cosmic_muon(RandomStream& rng) {
  // Mostly downwards (-y is down in Belle II), a few GeV.
  const Vec3 d = Vec3{0.4 * rng.normal(), -1.0, 0.4 * rng.normal()}.unit();
  const double p = 1.0 + rng.exponential(4.0);
  const Vec3 transverse_normal = Vec3{-d.y, d.x, 0}.unit();
  const Vec3 poca = transverse_normal * rng.uniform(-30, 30) + Vec3{0, 0, rng.uniform(-40, 60)};
  const double m = species_mass(muon);
  TrueVertex v;
  v.position = poca;
  const bool mu_plus = rng.chance(0.5);
  const FourVector out = physics::on_shell(d * p, m), in = physics::on_shell(d * (-p), m);
  v.track[0] = {muon, 1, mu_plus ? out : in};
  v.track[1] = {muon, -1, mu_plus ? in : out};
  return v;
}

// One vertex of the given source. `ctau` receives the parent's proper decay length
// where it has one.
DS_FUNCTION inline TrueVertex make_vertex(const PairSource& src, const Collision& col, const Vec3& ip,
                                          RandomStream& rng, double& ctau) {
  const double m0 = species_mass(src.positive), m1 = species_mass(src.negative);
  ctau = 0;
  switch (src.kind) {
    case PairKind::conversion: {
      const double lo = 2 * species_mass(electron), hi = 0.02;
      const double m = lo * exp(rng.uniform() * log(hi / lo));  // dN/dM ∝ 1/M
      const FourVector gamma = parent_in_lab(src, m, col, rng);
      const double r = material_radius(rng);
      const Vec3 at = ip + gamma.p * (r / fmax(gamma.p.perp(), 1e-9));
      return decay_at(at, gamma, electron, electron, lo / 2, lo / 2, rng);
    }
    case PairKind::long_lived: {
      const FourVector parent = parent_in_lab(src, src.parent_mass, col, rng);
      ctau = rng.exponential(src.parent_ctau_cm);
      const Vec3 at = decay_point(ip, parent, src.parent_mass, ctau);
      if (src.charge_conjugate && rng.chance(0.5)) return decay_at(at, parent, src.negative, src.positive, m1, m0, rng);
      return decay_at(at, parent, src.positive, src.negative, m0, m1, rng);
    }
    case PairKind::material: {
      // The neutral parent flies straight from the collision point to the material.
      const FourVector neutral = parent_in_lab(src, 0.938, col, rng);
      const double r = material_radius(rng);
      const Vec3 at = ip + neutral.p * (r / fmax(neutral.p.perp(), 1e-9));
      const double m = continuum_mass(src, rng);
      const double p = fmax(0.1, rng.uniform(0.3, 0.9) * neutral.p.norm());
      const Vec3 dir = tilt(neutral.p.unit(), rng.exponential(0.3), rng);
      return decay_at(at, physics::on_shell(dir * p, m), src.positive, src.negative, m0, m1, rng);
    }
    case PairKind::tau: {
      // The τ of e+e- -> τ+τ-; two of its decay tracks (mass below m_τ) carry most of its momentum.
      constexpr double kTauMass = 1.77686, kTauCtau = 0.008711;
      const double pstar = physics::two_body_momentum(col.sqrt_s, kTauMass, kTauMass);
      const Vec3 tdir = isotropic(rng);
      const FourVector tau = physics::boost(physics::on_shell(tdir * pstar, kTauMass), col.cm_velocity);
      ctau = rng.exponential(kTauCtau);
      const Vec3 at = decay_point(ip, tau, kTauMass, ctau);
      const double m = continuum_mass(src, rng);
      const Vec3 dir = tilt(tau.p.unit(), rng.exponential(0.08), rng);
      return decay_at(at, physics::on_shell(dir * (rng.uniform(0.4, 0.9) * tau.p.norm()), m), src.positive,
                      src.negative, m0, m1, rng);
    }
    case PairKind::dalitz: {
      const double lo = 2 * species_mass(electron), hi = 0.13;
      const double m = lo * exp(rng.uniform() * log(hi / lo));
      return decay_at(ip, parent_in_lab(src, m, col, rng), electron, electron, lo / 2, lo / 2, rng);
    }
    case PairKind::cosmic:
      return cosmic_muon(rng);
    case PairKind::prompt:
    default: {
      const double m = continuum_mass(src, rng);
      return decay_at(ip, parent_in_lab(src, m, col, rng), src.positive, src.negative, m0, m1, rng);
    }
  }
}

DS_FUNCTION inline TrueEvent generate_true_event(const BackgroundModel& model, RandomStream& rng) {
  const Vec3 ip = interaction_point(rng);
  TrueEvent ev;
  ev.origin = ip;
  ev.hp = make_vertex(model.hp, model.collision, ip, rng, ev.hp_ctau);
  double unused = 0;
  ev.chi = make_vertex(model.chi, model.collision, ip, rng, unused);
  ev.around = model.around;
  // What escapes: the beams minus the four tracks (neutrinos, neutrals, particles
  // along the beams), kept for completeness of the record.
  ev.invisible = model.collision.beams - ev.hp.track[0].p - ev.hp.track[1].p - ev.chi.track[0].p - ev.chi.track[1].p;
  return ev;
}

}  // namespace darkscan::generator
