#pragma once
// The dark Higgs h' (docs/physics/dark-sector.md): every partial width scales as sin²θ; Γ̂ is the
// width at sinθ = 1. The leptonic widths are exact at leading order; the hadronic ones
// come from tables (host/physics/dark_higgs_widths.hpp).
#include <cmath>

#include "darkscan/core/macros.hpp"
#include "darkscan/physics/dark_sector.hpp"

namespace darkscan::physics {

inline constexpr double kHiggsVev = 246.0;  // GeV (docs/physics/dark-sector.md)

// Γ̂(h' → ℓ+ℓ−) = m_ℓ² m_h' / (8π v²) · (1 − 4m_ℓ²/m_h'²)^{3/2}, GeV: a scalar's P-wave
// decay (β³), proportional to the Yukawa coupling squared (Winkler, PRD 99 (2019) 015018;
// Boiarska et al., arXiv:1904.10447). Zero at and below threshold.
DS_FUNCTION inline double width_hp_to_leptons_hat(double m_hp, double m_lepton) {
  const double x = 4.0 * m_lepton * m_lepton / (m_hp * m_hp);
  if (!(x < 1.0)) return 0.0;
  const double beta = sqrt(1.0 - x);
  return m_lepton * m_lepton * m_hp / (8.0 * kPi * kHiggsVev * kHiggsVev) * beta * beta * beta;
}

// cτ = ħc / Γ in cm for a width in GeV.
DS_FUNCTION inline double ctau_cm_from_width(double width_gev) { return kHbarCGeVCm / width_gev; }

}  // namespace darkscan::physics
