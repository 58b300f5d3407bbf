#pragma once
// From a true event to the candidate row of docs/formats/events.md through the toy detector: the four
// tracks reconstructed (or the event lost), the two vertices fitted, and the event-level
// columns (extra tracks, calorimeter energies, the KLM cluster nearest the missing
// momentum) drawn from the event's surroundings and the beam background.
#include <cmath>
#include <cstdint>

#include "darkscan/core/macros.hpp"
#include "darkscan/generator/detector.hpp"
#include "darkscan/generator/signal_process.hpp"
#include "darkscan/generator/true_event.hpp"

namespace darkscan::generator {

struct CandidateTrack {
  float px = 0, py = 0, pz = 0;
  std::int8_t charge = 0;
  std::int32_t nhits = 0;
  float theta_ext = 0, e_ecl = 0;
  std::int8_t pid = 0;
};

// One row of docs/formats/events.md (tracks in the order hp_trk0, hp_trk1, chi_trk0, chi_trk1).
struct CandidateRow {
  std::int64_t event = 0;
  float ecl_energy_trigger = 0, ecl_energy_extra = 0;
  std::int32_t n_extra_tracks = 0;
  float miss_klm_angle = 0;
  float hp_v[3] = {}, chi_v[3] = {};
  CandidateTrack trk[4];
  float true_hp_ctau = 0, true_chi2_ctau = 0, mc_weight = 1;
};

namespace beam_background {
inline constexpr double kPhotonsMean = 1.0;        // unmatched photons per event
inline constexpr double kPhotonEnergyMean = 0.06;  // GeV, exponential
inline constexpr double kTriggerShare = 0.7;       // share of unmatched energy inside 22-128 degrees
inline constexpr double kKlmClusterRate = 0.10;    // random KLM clusters per event
}  // namespace beam_background

// The fitted vertex of a pair. A failed fit (probability `fake`) lands a few cm out
// along the pair's momentum, give or take a few degrees: the fake displaced vertices
// through which prompt backgrounds leak into a displaced-vertex search.
DS_FUNCTION inline Vec3 fitted_vertex(const Vec3& truth, const Vec3& pair_momentum, double fake, RandomStream& rng) {
  Vec3 v = fit_vertex(truth, rng);
  if (fake > 0 && rng.chance(fake)) {
    const Vec3 u = pair_momentum.unit();
    const Vec3 jitter = {0.05 * rng.normal(), 0.05 * rng.normal(), 0.05 * rng.normal()};
    v = v + (u + jitter).unit() * rng.exponential(1.5);
  }
  return v;
}

DS_FUNCTION inline CandidateTrack to_columns(const RecoTrack& t) {
  return {static_cast<float>(t.p.x), static_cast<float>(t.p.y), static_cast<float>(t.p.z), t.charge, t.nhits,
          t.theta_ext, t.e_ecl, t.pid};
}

// The candidate of `ev`, or false when a track is lost.
DS_FUNCTION inline bool reconstruct_event(const TrueEvent& ev, const Collision& col, RandomStream& rng,
                                          CandidateRow& row) {
  const TrueVertex* vertices[2] = {&ev.hp, &ev.chi};
  RecoTrack reco[4];
  for (int k = 0; k < 4; ++k) {
    const TrueVertex& v = *vertices[k / 2];
    const TrueTrack& t = v.track[k % 2];
    reco[k] = reconstruct_track(t.species, v.position, t.p.p, t.charge, rng);
    if (!reco[k].found) return false;
  }
  const Vec3 hp_v = fitted_vertex(ev.hp.position, reco[0].p + reco[1].p, ev.around.fake_displacement, rng);
  const Vec3 chi_v = fitted_vertex(ev.chi.position, reco[2].p + reco[3].p, ev.around.fake_displacement, rng);

  // Unmatched calorimeter energy: the process's own photons and the beam background's.
  double extra = ev.around.neutral_energy_mean > 0 ? rng.exponential(ev.around.neutral_energy_mean) : 0.0;
  const int photons = rng.poisson(beam_background::kPhotonsMean);
  for (int i = 0; i < photons; ++i) extra += rng.exponential(beam_background::kPhotonEnergyMean);
  double trigger = beam_background::kTriggerShare * extra;
  constexpr double kTrigLo = 22.0 * kPi / 180, kTrigHi = 128.0 * kPi / 180;
  for (int k = 0; k < 4; ++k)
    if (reco[k].ecl_theta > kTrigLo && reco[k].ecl_theta < kTrigHi) trigger += reco[k].e_ecl;

  // Nearest KLM cluster to the missing momentum (beams minus the four tracks): a K_L or
  // neutron of the process flying along it, or a random beam-background cluster.
  Vec3 missing = col.beams.p;
  for (int k = 0; k < 4; ++k) missing = missing - reco[k].p;
  double klm_angle = kPi;
  if (rng.chance(ev.around.klm_along_missing)) {
    const Vec3 d = missing.unit() + Vec3{0.15 * rng.normal(), 0.15 * rng.normal(), 0.15 * rng.normal()};
    klm_angle = physics::angle_between(missing, d);
  }
  if (rng.chance(beam_background::kKlmClusterRate))
    klm_angle = fmin(klm_angle, physics::angle_between(missing, isotropic(rng)));

  row.ecl_energy_trigger = static_cast<float>(trigger);
  row.ecl_energy_extra = static_cast<float>(extra);
  row.n_extra_tracks = rng.poisson(ev.around.extra_tracks_mean);
  row.miss_klm_angle = static_cast<float>(klm_angle);
  row.hp_v[0] = static_cast<float>(hp_v.x);
  row.hp_v[1] = static_cast<float>(hp_v.y);
  row.hp_v[2] = static_cast<float>(hp_v.z);
  row.chi_v[0] = static_cast<float>(chi_v.x);
  row.chi_v[1] = static_cast<float>(chi_v.y);
  row.chi_v[2] = static_cast<float>(chi_v.z);
  for (int k = 0; k < 4; ++k) row.trk[k] = to_columns(reco[k]);
  row.true_hp_ctau = static_cast<float>(ev.hp_ctau);
  row.true_chi2_ctau = static_cast<float>(ev.chi2_ctau);
  row.mc_weight = 1;
  return true;
}

// A second candidate of the same event: the h' pair fitted again with another hit
// assignment (a different vertex, the same tracks), as happens in a few per cent of
// events; the best-candidate choice of the selection must pick one.
DS_FUNCTION inline CandidateRow refit_duplicate(const CandidateRow& first, const TrueEvent& ev, RandomStream& rng) {
  CandidateRow dup = first;
  const Vec3 p = {first.trk[0].px + first.trk[1].px, first.trk[0].py + first.trk[1].py,
                  first.trk[0].pz + first.trk[1].pz};
  const Vec3 v = fitted_vertex(ev.hp.position, p, ev.around.fake_displacement, rng);
  dup.hp_v[0] = static_cast<float>(v.x);
  dup.hp_v[1] = static_cast<float>(v.y);
  dup.hp_v[2] = static_cast<float>(v.z);
  return dup;
}

}  // namespace darkscan::generator
