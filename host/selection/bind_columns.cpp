#include "selection/bind_columns.hpp"

#include <stdexcept>

namespace darkscan::selection {

namespace {

template <class T>
const T* find(const ChunkView& chunk, const std::vector<io::ColumnRequest>& columns, const std::string& name) {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].logical != name) continue;
    if (chunk.columns.at(i).dtype != dtype_of<T>())
      throw std::logic_error("selection: column '" + name + "' is not of the type the selection reads");
    return chunk.columns[i].as<T>();
  }
  throw std::logic_error("selection: column '" + name + "' was not read");
}

}  // namespace

CandidateColumns bind_columns(const ChunkView& chunk, const std::vector<io::ColumnRequest>& columns) {
  CandidateColumns c;
  c.event = find<std::int64_t>(chunk, columns, "event");
  c.ecl_energy_trigger = find<float>(chunk, columns, "ecl_energy_trigger");
  c.ecl_energy_extra = find<float>(chunk, columns, "ecl_energy_extra");
  c.n_extra_tracks = find<std::int32_t>(chunk, columns, "n_extra_tracks");
  c.miss_klm_angle = find<float>(chunk, columns, "miss_klm_angle");
  for (int a = 0; a < 3; ++a) {
    c.hp_v[a] = find<float>(chunk, columns, std::string("hp_v") + "xyz"[a]);
    c.chi_v[a] = find<float>(chunk, columns, std::string("chi_v") + "xyz"[a]);
  }
  const char* tracks[4] = {"hp_trk0_", "hp_trk1_", "chi_trk0_", "chi_trk1_"};
  for (int t = 0; t < 4; ++t) {
    const std::string p = tracks[t];
    TrackColumns& k = c.trk[t];
    k.px = find<float>(chunk, columns, p + "px");
    k.py = find<float>(chunk, columns, p + "py");
    k.pz = find<float>(chunk, columns, p + "pz");
    k.charge = find<std::int8_t>(chunk, columns, p + "charge");
    k.nhits = find<std::int32_t>(chunk, columns, p + "nhits");
    k.theta_ext = find<float>(chunk, columns, p + "theta_ext");
    k.e_ecl = find<float>(chunk, columns, p + "e_ecl");
    k.pid = find<std::int8_t>(chunk, columns, p + "pid");
  }
  return c;
}

}  // namespace darkscan::selection
