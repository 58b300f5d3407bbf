#pragma once
// The integrals of docs/physics/dark-sector.md over the core's spectra
// (darkscan/physics/dark_sector.hpp): the χ2 partial and total widths and cτ, and the
// production cross section σ(e+e− → h' χ1 χ2), on the host by Boost.Math's tanh-sinh
// quadrature (which copes with the square-root thresholds at both ends of each range).
// Each throws InputError for an unphysical point (see DarkSectorPoint::operator bool).
#include "darkscan/physics/dark_sector.hpp"

namespace darkscan::physics {

// Relative accuracy the integrals are asked for (the results agree with a direct
// Dalitz-plot integration to about 1e-10).
inline constexpr double kDarkSectorQuadratureTolerance = 1e-10;

// Γ(χ2 → χ1 e+e−) and Γ(χ2 → χ1 μ+μ−), GeV: dΓ/dq² integrated over 4m_ℓ² < q² < Δm²
// (docs/physics/dark-sector.md). Zero when closed. Throw unless Δm < m_A' (the off-shell formula
// has no A' width; an on-shell χ2 → χ1 A' is outside docs/physics/dark-sector.md).
double chi2_width_ee(const DarkSectorPoint& p);
double chi2_width_mumu(const DarkSectorPoint& p);
// Γ(χ2 → χ1 π+π−) with the ρ Breit–Wigner form factor (docs/physics/dark-sector.md choice), GeV.
double chi2_width_pipi(const DarkSectorPoint& p);
// ee + μμ + ππ (ρ form factor), GeV.
double chi2_width_total(const DarkSectorPoint& p);
// cτ(χ2) = ħc / Γ_total, cm (∝ 1/(ε² α_D) at fixed masses); +∞ below the e+e− threshold.
double chi2_ctau_cm(const DarkSectorPoint& p);

// σ(e+e− → h' χ1 χ2) in fb at sqrt_s (docs/physics/dark-sector.md): on shell
// (m1 + m2 < m_A' < sqrt_s − m_h') σ(h'A') with B(A' → χ1χ2) = 1; otherwise the off-shell
// integral of dsigma_prod_dmu2_fb over μ² from (m1 + m2)² to (sqrt_s − m_h')². Returns 0
// when closed (m1 + m2 + m_h' ≥ sqrt_s). Scales as ε² α_D on shell and, away from the
// A' pole, as ε² α_D² off shell (there the A' → χ1χ2 vertex enters the amplitude).
double production_cross_section_fb(const DarkSectorPoint& p, double m_hp, double sqrt_s = kDefaultSqrtS);

}  // namespace darkscan::physics
