#pragma once
// A generated event before detector effects: the two vertices a candidate is built
// from, what escapes, and the event's surroundings (other tracks, neutral energy, KLM
// clusters) that the detector model turns into the event-level columns.
#include <cmath>
#include <cstdint>

#include "darkscan/core/macros.hpp"
#include "darkscan/generator/random_stream.hpp"
#include "darkscan/physics/four_vector.hpp"

namespace darkscan::generator {

using physics::FourVector;
using physics::Vec3;

struct TrueTrack {
  std::int8_t species = 0;  // PID code of docs/formats/events.md
  std::int8_t charge = 0;
  FourVector p;
};

struct TrueVertex {
  Vec3 position;  // cm, lab
  TrueTrack track[2];
};

// The rest of the event as the detector sees it.
struct Surroundings {
  double extra_tracks_mean = 0.03;    // tracks beyond the four (beam background alone: a few %)
  double neutral_energy_mean = 0.0;   // photons of the process itself (GeV, exponential)
  double klm_along_missing = 0.0;     // probability of a KLM cluster from an escaping K_L / neutron
  double fake_displacement = 0.0;     // probability that a vertex fit fails into a displaced point
};

struct TrueEvent {
  Vec3 origin;      // the collision point
  TrueVertex hp;    // the h' vertex (or the vertex a background places there)
  TrueVertex chi;   // the chi2 vertex (an e+e- pair)
  FourVector invisible;   // everything not in the four tracks (chi1 pair, neutrinos, ...)
  double hp_ctau = 0;     // proper decay length of the h' (or background parent), cm
  double chi2_ctau = 0;   // proper decay length of the chi2, cm
  Surroundings around;
};

// Isotropic unit vector.
DS_FUNCTION inline Vec3 isotropic(RandomStream& rng) {
  const double c = rng.uniform(-1, 1);
  return physics::direction(c, 6.283185307179586 * rng.uniform());
}

// A two-body decay at `vertex`, daughters of species s0 (positive) and s1 (negative),
// isotropic in the parent's rest frame.
DS_FUNCTION inline TrueVertex decay_at(const Vec3& vertex, const FourVector& parent, int s0, int s1,
                                       double m0, double m1, RandomStream& rng) {
  const auto d = physics::decay_two_body(parent, m0, m1, isotropic(rng));
  TrueVertex v;
  v.position = vertex;
  v.track[0] = {static_cast<std::int8_t>(s0), 1, d.first};
  v.track[1] = {static_cast<std::int8_t>(s1), -1, d.second};
  return v;
}

// Collision point: the Belle II luminous region, σx = 10 µm, σy = 0.2 µm, σz = 350 µm.
DS_FUNCTION inline Vec3 interaction_point(RandomStream& rng) {
  const double gx = rng.normal(), gy = rng.normal(), gz = rng.normal();
  return {0.001 * gx, 0.00002 * gy, 0.035 * gz};
}

// Where a particle produced at `origin` with momentum p and mass m decays after a
// proper decay length `ctau`: origin + (p/m)·ctau, i.e. βγ·cτ along its flight.
DS_FUNCTION inline Vec3 decay_point(const Vec3& origin, const FourVector& p, double m, double ctau) {
  return origin + p.p * (ctau / m);
}

}  // namespace darkscan::generator
