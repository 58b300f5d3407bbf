#include "events/synthetic_sample.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "darkscan/core/random.hpp"
#include "darkscan/events/schema.hpp"
#include "io/sample_reader.hpp"

namespace darkscan::events {

namespace {

// Uniform value of a column for row `row`, from the column's own random stream.
double uniform(std::uint64_t seed, std::uint32_t column, std::uint64_t row, double lo, double hi) {
  const auto w = random_words({seed, column}, row);
  return lo + (hi - lo) * uniform01(w[0], w[1]);
}

// The range a column's values are drawn from (GeV, cm, rad).
void column_range(std::string_view name, double& lo, double& hi) {
  auto ends_with = [&](std::string_view s) { return name.ends_with(s); };
  lo = 0;
  hi = 1;
  if (ends_with("_px") || ends_with("_py")) { lo = -2.5; hi = 2.5; }
  else if (ends_with("_pz")) { lo = -1.5; hi = 4.0; }
  else if (ends_with("_nhits")) { lo = 5; hi = 60; }
  else if (ends_with("_theta_ext")) { lo = 0.3; hi = 2.8; }
  else if (ends_with("_e_ecl")) { lo = 0; hi = 4; }
  else if (ends_with("_pid")) { lo = 0; hi = 4.999; }
  else if (name == "hp_vz" || name == "chi_vz") { lo = -60; hi = 120; }
  else if (name.starts_with("hp_v") || name.starts_with("chi_v")) { lo = -80; hi = 80; }
  else if (name == "ecl_energy_trigger") { lo = 0; hi = 8; }
  else if (name == "ecl_energy_extra") { lo = 0; hi = 2; }
  else if (name == "n_extra_tracks") { lo = 0; hi = 2.999; }
  else if (name == "miss_klm_angle") { lo = 0; hi = std::numbers::pi; }
  else if (name.starts_with("true_")) { lo = 0; hi = 50; }
  else if (name == "mc_weight") { lo = 1; hi = 1; }
}

template <class T>
void fill(io::HostColumn& column, std::uint64_t seed, std::uint32_t stream, std::uint64_t first, double lo,
          double hi) {
  auto out = column.values<T>();
  for (std::uint64_t i = 0; i < out.size(); ++i) {
    const double v = uniform(seed, stream, first + i, lo, hi);
    out[i] = static_cast<T>(std::is_integral_v<T> ? std::floor(v) : v);
  }
}

}  // namespace

io::HostBatch synthetic_rows(const SyntheticSample& sample, std::uint64_t seed, std::uint64_t first,
                             std::uint64_t count) {
  io::HostBatch batch;
  batch.first_row = first;
  batch.rows = count;
  for (const auto& request : io::schema_request(sample.kind)) {
    const auto index = static_cast<std::uint32_t>(column_index(request.logical));
    io::HostColumn column{request.logical, request.dtype, std::vector<std::byte>(count * dtype_size(request.dtype))};
    double lo = 0, hi = 1;
    column_range(request.logical, lo, hi);
    if (request.logical == "event") {
      // About 3 % of events carry a second candidate, as in the paper.
      auto out = column.values<std::int64_t>();
      for (std::uint64_t i = 0; i < count; ++i) out[i] = static_cast<std::int64_t>((first + i) * 100 / 103);
    } else if (request.logical.ends_with("_charge")) {
      auto out = column.values<std::int8_t>();
      for (std::uint64_t i = 0; i < count; ++i)
        out[i] = uniform(seed, index, first + i, 0, 1) < 0.5 ? std::int8_t{-1} : std::int8_t{1};
    } else {
      switch (request.dtype) {
        case DType::f32: fill<float>(column, seed, index, first, lo, hi); break;
        case DType::f64: fill<double>(column, seed, index, first, lo, hi); break;
        case DType::i8: fill<std::int8_t>(column, seed, index, first, lo, hi); break;
        case DType::i32: fill<std::int32_t>(column, seed, index, first, lo, hi); break;
        case DType::i64: fill<std::int64_t>(column, seed, index, first, lo, hi); break;
      }
    }
    batch.columns.push_back(std::move(column));
  }
  return batch;
}

void write_synthetic_file(const std::filesystem::path& path, const std::vector<SyntheticSample>& samples,
                          std::uint64_t seed, io::WriteOptions options) {
  io::EventFileWriter writer(path, options);
  writer.set_root_attributes({{"creator", std::string("darkscan synthetic sample (docs/formats/events.md schema, no physics)")},
                              {"seed", static_cast<std::int64_t>(seed)}});
  for (const auto& s : samples) {
    io::Attributes attributes{{"kind", s.kind}};
    if (s.kind == "data") attributes.emplace_back("luminosity_fb", 365.0);
    else {
      attributes.emplace_back("cross_section_fb", 1.0);
      attributes.emplace_back("n_generated", static_cast<std::int64_t>(s.rows));
    }
    const std::uint64_t step = std::max<std::uint64_t>(options.storage_chunk_rows, 1) * 8;
    std::uint64_t first = 0;
    do {
      const std::uint64_t count = std::min(step, s.rows - first);
      const auto batch = synthetic_rows(s, seed, first, count);
      if (first == 0) writer.begin_sample(s.name, attributes, batch);
      else writer.append(batch);
      first += count;
    } while (first < s.rows);
  }
  writer.commit();
}

}  // namespace darkscan::events
