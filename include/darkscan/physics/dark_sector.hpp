#pragma once
// The dark-sector widths and the production cross section of docs/physics/dark-sector.md
// as pure arithmetic: the A' → χ1χ2 width, the χ2 → χ1 ℓ+ℓ− and χ2 → χ1 π+π− spectra
// dΓ/dq² through an off-shell A', σ(e+e− → h'V) and the off-shell integrand dσ_prod/dμ².
// Double precision, GeV units (cross sections in fb), no allocation, no throw, no I/O;
// the integrals over q² and μ² live on the host (host/physics/dark_sector_integrals.hpp).
#include <cmath>

#include "darkscan/core/macros.hpp"
#include "darkscan/physics/four_vector.hpp"

namespace darkscan::physics {

// Constants of docs/physics/dark-sector.md, and the particle masses the formulas need (PDG).
inline constexpr double kPi = 3.14159265358979323846;
inline constexpr double kAlphaEm = 1.0 / 137.036;
inline constexpr double kHbarCGeVCm = 1.97327e-14;      // ħc, GeV·cm
inline constexpr double kFbPerInverseGeV2 = 0.3893794e12;  // 1 GeV⁻² in fb
inline constexpr double kElectronMass = 0.51099895e-3;  // GeV
inline constexpr double kMuonMass = 0.1056583755;       // GeV
inline constexpr double kChargedPionMass = 0.13957039;  // GeV
// docs/physics/dark-sector.md, choice: the ρ Breit–Wigner of |F_π|² (approximate).
inline constexpr double kRhoMass = 0.775;   // GeV
inline constexpr double kRhoWidth = 0.149;  // GeV
// docs/physics/dark-sector.md: the default collider energy.
inline constexpr double kDefaultSqrtS = 10.58;  // GeV

// One point of the model (docs/physics/dark-sector.md).
struct DarkSectorPoint {
  double m_chi1 = 1.0;     // GeV
  double delta_m = 0.4;    // m(chi2) - m(chi1), GeV
  double m_ap = 3.0;       // A' mass, GeV
  double alpha_d = 0.1;
  double epsilon = 1e-3;   // kinetic mixing
  double q_phi = 2.0;      // U(1)_D charge of the dark Higgs (docs/physics/dark-sector.md choice)
  DS_FUNCTION double m_chi2() const { return m_chi1 + delta_m; }
  // Whether the point is physical: positive masses, splitting, couplings and charge
  // (written so that NaN fields are invalid).
  DS_FUNCTION explicit operator bool() const {
    return m_chi1 > 0.0 && delta_m > 0.0 && m_ap > 0.0 && alpha_d > 0.0 && epsilon > 0.0 && q_phi > 0.0;
  }
};

// A' (or a virtual A' of mass m_v) → χ1 χ2 width, GeV (docs/physics/dark-sector.md), x_i = m_i²/m_v²:
//   Γ = (α_D m_v/3) λ^{1/2}(1, x1, x2) [1 − (x1 + x2)/2 − (x1 − x2)²/2 + 3 sqrt(x1 x2)].
// Zero when closed (m1 + m2 ≥ m_v).
DS_FUNCTION inline double width_ap_to_chi1chi2(double m_v, double m1, double m2, double alpha_d) {
  if (!(m_v > m1 + m2)) return 0.0;
  const double x1 = m1 * m1 / (m_v * m_v);
  const double x2 = m2 * m2 / (m_v * m_v);
  const double lam = kallen(1.0, x1, x2);
  if (!(lam > 0.0)) return 0.0;
  const double d = x1 - x2;
  return alpha_d * m_v / 3.0 * sqrt(lam) * (1.0 - 0.5 * (x1 + x2) - 0.5 * d * d + 3.0 * sqrt(x1 * x2));
}

// The visible A' width to e+e− (massless electrons), ε² α m_A'/3 (docs/physics/dark-sector.md): about
// 1e-7 of the χ1χ2 width for ε ~ 1e-3.
DS_FUNCTION inline double width_ap_to_ee_massless(double m_ap, double epsilon) {
  return epsilon * epsilon * kAlphaEm * m_ap / 3.0;
}

// The total A' width of the Breit–Wigner of docs/physics/dark-sector.md. Choice: Γ(A' → χ1χ2) at
// m_A' plus the massless e+e− width ε² α m_A'/3; the other visible channels (μμ, hadrons) are
// as negligible and left out. The e+e− term changes σ_prod by about 1e-9 relative where χ1χ2 is
// open; it keeps the Breit–Wigner finite where χ1χ2 is closed (m1 + m2 ≥ m_A').
DS_FUNCTION inline double width_ap_total(const DarkSectorPoint& p) {
  return width_ap_to_chi1chi2(p.m_ap, p.m_chi1, p.m_chi2(), p.alpha_d) + width_ap_to_ee_massless(p.m_ap, p.epsilon);
}

// Γ(χ2 → χ1 V_q) for a vector of mass² q2 coupled with g_D (docs/physics/dark-sector.md), GeV:
//   g_D² |k| / (16π m2²) · 4 [k·p − 3 m1 m2 + 2 (k·q)(p·q)/q²],
// k·p = (m1² + m2² − q²)/2, k·q = (m2² − m1² − q²)/2, p·q = (m2² − m1² + q²)/2,
// |k| = λ^{1/2}(m2², m1², q²)/(2 m2). Zero outside 0 < q² < (m2 − m1)².
DS_FUNCTION inline double width_chi2_to_chi1_vq(double q2, double m1, double m2, double alpha_d) {
  const double dm = m2 - m1;
  if (!(q2 > 0.0 && q2 < dm * dm)) return 0.0;
  const double m1s = m1 * m1;
  const double m2s = m2 * m2;
  const double lam = kallen(m2s, m1s, q2);
  if (!(lam > 0.0)) return 0.0;
  const double k = sqrt(lam) / (2.0 * m2);
  const double kp = 0.5 * (m1s + m2s - q2);
  const double kq = 0.5 * (m2s - m1s - q2);
  const double pq = 0.5 * (m2s - m1s + q2);
  const double bracket = kp - 3.0 * m1 * m2 + 2.0 * kq * pq / q2;
  const double g_d2 = 4.0 * kPi * alpha_d;
  return g_d2 * k / (16.0 * kPi * m2s) * 4.0 * bracket;
}

// Γ(V_q → ℓ+ℓ−) = ε² α q/3 (1 + 2m_ℓ²/q²) sqrt(1 − 4m_ℓ²/q²) (docs/physics/dark-sector.md), GeV.
// Zero at and below threshold.
DS_FUNCTION inline double width_vq_to_leptons(double q2, double epsilon, double m_lepton) {
  const double r = 4.0 * m_lepton * m_lepton;
  if (!(q2 > r && q2 > 0.0)) return 0.0;
  const double q = sqrt(q2);
  return epsilon * epsilon * kAlphaEm * q / 3.0 * (1.0 + 0.5 * r / q2) * sqrt(1.0 - r / q2);
}

// |F_π(q²)|² from a ρ Breit–Wigner normalised to 1 at q² = 0 (docs/physics/dark-sector.md, choice;
// approximate): m_ρ⁴ / ((q² − m_ρ²)² + m_ρ² Γ_ρ²).
DS_FUNCTION inline double pion_form_factor_sq(double q2) {
  const double mr2 = kRhoMass * kRhoMass;
  const double d = q2 - mr2;
  return mr2 * mr2 / (d * d + mr2 * kRhoWidth * kRhoWidth);
}

// Γ(V_q → π+π−) = ε² α q β_π³ |F_π(q²)|²/12 (docs/physics/dark-sector.md), GeV. Zero below 4m_π².
DS_FUNCTION inline double width_vq_to_pions(double q2, double epsilon) {
  const double r = 4.0 * kChargedPionMass * kChargedPionMass;
  if (!(q2 > r)) return 0.0;
  const double q = sqrt(q2);
  const double beta = sqrt(1.0 - r / q2);
  return epsilon * epsilon * kAlphaEm * q * beta * beta * beta * pion_form_factor_sq(q2) / 12.0;
}

// The factorised spectrum of docs/physics/dark-sector.md for a final state of width gamma_v_q = Γ(V_q → f):
//   dΓ/dq² = Γ(χ2 → χ1 V_q) · q Γ(V_q → f) / (π (q² − m_A'²)²).
// No width in the A' propagator (as in docs/physics/dark-sector.md): the formula needs Δm < m_A'.
DS_FUNCTION inline double chi2_dgamma_dq2(double q2, const DarkSectorPoint& p, double gamma_v_q) {
  if (gamma_v_q <= 0.0) return 0.0;
  const double gamma_chi = width_chi2_to_chi1_vq(q2, p.m_chi1, p.m_chi2(), p.alpha_d);
  if (gamma_chi <= 0.0) return 0.0;
  const double d = q2 - p.m_ap * p.m_ap;
  return gamma_chi * sqrt(q2) * gamma_v_q / (kPi * d * d);
}

// dΓ/dq² of χ2 → χ1 ℓ+ℓ− through an off-shell A' (docs/physics/dark-sector.md), GeV⁻¹; zero outside
// 4m_ℓ² < q² < Δm². Also the M(ℓ+ℓ−)² spectrum the generator samples. m_lepton = 0 is allowed.
DS_FUNCTION inline double chi2_dgamma_dq2_leptons(double q2, const DarkSectorPoint& p, double m_lepton) {
  return chi2_dgamma_dq2(q2, p, width_vq_to_leptons(q2, p.epsilon, m_lepton));
}

// The same for π+π− with the ρ Breit–Wigner form factor (docs/physics/dark-sector.md choice); zero
// outside 4m_π² < q² < Δm².
DS_FUNCTION inline double chi2_dgamma_dq2_pions(double q2, const DarkSectorPoint& p) {
  return chi2_dgamma_dq2(q2, p, width_vq_to_pions(q2, p.epsilon));
}

// σ(e+e− → h'V) in fb for a (possibly virtual) vector of mass m_v (docs/physics/dark-sector.md):
//   π q_φ² ε² α α_D s / (3 (s − m_A'²)²) · λ^{1/2} (λ + 12 m_v²/s) · m_A'²/m_v²,
//   λ = λ(1, m_v²/s, m_h'²/s),
// which is the formula of docs/physics/dark-sector.md, π q_φ² ε² α α_D/(3s) · λ^{1/2}(λ + 12 m_A'²/s)/(1 − m_A'²/s)² at m_v = m_A',
// with m_v in place of m_A' in λ, in (λ + 12 m_v²/s) and in the 1/m_V² of the polarisation
// sum, keeping the physical (s − m_A'²)² propagator and the h'A'A' coupling 2 q_φ g_D m_A'
// (hence the factor m_A'²/m_v²). Zero when closed (m_v + m_h' ≥ √s). No initial-state
// radiation (docs/physics/dark-sector.md choice); no A' width in the s-channel propagator, so it
// diverges at s = m_A'².
DS_FUNCTION inline double sigma_hp_v_fb(double s, double m_v, double m_hp, const DarkSectorPoint& p) {
  if (!(s > 0.0 && m_v > 0.0 && m_hp >= 0.0)) return 0.0;
  if (!(m_v + m_hp < sqrt(s))) return 0.0;
  const double rv = m_v * m_v / s;
  const double lam = kallen(1.0, rv, m_hp * m_hp / s);
  if (!(lam > 0.0)) return 0.0;
  const double ma2 = p.m_ap * p.m_ap;
  const double prop = s - ma2;
  const double coupling = kPi * p.q_phi * p.q_phi * p.epsilon * p.epsilon * kAlphaEm * p.alpha_d / 3.0;
  return coupling * s / (prop * prop) * sqrt(lam) * (lam + 12.0 * rv) * (ma2 / (m_v * m_v)) * kFbPerInverseGeV2;
}

// The normalised c.m. angular distribution of V in e+e− → h'V (docs/physics/dark-sector.md):
//   (1/σ) dσ/dcosθ* = 3 (λ sin²θ* + 8 m_v²/s) / (4 (λ + 12 m_v²/s)).
// Zero when closed.
DS_FUNCTION inline double hp_v_cos_theta_density(double cos_theta, double s, double m_v, double m_hp) {
  if (!(s > 0.0 && m_v + m_hp < sqrt(s)) || cos_theta < -1.0 || cos_theta > 1.0) return 0.0;
  const double rv = m_v * m_v / s;
  const double lam = kallen(1.0, rv, m_hp * m_hp / s);
  if (!(lam > 0.0)) return 0.0;
  return 0.75 * (lam * (1.0 - cos_theta * cos_theta) + 8.0 * rv) / (lam + 12.0 * rv);
}

// The off-shell integrand of docs/physics/dark-sector.md, fb/GeV²:
//   dσ_prod/dμ² = σ_h'V(s; μ) · μ Γ_{A'→χ1χ2}(μ) / (π [(μ² − m_A'²)² + m_A'² Γ_A'²]),
// Γ_A' = width_ap_total(p) (Γ(A' → χ1χ2) at m_A' plus the negligible ε² α m_A'/3). Zero outside
// (m1 + m2)² < μ² < (√s − m_h')². Integrated over μ² it is σ(e+e− → h' χ1 χ2).
DS_FUNCTION inline double dsigma_prod_dmu2_fb(double s, double mu2, double m_hp, const DarkSectorPoint& p) {
  if (!(mu2 > 0.0)) return 0.0;
  const double mu = sqrt(mu2);
  const double gamma_mu = width_ap_to_chi1chi2(mu, p.m_chi1, p.m_chi2(), p.alpha_d);
  if (gamma_mu <= 0.0) return 0.0;
  const double sigma = sigma_hp_v_fb(s, mu, m_hp, p);
  if (sigma <= 0.0) return 0.0;
  const double ma2 = p.m_ap * p.m_ap;
  const double gamma_ap = width_ap_total(p);
  const double d = mu2 - ma2;
  return sigma * mu * gamma_mu / (kPi * (d * d + ma2 * gamma_ap * gamma_ap));
}

}  // namespace darkscan::physics
