#pragma once
// Three- and four-vectors, Lorentz boosts and two-body kinematics in double precision
// (GeV; metric +---). Shared by the generator and the selection, on host and device.
#include <cmath>

#include "darkscan/core/macros.hpp"

namespace darkscan::physics {

struct Vec3 {
  double x = 0, y = 0, z = 0;

  DS_FUNCTION Vec3 operator+(const Vec3& o) const { return {x + o.x, y + o.y, z + o.z}; }
  DS_FUNCTION Vec3 operator-(const Vec3& o) const { return {x - o.x, y - o.y, z - o.z}; }
  DS_FUNCTION Vec3 operator*(double a) const { return {a * x, a * y, a * z}; }
  DS_FUNCTION Vec3 operator-() const { return {-x, -y, -z}; }
  DS_FUNCTION double dot(const Vec3& o) const { return x * o.x + y * o.y + z * o.z; }
  DS_FUNCTION Vec3 cross(const Vec3& o) const { return {y * o.z - z * o.y, z * o.x - x * o.z, x * o.y - y * o.x}; }
  DS_FUNCTION double norm2() const { return x * x + y * y + z * z; }
  DS_FUNCTION double norm() const { return sqrt(norm2()); }
  DS_FUNCTION double perp() const { return sqrt(x * x + y * y); }
  // Polar angle to +z and azimuth.
  DS_FUNCTION double theta() const { return atan2(perp(), z); }
  DS_FUNCTION double phi() const { return atan2(y, x); }
  DS_FUNCTION Vec3 unit() const {
    const double n = norm();
    return n > 0 ? *this * (1.0 / n) : Vec3{0, 0, 1};
  }
};

// Unit vector from polar angle (cos θ) and azimuth.
DS_FUNCTION inline Vec3 direction(double cos_theta, double phi) {
  const double sin_theta = sqrt(fmax(0.0, 1.0 - cos_theta * cos_theta));
  return {sin_theta * cos(phi), sin_theta * sin(phi), cos_theta};
}

// Angle between two vectors, accurate also near 0 and π (atan2 of |a×b| and a·b).
DS_FUNCTION inline double angle_between(const Vec3& a, const Vec3& b) { return atan2(a.cross(b).norm(), a.dot(b)); }

struct FourVector {
  double e = 0;
  Vec3 p;

  DS_FUNCTION FourVector operator+(const FourVector& o) const { return {e + o.e, p + o.p}; }
  DS_FUNCTION FourVector operator-(const FourVector& o) const { return {e - o.e, p - o.p}; }
  DS_FUNCTION double mass2() const { return e * e - p.norm2(); }
  DS_FUNCTION double mass() const {
    const double m2 = mass2();
    return m2 > 0 ? sqrt(m2) : 0.0;
  }
  // Velocity of the frame in which this system is at rest.
  DS_FUNCTION Vec3 beta() const { return p * (1.0 / e); }
};

DS_FUNCTION inline FourVector on_shell(const Vec3& p, double m) { return {sqrt(p.norm2() + m * m), p}; }

// Invariant mass of two momenta under mass hypotheses m1, m2, written as
// m1² + m2² + 2(E1 E2 − p1·p2) with E1 E2 − p1·p2 = (m1²p2² + m2²p1² + |p1×p2|² + m1²m2²)/(E1E2 + p1·p2)
// when p1·p2 > 0: no cancellation for the nearly collinear pairs of light, boosted
// parents (a direct E² − p² loses most digits there).
DS_FUNCTION inline double pair_mass(const Vec3& p1, double m1, const Vec3& p2, double m2) {
  const double a2 = p1.norm2(), b2 = p2.norm2();
  const double e1 = sqrt(a2 + m1 * m1), e2 = sqrt(b2 + m2 * m2);
  const double d = p1.dot(p2);
  double ee_minus_pp;
  if (d > 0) {
    ee_minus_pp = (m1 * m1 * b2 + m2 * m2 * a2 + p1.cross(p2).norm2() + m1 * m1 * m2 * m2) / (e1 * e2 + d);
  } else {
    ee_minus_pp = e1 * e2 - d;
  }
  return sqrt(m1 * m1 + m2 * m2 + 2 * ee_minus_pp);
}

// Boost of `v` by velocity `b` (|b| < 1): the four-vector seen from a frame moving
// with −b, i.e. a particle at rest in the frame gets velocity b.
DS_FUNCTION inline FourVector boost(const FourVector& v, const Vec3& b) {
  const double b2 = b.norm2();
  if (b2 <= 0) return v;
  const double gamma = 1.0 / sqrt(1.0 - b2);
  const double bp = b.dot(v.p);
  const double g2 = (gamma - 1.0) / b2;
  return {gamma * (v.e + bp), v.p + b * (g2 * bp + gamma * v.e)};
}

// Källén function λ(a, b, c) = a² + b² + c² − 2ab − 2ac − 2bc.
DS_FUNCTION inline double kallen(double a, double b, double c) {
  return a * a + b * b + c * c - 2 * (a * b + a * c + b * c);
}

// Momentum of either daughter in the rest frame of a parent of mass M decaying to m1 m2
// (0 when closed).
DS_FUNCTION inline double two_body_momentum(double M, double m1, double m2) {
  const double l = kallen(M * M, m1 * m1, m2 * m2);
  return l > 0 ? sqrt(l) / (2 * M) : 0.0;
}

// The two daughters of `parent` (mass M = parent.mass()) decaying to masses m1, m2 with
// daughter 1 emitted along `dir` in the parent's rest frame.
struct TwoBody {
  FourVector first, second;
};
DS_FUNCTION inline TwoBody decay_two_body(const FourVector& parent, double m1, double m2, const Vec3& dir) {
  const double M = parent.mass();
  const double q = two_body_momentum(M, m1, m2);
  const FourVector d1 = on_shell(dir * q, m1);
  const FourVector d2 = on_shell(dir * (-q), m2);
  const Vec3 b = parent.beta();
  return {boost(d1, b), boost(d2, b)};
}

}  // namespace darkscan::physics
