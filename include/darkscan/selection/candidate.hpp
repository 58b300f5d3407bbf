#pragma once
// One candidate of docs/formats/events.md as the selection sees it: the stored float32/int columns of
// one row, widened to double (docs/physics/selection.md: cuts are evaluated in double
// precision from the stored float32 columns), and where the columns of a chunk live.
#include <cstdint>

#include "darkscan/core/macros.hpp"
#include "darkscan/physics/four_vector.hpp"

namespace darkscan::selection {

using physics::Vec3;

// Track order of docs/formats/events.md: h' daughters, then chi2 daughters.
enum TrackIndex : int { hp_trk0 = 0, hp_trk1 = 1, chi_trk0 = 2, chi_trk1 = 3 };

// Column pointers of a chunk of rows (structure of arrays, host or device memory).
struct TrackColumns {
  const float* px = nullptr;
  const float* py = nullptr;
  const float* pz = nullptr;
  const std::int8_t* charge = nullptr;
  const std::int32_t* nhits = nullptr;
  const float* theta_ext = nullptr;
  const float* e_ecl = nullptr;
  const std::int8_t* pid = nullptr;
};

struct CandidateColumns {
  const std::int64_t* event = nullptr;
  const float* ecl_energy_trigger = nullptr;
  const float* ecl_energy_extra = nullptr;
  const std::int32_t* n_extra_tracks = nullptr;
  const float* miss_klm_angle = nullptr;
  const float* hp_v[3] = {};
  const float* chi_v[3] = {};
  TrackColumns trk[4];
};

struct Track {
  Vec3 p;
  int charge = 0;
  int nhits = 0;
  double theta_ext = 0;
  double e_ecl = 0;
  int pid = 0;
};

struct Candidate {
  double ecl_energy_trigger = 0;
  double ecl_energy_extra = 0;
  int n_extra_tracks = 0;
  double miss_klm_angle = 0;
  Vec3 hp_vertex, chi_vertex;
  Track trk[4];
};

DS_FUNCTION inline Candidate load_candidate(const CandidateColumns& c, std::uint64_t i) {
  Candidate out;
  out.ecl_energy_trigger = c.ecl_energy_trigger[i];
  out.ecl_energy_extra = c.ecl_energy_extra[i];
  out.n_extra_tracks = c.n_extra_tracks[i];
  out.miss_klm_angle = c.miss_klm_angle[i];
  out.hp_vertex = {c.hp_v[0][i], c.hp_v[1][i], c.hp_v[2][i]};
  out.chi_vertex = {c.chi_v[0][i], c.chi_v[1][i], c.chi_v[2][i]};
  for (int t = 0; t < 4; ++t) {
    const TrackColumns& k = c.trk[t];
    out.trk[t].p = {k.px[i], k.py[i], k.pz[i]};
    out.trk[t].charge = k.charge[i];
    out.trk[t].nhits = k.nhits[i];
    out.trk[t].theta_ext = k.theta_ext[i];
    out.trk[t].e_ecl = k.e_ecl[i];
    out.trk[t].pid = k.pid[i];
  }
  return out;
}

// Whether every floating-point column of the candidate is finite (NaN or inf in a real
// ntuple is bad input: the selection refuses it rather than let it fail cuts quietly).
DS_FUNCTION inline bool is_finite(const Candidate& c) {
  double sum = c.ecl_energy_trigger + c.ecl_energy_extra + c.miss_klm_angle + c.hp_vertex.x + c.hp_vertex.y +
               c.hp_vertex.z + c.chi_vertex.x + c.chi_vertex.y + c.chi_vertex.z;
  for (int t = 0; t < 4; ++t) sum += c.trk[t].p.x + c.trk[t].p.y + c.trk[t].p.z + c.trk[t].theta_ext + c.trk[t].e_ecl;
  // A sum of finite float32 values cannot overflow a double: it is finite iff they all
  // are, and x - x is 0 exactly for finite x, NaN otherwise.
  return sum - sum == 0.0;
}

}  // namespace darkscan::selection
