#include "scan/scan_file.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <initializer_list>
#include <string_view>

#include "errors.hpp"
#include "io/h5_storage.hpp"
#include "io/h5.hpp"

namespace darkscan::scan {

namespace {

using io::ColumnDoc;

constexpr ColumnDoc kScanColumns[] = {
    {"final_state", "", "0 mu+mu-, 1 pi+pi-, 2 K+K-"},
    {"ctau_cm", "cm", "cτ(h') of the row's efficiency"},
    {"mass", "GeV", "window centre m, the m(h') hypothesis"},
    {"sigma_mass", "GeV", "mass resolution σ(m) interpolated from the signal model"},
    {"window_lo", "GeV", "window lower edge m - hσ(m), inclusive"},
    {"window_hi", "GeV", "window upper edge m + hσ(m), inclusive"},
    {"n_obs", "events", "selected data events in the window"},
    {"n_sb", "events", "selected data events in the sideband (range minus window minus vetoes; pi+pi-: the "
                       "centre's side of the split)"},
    {"f", "", "sideband width / window width"},
    {"delta", "", "relative background-shape uncertainty (pi+pi-: moved splits; else 0)"},
    {"efficiency", "", "signal efficiency of the final state at (m, cτ), linear in m between signal points"},
    {"eff_rel_unc", "", "relative efficiency uncertainty, all sources"},
    {"p0", "", "local background-only p-value (docs/physics/statistics.md)"},
    {"z", "sigma", "local significance Φ⁻¹(1 - p0); -inf where p0 = 1"},
    {"ul_events", "events", "upper limit on the signal events σ_sig ε L at the credibility level; NaN where "
                            "limit_status is not 0"},
    {"ul_xsec_fb", "fb", "upper limit on σ_sig = σ_prod × B(chi2 -> chi1 e+e-) × B(h' -> x+x-); NaN where "
                         "limit_status is not 0"},
    {"limit_status", "", "0 limit computed, 1 no efficiency (zero, untrusted or outside the simulated masses), "
                         "2 efficiency uncertainty >= 0.2 under the Gaussian prior, 3 root finder not converged"},
    {"stats_flags", "", "statistics engine flags: bit 0 limit not converged, bit 1 ill-conditioned"},
};

constexpr ColumnDoc kCombinedColumns[] = {
    {"ctau_cm", "cm", "cτ(h')"},
    {"mass", "GeV", "grid mass: every window centre of every final state"},
    {"p0", "", "product of the open final states' p0 (each final state's window nearest the mass, if it covers it)"},
    {"z", "sigma", "Φ⁻¹(1 - p0) of the product; not calibrated (see darkscan lee)"},
    {"channels", "", "number of final states combined"},
    {"row_mumu", "", "the mu+mu- row of /scan combined, -1 when closed"},
    {"row_pipi", "", "the pi+pi- row of /scan combined, -1 when closed"},
    {"row_kk", "", "the K+K- row of /scan combined, -1 when closed"},
};

template <class T>
io::HostColumn column(const char* name, const std::vector<T>& v) {
  return io::HostColumn::from<T>(name, std::span<const T>(v));
}

template <class T>
void read_column(hid_t file, const std::string& path, const char* name, std::size_t rows, std::vector<T>& out,
                 const char* table = "scan") {
  const std::string where = fmt::format("/{}/{}", table, name);
  if (!h5::link_exists(file, where)) throw_input_error("{}: no column '{}' (not a darkscan scan output?)", path, where);
  h5::Dataset ds(h5::check_id(H5Dopen2(file, where.c_str(), H5P_DEFAULT), path, "open " + where));
  h5::Dataspace space(h5::check_id(H5Dget_space(ds.get()), path, "read " + where));
  hsize_t n = 0;
  if (H5Sget_simple_extent_ndims(space.get()) != 1 || H5Sget_simple_extent_dims(space.get(), &n, nullptr) != 1 ||
      n != rows)
    throw_input_error("{}: column '{}' is not 1-D with the table's {} rows", path, where, rows);
  h5::check_rows_stored(ds.get(), rows, fmt::format("{}: {}", path, where));  // before the rows are allocated
  out.resize(rows);
  if (rows > 0)
    h5::check_status(H5Dread(ds.get(), h5::native_type(dtype_of<T>()), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()),
                     path, "read " + where);
}

std::size_t table_rows(hid_t file, const std::string& path, const std::string& table) {
  const std::string mass = "/" + table + "/mass";
  if (!h5::link_exists(file, mass)) throw_input_error("{}: no /{} table (not a darkscan scan output?)", path, table);
  h5::Dataset ds(h5::check_id(H5Dopen2(file, mass.c_str(), H5P_DEFAULT), path, "open " + mass));
  h5::Dataspace space(h5::check_id(H5Dget_space(ds.get()), path, "read " + mass));
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space.get(), &n, nullptr);
  return n;
}

}  // namespace

ScanSettings read_scan_settings(const std::string& path) {
  h5::silence_errors();
  const h5::File file = h5::open_file_readonly(path);
  std::vector<std::pair<std::string, h5::AttributeValue>> attrs = h5::read_attributes(file.get(), path);
  auto find = [&](const char* key) -> const h5::AttributeValue& {
    for (const auto& [k, v] : attrs)
      if (k == key) return v;
    throw_input_error("{}: not a darkscan scan output (no '{}' attribute)", path, key);
  };
  auto text = [&](const char* key) {
    const auto& v = find(key);
    if (!std::holds_alternative<std::string>(v)) throw_input_error("{}: attribute '{}' is not text", path, key);
    return std::get<std::string>(v);
  };
  auto number = [&](const char* key) {
    const auto& v = find(key);
    if (!std::holds_alternative<double>(v)) throw_input_error("{}: attribute '{}' is not a number", path, key);
    return std::get<double>(v);
  };
  // The priors say how every p-value and limit in the file was computed; later stages
  // compute as the scan did, so a name they do not know is refused rather than read as
  // the default prior.
  auto one_of = [&](const char* key, std::initializer_list<std::string_view> names) {
    std::string v = text(key);
    if (std::find(names.begin(), names.end(), v) == names.end())
      throw_input_error("{}: attribute {} = '{}' is not one of {}", path, key, v, fmt::join(names, ", "));
    return v;
  };
  ScanSettings s;
  s.options = stats::stats_options(number("credibility"), one_of("nuisance_prior", {"gaussian", "lognormal"}),
                                   one_of("signal_prior", {"uniform", "jeffreys"}));
  s.luminosity_fb = number("luminosity_fb");
  s.luminosity_rel_unc = number("luminosity_rel_unc");
  s.data_sha256 = text("data_sha256");
  s.model_sha256 = text("model_sha256");
  return s;
}

CombinedTable read_scan_combined(const std::string& path) {
  h5::silence_errors();
  const h5::File file = h5::open_file_readonly(path);
  const std::size_t rows = table_rows(file.get(), path, "scan_combined");
  CombinedTable c;
  read_column(file.get(), path, "ctau_cm", rows, c.ctau_cm, "scan_combined");
  read_column(file.get(), path, "mass", rows, c.mass, "scan_combined");
  read_column(file.get(), path, "p0", rows, c.p0, "scan_combined");
  read_column(file.get(), path, "z", rows, c.z, "scan_combined");
  read_column(file.get(), path, "channels", rows, c.channels, "scan_combined");
  read_column(file.get(), path, "row_mumu", rows, c.row[0], "scan_combined");
  read_column(file.get(), path, "row_pipi", rows, c.row[1], "scan_combined");
  read_column(file.get(), path, "row_kk", rows, c.row[2], "scan_combined");
  return c;
}

ScanTable read_scan_rows(const std::string& path) {
  h5::silence_errors();
  const h5::File file = h5::open_file_readonly(path);
  const std::size_t rows = table_rows(file.get(), path, "scan");
  ScanTable t;
  read_column(file.get(), path, "final_state", rows, t.final_state);
  read_column(file.get(), path, "ctau_cm", rows, t.ctau_cm);
  read_column(file.get(), path, "mass", rows, t.mass);
  read_column(file.get(), path, "sigma_mass", rows, t.sigma_mass);
  read_column(file.get(), path, "window_lo", rows, t.window_lo);
  read_column(file.get(), path, "window_hi", rows, t.window_hi);
  read_column(file.get(), path, "n_obs", rows, t.n_obs);
  read_column(file.get(), path, "n_sb", rows, t.n_sb);
  read_column(file.get(), path, "f", rows, t.f);
  read_column(file.get(), path, "delta", rows, t.delta);
  read_column(file.get(), path, "efficiency", rows, t.efficiency);
  read_column(file.get(), path, "eff_rel_unc", rows, t.eff_rel_unc);
  read_column(file.get(), path, "p0", rows, t.p0);
  read_column(file.get(), path, "z", rows, t.z);
  read_column(file.get(), path, "ul_events", rows, t.ul_events);
  read_column(file.get(), path, "ul_xsec_fb", rows, t.ul_xsec_fb);
  read_column(file.get(), path, "limit_status", rows, t.limit_status);
  read_column(file.get(), path, "stats_flags", rows, t.stats_flags);
  return t;
}

ScanSettings scan_settings(const config::Config& config, const std::string& data_sha256,
                           const std::string& model_sha256) {
  ScanSettings s;
  s.options = stats::stats_options(config.scan.credibility, config.scan.nuisance_prior, config.scan.signal_prior);
  s.luminosity_fb = config.collider.luminosity_fb;
  s.luminosity_rel_unc = config.collider.luminosity_rel_unc;
  s.data_sha256 = data_sha256;
  s.model_sha256 = model_sha256;
  return s;
}

io::Attributes scan_root_attributes(const config::Config& config, const io::Provenance& provenance) {
  return io::provenance_attributes(provenance, {{"luminosity_fb", config.collider.luminosity_fb},
                                                {"luminosity_rel_unc", config.collider.luminosity_rel_unc},
                                                {"credibility", config.scan.credibility},
                                                {"nuisance_prior", config.scan.nuisance_prior},
                                                {"signal_prior", config.scan.signal_prior}});
}

void write_scan(io::EventFileWriter& writer, const ScanResult& result, const config::Config& config,
                const io::Provenance& provenance) {
  write_scan(writer, result, scan_root_attributes(config, provenance));
}

void write_scan_rows(io::EventFileWriter& writer, const ScanTable& t) {
  io::HostBatch rows;
  rows.rows = t.size();
  rows.columns = {column("final_state", t.final_state), column("ctau_cm", t.ctau_cm),
                  column("mass", t.mass),               column("sigma_mass", t.sigma_mass),
                  column("window_lo", t.window_lo),     column("window_hi", t.window_hi),
                  column("n_obs", t.n_obs),             column("n_sb", t.n_sb),
                  column("f", t.f),                     column("delta", t.delta),
                  column("efficiency", t.efficiency),   column("eff_rel_unc", t.eff_rel_unc),
                  column("p0", t.p0),                   column("z", t.z),
                  column("ul_events", t.ul_events),     column("ul_xsec_fb", t.ul_xsec_fb),
                  column("limit_status", t.limit_status), column("stats_flags", t.stats_flags)};
  writer.begin_table("", "scan", {{"rows", static_cast<std::int64_t>(t.size())}}, rows);
  writer.describe_columns(kScanColumns);
}

void write_scan(io::EventFileWriter& writer, const ScanResult& result, io::Attributes root) {
  if (const auto best = largest_excess(result.rows); best >= 0) {
    root.emplace_back("largest_z", result.rows.z[best]);
    root.emplace_back("largest_z_final_state", std::string(physics::kFinalStateNames[result.rows.final_state[best]]));
    root.emplace_back("largest_z_mass_gev", result.rows.mass[best]);
    root.emplace_back("largest_z_ctau_cm", result.rows.ctau_cm[best]);
  }
  writer.set_root_attributes(root);
  write_scan_rows(writer, result.rows);

  const CombinedTable& c = result.combined;
  io::HostBatch combined;
  combined.rows = c.size();
  combined.columns = {column("ctau_cm", c.ctau_cm), column("mass", c.mass),         column("p0", c.p0),
                      column("z", c.z),             column("channels", c.channels), column("row_mumu", c.row[0]),
                      column("row_pipi", c.row[1]), column("row_kk", c.row[2])};
  writer.begin_table("", "scan_combined", {{"rows", static_cast<std::int64_t>(c.size())}}, combined);
  writer.describe_columns(kCombinedColumns);
}

}  // namespace darkscan::scan
