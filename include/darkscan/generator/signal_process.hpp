#pragma once
// The signal, e+e- -> h'(-> x+x-) A'[-> chi1 chi2(-> chi1 e+e-)] (docs/physics/model.md),
// generated in the c.m. frame and boosted to the lab:
//  - the A' is on shell when A' -> chi1 chi2 and e+e- -> h'A' are both open; otherwise
//    its virtual mass follows the off-shell integrand of docs/physics/dark-sector.md;
//  - dσ/dcosθ* ∝ λ sin²θ* + 8 m_A'²/s for the A' direction (docs/physics/dark-sector.md);
//  - A' -> chi1 chi2 and h' -> x+x- isotropic in the parent's rest frame;
//  - chi2 -> chi1 e+e- through a virtual A' of mass q = M(e+e-) < Δm drawn from
//    dΓ/dq² (docs/physics/dark-sector.md), then chi2 -> chi1 V_q and V_q -> e+e- isotropic
//    (choice: the spin correlations of the exact matrix element are not kept);
//  - proper decay lengths exponential with cτ(h') and cτ(chi2), flight along the lab
//    momentum from the collision point.
#include <cstdint>

#include "darkscan/core/macros.hpp"
#include "darkscan/generator/detector.hpp"
#include "darkscan/generator/inverse_cdf.hpp"
#include "darkscan/generator/true_event.hpp"

namespace darkscan::generator {

using physics::final_state_species;

// The collision: beam energies and the c.m. frame's velocity in the lab.
struct Collision {
  double sqrt_s = 10.58;
  FourVector beams;  // e- + e+, lab
  Vec3 cm_velocity;  // of the c.m. frame in the lab (along +z)
};

DS_FUNCTION inline Collision make_collision(double e_minus, double e_plus) {
  const double me = species_mass(electron);
  const FourVector em = {e_minus, {0, 0, sqrt(e_minus * e_minus - me * me)}};
  const FourVector ep = {e_plus, {0, 0, -sqrt(e_plus * e_plus - me * me)}};
  Collision c;
  c.beams = em + ep;
  c.sqrt_s = c.beams.mass();
  c.cm_velocity = c.beams.beta();
  return c;
}

// One signal point as the generator samples it: masses, lifetimes and the tabulated
// spectra. Not the analysis' signal model (signal_model::SignalModel: efficiency maps
// and mass resolution measured on the generated events).
struct SignalProcess {
  Collision collision;
  int final_state = 1;
  double m_hp = 0.5, ctau_hp_cm = 1.0;
  double m_chi1 = 2.5, m_chi2 = 3.5, m_ap = 7.5, ctau_chi2_cm = 1.0;
  bool ap_on_shell = true;
  InverseCdf ap_mass;  // virtual A' mass when off shell
  InverseCdf ee_mass;  // M(e+e-) of the chi2 decay
};

// The A' direction in the c.m. frame: accept-reject on λ sin²θ* + 8μ²/s.
DS_FUNCTION inline double sample_production_cos_theta(double lambda, double mu2_over_s, RandomStream& rng) {
  const double top = lambda + 8 * mu2_over_s;
  for (int i = 0; i < 1000; ++i) {
    const double c = rng.uniform(-1, 1);
    if (rng.uniform() * top <= lambda * (1 - c * c) + 8 * mu2_over_s) return c;
  }
  return 0;
}

DS_FUNCTION inline TrueEvent generate_true_event(const SignalProcess& m, RandomStream& rng) {
  const Collision& col = m.collision;
  const double s = col.sqrt_s * col.sqrt_s;
  const double mu = m.ap_on_shell ? m.m_ap : m.ap_mass.sample(rng.uniform());

  // e+e- -> h' A'(mu) in the c.m. frame, the beams along z.
  const double lambda = physics::kallen(1.0, mu * mu / s, m.m_hp * m.m_hp / s);
  const double cos_theta = sample_production_cos_theta(lambda, mu * mu / s, rng);
  const Vec3 dir = physics::direction(cos_theta, 6.283185307179586 * rng.uniform());
  const double pstar = physics::two_body_momentum(col.sqrt_s, mu, m.m_hp);
  const FourVector ap = physics::boost(physics::on_shell(dir * pstar, mu), col.cm_velocity);
  const FourVector hp = physics::boost(physics::on_shell(dir * (-pstar), m.m_hp), col.cm_velocity);

  const Vec3 ip = interaction_point(rng);
  TrueEvent ev;
  ev.origin = ip;
  // h' -> x+x- where it decays.
  ev.hp_ctau = rng.exponential(m.ctau_hp_cm);
  const int x = final_state_species(m.final_state);
  const double mx = species_mass(x);
  ev.hp = decay_at(decay_point(ip, hp, m.m_hp, ev.hp_ctau), hp, x, x, mx, mx, rng);

  // A' -> chi1 chi2 (promptly), chi2 -> chi1 V_q, V_q -> e+e-.
  const auto chis = physics::decay_two_body(ap, m.m_chi1, m.m_chi2, isotropic(rng));
  const double q = m.ee_mass.sample(rng.uniform());
  const auto chi2_decay = physics::decay_two_body(chis.second, m.m_chi1, q, isotropic(rng));
  ev.chi2_ctau = rng.exponential(m.ctau_chi2_cm);
  const double me = species_mass(electron);
  ev.chi = decay_at(decay_point(ip, chis.second, m.m_chi2, ev.chi2_ctau), chi2_decay.second, electron, electron, me,
                    me, rng);
  ev.invisible = chis.first + chi2_decay.first;
  return ev;
}

}  // namespace darkscan::generator
