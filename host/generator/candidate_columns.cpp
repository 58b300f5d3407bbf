#include "generator/candidate_columns.hpp"

#include <stdexcept>
#include <string>

#include "io/sample_reader.hpp"

namespace darkscan::generator {

namespace {

template <class T, class Get>
void fill(io::HostColumn& column, std::span<const CandidateRow> rows, Get get) {
  if (column.dtype != dtype_of<T>())
    throw std::logic_error("candidate_columns: column '" + column.name + "' has another type in the schema");
  auto out = column.values<T>();
  for (std::size_t i = 0; i < rows.size(); ++i) out[i] = static_cast<T>(get(rows[i]));
}

// Fills one logical column of docs/formats/events.md from the rows.
void fill_column(io::HostColumn& c, std::span<const CandidateRow> rows) {
  const std::string_view n = c.name;
  auto f32 = [&](auto get) { fill<float>(c, rows, get); };
  if (n == "event") return fill<std::int64_t>(c, rows, [](const CandidateRow& r) { return r.event; });
  if (n == "ecl_energy_trigger") return f32([](const CandidateRow& r) { return r.ecl_energy_trigger; });
  if (n == "ecl_energy_extra") return f32([](const CandidateRow& r) { return r.ecl_energy_extra; });
  if (n == "n_extra_tracks") return fill<std::int32_t>(c, rows, [](const CandidateRow& r) { return r.n_extra_tracks; });
  if (n == "miss_klm_angle") return f32([](const CandidateRow& r) { return r.miss_klm_angle; });
  if (n == "true_hp_ctau") return f32([](const CandidateRow& r) { return r.true_hp_ctau; });
  if (n == "true_chi2_ctau") return f32([](const CandidateRow& r) { return r.true_chi2_ctau; });
  if (n == "mc_weight") return f32([](const CandidateRow& r) { return r.mc_weight; });
  // Vertices: hp_vx ... chi_vz.
  for (int v = 0; v < 2; ++v) {
    const std::string prefix = v == 0 ? "hp_v" : "chi_v";
    for (int a = 0; a < 3; ++a)
      if (n == prefix + "xyz"[a])
        return f32([v, a](const CandidateRow& r) { return v == 0 ? r.hp_v[a] : r.chi_v[a]; });
  }
  // Tracks: <t>_px ... <t>_pid, t in the order of CandidateRow::trk.
  constexpr std::string_view kTracks[4] = {"hp_trk0_", "hp_trk1_", "chi_trk0_", "chi_trk1_"};
  for (int t = 0; t < 4; ++t) {
    if (!n.starts_with(kTracks[t])) continue;
    const std::string_view field = n.substr(kTracks[t].size());
    if (field == "px") return f32([t](const CandidateRow& r) { return r.trk[t].px; });
    if (field == "py") return f32([t](const CandidateRow& r) { return r.trk[t].py; });
    if (field == "pz") return f32([t](const CandidateRow& r) { return r.trk[t].pz; });
    if (field == "charge") return fill<std::int8_t>(c, rows, [t](const CandidateRow& r) { return r.trk[t].charge; });
    if (field == "nhits") return fill<std::int32_t>(c, rows, [t](const CandidateRow& r) { return r.trk[t].nhits; });
    if (field == "theta_ext") return f32([t](const CandidateRow& r) { return r.trk[t].theta_ext; });
    if (field == "e_ecl") return f32([t](const CandidateRow& r) { return r.trk[t].e_ecl; });
    if (field == "pid") return fill<std::int8_t>(c, rows, [t](const CandidateRow& r) { return r.trk[t].pid; });
  }
  throw std::logic_error("candidate_columns: no field for column '" + c.name + "'");
}

}  // namespace

io::HostBatch to_host_batch(std::span<const CandidateRow> rows, std::string_view kind, std::uint64_t first_row) {
  io::HostBatch batch;
  batch.first_row = first_row;
  batch.rows = rows.size();
  for (const auto& request : io::schema_request(kind)) {
    io::HostColumn column{request.logical, request.dtype, std::vector<std::byte>(rows.size() * dtype_size(request.dtype))};
    fill_column(column, rows);
    batch.columns.push_back(std::move(column));
  }
  return batch;
}

}  // namespace darkscan::generator
