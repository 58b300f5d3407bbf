#pragma once
// The quantities docs/formats/events.md derives from the stored columns, never stores: the final state
// from the h' tracks' PID, M(x+x-) under its species hypothesis, M(p pi) with the proton
// on either h' track, M(e+e-), the opening angle of each pair, the h' pointing angle, the
// transverse displacement dv of each vertex, E/p of the chi2 daughters, and the missing
// four-momentum (beams minus the four tracks): its c.m. energy and lab polar angle.
#include <cmath>

#include "darkscan/core/macros.hpp"
#include "darkscan/physics/four_vector.hpp"
#include "darkscan/physics/particles.hpp"
#include "darkscan/selection/candidate.hpp"

namespace darkscan::selection {

using physics::FourVector;

// The colliding beams (docs/formats/events.md: e- along +z, e+ along -z, no crossing angle).
struct Beams {
  FourVector total;
  double sqrt_s = 0;
};

DS_FUNCTION inline Beams make_beams(double e_minus, double e_plus) {
  const double me = physics::species_mass(physics::electron);
  const FourVector em{e_minus, {0, 0, sqrt(e_minus * e_minus - me * me)}};
  const FourVector ep{e_plus, {0, 0, -sqrt(e_plus * e_plus - me * me)}};
  Beams b;
  b.total = em + ep;
  b.sqrt_s = b.total.mass();
  return b;
}

struct Derived {
  int final_state = -1;     // 0 mu+mu-, 1 pi+pi-, 2 K+K-; -1: the h' pair is none of these
  double m_hp = 0;          // M(x+x-), species of the final state (pions when -1)
  double m_ppi[2] = {0, 0}; // M(p pi), proton mass on h' track 0 / track 1
  double m_ee = 0;          // M(e+e-) of the chi2 pair
  double open_hp = 0, open_chi = 0;  // opening angles (rad)
  double pointing = 0;      // angle between the h' vertex position and the pair momentum (rad)
  double hp_dv = 0, chi_dv = 0;      // transverse displacement of the vertices (cm)
  double eop[2] = {0, 0};   // E_ECL / p of the chi2 daughters
  double e_miss_cm = 0;     // missing energy in the c.m. frame (GeV)
  double theta_miss = 0;    // lab polar angle of the missing momentum (rad)
};

// Final state of an h' pair from its PID codes: both muons, both pions or both kaons.
DS_FUNCTION inline int classify_final_state(int pid0, int pid1) {
  if (pid0 != pid1) return -1;
  if (pid0 == physics::muon) return 0;
  if (pid0 == physics::pion) return 1;
  if (pid0 == physics::kaon) return 2;
  return -1;
}

DS_FUNCTION inline Derived derive(const Candidate& c, const Beams& beams) {
  using physics::pair_mass;
  using physics::species_mass;
  Derived d;
  d.final_state = classify_final_state(c.trk[hp_trk0].pid, c.trk[hp_trk1].pid);
  const double mx = species_mass(d.final_state >= 0 ? physics::final_state_species(d.final_state) : physics::pion);
  const double mp = species_mass(physics::proton), mpi = species_mass(physics::pion);
  const double me = species_mass(physics::electron);
  const Vec3& a = c.trk[hp_trk0].p;
  const Vec3& b = c.trk[hp_trk1].p;
  const Vec3& e0 = c.trk[chi_trk0].p;
  const Vec3& e1 = c.trk[chi_trk1].p;
  d.m_hp = pair_mass(a, mx, b, mx);
  d.m_ppi[0] = pair_mass(a, mp, b, mpi);
  d.m_ppi[1] = pair_mass(a, mpi, b, mp);
  d.m_ee = pair_mass(e0, me, e1, me);
  d.open_hp = physics::angle_between(a, b);
  d.open_chi = physics::angle_between(e0, e1);
  d.pointing = physics::angle_between(c.hp_vertex, a + b);
  d.hp_dv = c.hp_vertex.perp();
  d.chi_dv = c.chi_vertex.perp();
  d.eop[0] = c.trk[chi_trk0].e_ecl / e0.norm();
  d.eop[1] = c.trk[chi_trk1].e_ecl / e1.norm();
  const FourVector visible =
      physics::on_shell(a, mx) + physics::on_shell(b, mx) + physics::on_shell(e0, me) + physics::on_shell(e1, me);
  const FourVector missing = beams.total - visible;
  // E* = P·P_miss / sqrt(s), P the beams' four-momentum: the energy in their rest frame.
  d.e_miss_cm = (beams.total.e * missing.e - beams.total.p.dot(missing.p)) / beams.sqrt_s;
  d.theta_miss = missing.p.theta();
  return d;
}

}  // namespace darkscan::selection
