#pragma once
// The selection of docs/physics/selection.md: a preselection (two oppositely charged pairs,
// the final state from the h' tracks' PID, both chi2 daughters electrons) and the
// nineteen cuts and vetoes of the table, in its order. Each candidate gets the number of
// the first step it fails (kPassed if none), from which the cutflow and the selected set
// both follow. Thresholds in natural units (GeV, cm, rad); open intervals, and >= where
// the table says so (cuts 2, 5, 14).
#include <cmath>

#include "darkscan/core/macros.hpp"
#include "darkscan/selection/candidate.hpp"
#include "darkscan/selection/derived.hpp"

namespace darkscan::selection {

struct OpenInterval {
  double lo = 0, hi = 0;
  DS_FUNCTION bool contains(double x) const { return x > lo && x < hi; }
};

struct SelectionCuts {
  double ecl_trigger_min = 1.5;                    // 1
  int track_hits_min = 20;                         // 2
  double pair_opening_min = 0.1;                   // 3
  double pointing_max = 3.1 * M_PI / 180;          // 4
  double displaced_dv_min = 0.2;                   // 5
  double vertex_dv_max = 110;                      // 6
  OpenInterval hp_theta_ext{37 * M_PI / 180, 122 * M_PI / 180};    // 7
  OpenInterval pipi_theta_ext{18 * M_PI / 180, 155 * M_PI / 180};  // 8
  double electron_eop_min = 0.6;                   // 9
  OpenInterval ks_veto{0.467, 0.529};              // 10
  OpenInterval lambda_veto{1.06, 1.15};            // 11
  OpenInterval phi_veto{0.977, 1.061};             // 12
  double missing_energy_min = 0.4;                 // 13
  double missing_klm_angle_min = 0.5;              // 14
  OpenInterval missing_theta{23 * M_PI / 180, 149 * M_PI / 180};   // 15
  double ee_mass_max = 2.5;                        // 16
  int extra_tracks_max = 0;                        // 17
  double ecl_extra_max = 1.0;                      // 18
  double hp_opening_max = 3.0;                     // 19
};

// Steps: 0 the preselection, 1-19 the table's rows.
inline constexpr int kCutSteps = 20;
inline constexpr int kPassed = kCutSteps;
inline constexpr const char* kCutNames[kCutSteps] = {
    "preselection",      "ecl_trigger",  "track_hits",        "pair_opening",    "hp_pointing",
    "displaced_vertex",  "vertex_dv_max", "hp_theta_ext",     "pipi_theta_ext",  "electron_eop",
    "ks_veto",           "lambda_veto",  "phi_veto",          "missing_energy_cm", "missing_klm_angle",
    "missing_theta",     "ee_mass",      "extra_tracks",      "ecl_energy_extra", "hp_opening_max"};

DS_FUNCTION inline int first_failed_cut(const Candidate& c, const Derived& d, const SelectionCuts& k) {
  const Track* t = c.trk;
  const bool pipi = d.final_state == 1;
  // Preselection: oppositely charged pairs, an h' final state, two electrons.
  if (t[hp_trk0].charge * t[hp_trk1].charge >= 0 || t[chi_trk0].charge * t[chi_trk1].charge >= 0 ||
      d.final_state < 0 || t[chi_trk0].pid != physics::electron || t[chi_trk1].pid != physics::electron)
    return 0;
  if (!(c.ecl_energy_trigger > k.ecl_trigger_min)) return 1;
  for (int i = 0; i < 4; ++i)
    if (!(t[i].nhits >= k.track_hits_min)) return 2;
  if (!(d.open_hp > k.pair_opening_min && d.open_chi > k.pair_opening_min)) return 3;
  if (!(d.pointing < k.pointing_max)) return 4;
  if (!(d.hp_dv >= k.displaced_dv_min || d.chi_dv >= k.displaced_dv_min)) return 5;
  if (!(d.hp_dv < k.vertex_dv_max && d.chi_dv < k.vertex_dv_max)) return 6;
  if (!(k.hp_theta_ext.contains(t[hp_trk0].theta_ext) || k.hp_theta_ext.contains(t[hp_trk1].theta_ext))) return 7;
  if (pipi)
    for (int i = 0; i < 4; ++i)
      if (!k.pipi_theta_ext.contains(t[i].theta_ext)) return 8;
  if (!(d.eop[0] > k.electron_eop_min && d.eop[1] > k.electron_eop_min)) return 9;
  if (pipi && k.ks_veto.contains(d.m_hp)) return 10;
  if (pipi && (k.lambda_veto.contains(d.m_ppi[0]) || k.lambda_veto.contains(d.m_ppi[1]))) return 11;
  if (d.final_state == 2 && k.phi_veto.contains(d.m_hp)) return 12;
  if (!(d.e_miss_cm > k.missing_energy_min)) return 13;
  if (!(c.miss_klm_angle >= k.missing_klm_angle_min)) return 14;
  if (!k.missing_theta.contains(d.theta_miss)) return 15;
  if (!(d.m_ee < k.ee_mass_max)) return 16;
  if (!(c.n_extra_tracks <= k.extra_tracks_max)) return 17;
  if (!(c.ecl_energy_extra < k.ecl_extra_max)) return 18;
  if (!(d.open_hp < k.hp_opening_max)) return 19;
  return kPassed;
}

}  // namespace darkscan::selection
