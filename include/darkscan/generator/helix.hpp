#pragma once
// A charged track's helix in the solenoid field (along +z), for the toy detector: which
// layers it crosses, where it reaches the calorimeter and the KLM. Energy loss and
// multiple scattering along the way are neglected (a toy, not Geant4).
#include <cmath>

#include "darkscan/core/macros.hpp"
#include "darkscan/physics/four_vector.hpp"

namespace darkscan::generator {

using physics::Vec3;

inline constexpr double kTwoPi = 6.283185307179586;
inline constexpr double kPi = 3.141592653589793;
// R[cm] = pT[GeV] / (0.299792458 B[T]) * 100.
inline constexpr double kCurvatureCmPerGevTesla = 100.0 / 0.299792458;

// The angle in [0, 2π) congruent to a.
DS_FUNCTION inline double wrap_two_pi(double a) {
  a = fmod(a, kTwoPi);
  return a < 0 ? a + kTwoPi : a;
}

// Position after turning angle ψ: transverse c + R(cos α, sin α) with α = α0 + sense·ψ,
// z = z0 + ψ·dz_dpsi. A positive track in a field along +z turns clockwise (sense −1).
struct Helix {
  double cx = 0, cy = 0;  // circle centre (cm)
  double radius = 0;      // cm
  double sense = 1;       // +1 counter-clockwise, -1 clockwise (seen from +z)
  double alpha0 = 0;      // angle of the start point seen from the centre
  double z0 = 0;
  double dz_dpsi = 0;     // R pz / pT
  double start_radius = 0;
  // The centre's distance from the z axis and its angle, asked for by every radius
  // search of a track: computed once by make_helix (the same values, so the same bits).
  double centre_dist = 0;
  double centre_angle = 0;

  DS_FUNCTION Vec3 at(double psi) const {
    const double a = alpha0 + sense * psi;
    return {cx + radius * cos(a), cy + radius * sin(a), z_at(psi)};
  }
  DS_FUNCTION double z_at(double psi) const { return z0 + dz_dpsi * psi; }
  DS_FUNCTION double centre_distance() const { return centre_dist; }

  // Smallest ψ > 0 where the transverse radius equals r, or -1 when never:
  // r² = d² + R² + 2Rd cos(α − α_c), d and α_c the centre's distance and angle.
  DS_FUNCTION double psi_at_radius(double r) const {
    const double d = centre_distance();
    if (d < 1e-12) return -1;
    const double c = (r * r - d * d - radius * radius) / (2 * radius * d);
    if (c < -1 || c > 1) return -1;
    const double ac = centre_angle;
    const double delta = acos(c);
    double best = -1;
    const double targets[2] = {ac + delta, ac - delta};
    for (int i = 0; i < 2; ++i) {
      double psi = wrap_two_pi(sense * (targets[i] - alpha0));
      if (psi < 1e-12) psi += kTwoPi;
      if (best < 0 || psi < best) best = psi;
    }
    return best;
  }
  // ψ where the helix reaches the plane z (+inf when it moves away from it or along it).
  DS_FUNCTION double psi_at_z(double z) const {
    if (dz_dpsi == 0) return INFINITY;
    const double psi = (z - z0) / dz_dpsi;
    return psi >= 0 ? psi : INFINITY;
  }
  // Largest transverse radius reached for ψ in [0, psi_end].
  DS_FUNCTION double max_radius(double psi_end) const {
    const double d = centre_distance();
    const double to_far_point = wrap_two_pi(sense * (centre_angle - alpha0));
    if (d > 1e-12 && to_far_point <= psi_end) return d + radius;
    const double r_end = at(psi_end).perp();
    return r_end > start_radius ? r_end : start_radius;
  }
};

DS_FUNCTION inline Helix make_helix(const Vec3& start, const Vec3& p, int charge, double b_tesla) {
  Helix h;
  const double pt = p.perp();
  h.radius = pt * kCurvatureCmPerGevTesla / b_tesla;
  h.sense = charge > 0 ? -1.0 : 1.0;
  // The centre lies on the side the track turns to: the left normal for counter-clockwise.
  const double nx = -p.y / pt, ny = p.x / pt;
  h.cx = start.x + h.sense * h.radius * nx;
  h.cy = start.y + h.sense * h.radius * ny;
  h.alpha0 = atan2(start.y - h.cy, start.x - h.cx);
  h.z0 = start.z;
  h.dz_dpsi = h.radius * p.z / pt;
  h.start_radius = start.perp();
  h.centre_dist = sqrt(h.cx * h.cx + h.cy * h.cy);
  h.centre_angle = atan2(h.cy, h.cx);
  return h;
}

}  // namespace darkscan::generator
