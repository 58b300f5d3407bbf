#include "selection/selection_params.hpp"

#include <numbers>

namespace darkscan::selection {

namespace {
constexpr double kRadPerDeg = std::numbers::pi / 180;
OpenInterval degrees(const config::Interval& i) { return {i.lo * kRadPerDeg, i.hi * kRadPerDeg}; }
OpenInterval same(const config::Interval& i) { return {i.lo, i.hi}; }
}  // namespace

SelectionParams params_from_config(const config::Config& config) {
  const auto& s = config.selection;
  SelectionParams p;
  p.beams = make_beams(config.collider.e_minus_gev, config.collider.e_plus_gev);
  SelectionCuts& k = p.cuts;
  k.ecl_trigger_min = s.ecl_energy_trigger_min_gev;
  k.track_hits_min = s.track_hits_min;
  k.pair_opening_min = s.pair_opening_angle_min_rad;
  k.pointing_max = s.hp_pointing_angle_max_deg * kRadPerDeg;
  k.displaced_dv_min = s.displaced_dv_min_cm;
  k.vertex_dv_max = s.vertex_dv_max_cm;
  k.hp_theta_ext = degrees(s.hp_track_theta_ext_deg);
  k.pipi_theta_ext = degrees(s.pipi_track_theta_ext_deg);
  k.electron_eop_min = s.electron_e_over_p_min;
  k.ks_veto = same(s.ks_veto_gev);
  k.lambda_veto = same(s.lambda_veto_gev);
  k.phi_veto = same(s.phi_veto_gev);
  k.missing_energy_min = s.missing_energy_cm_min_gev;
  k.missing_klm_angle_min = s.missing_klm_angle_min_rad;
  k.missing_theta = degrees(s.missing_theta_deg);
  k.ee_mass_max = s.ee_mass_max_gev;
  k.extra_tracks_max = s.extra_tracks_max;
  k.ecl_extra_max = s.ecl_energy_extra_max_gev;
  k.hp_opening_max = s.hp_opening_angle_max_rad;
  return p;
}

}  // namespace darkscan::selection
