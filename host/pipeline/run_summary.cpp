#include "pipeline/run_summary.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "darkscan/physics/particles.hpp"
#include "io/sample_reader.hpp"
#include "io/h5.hpp"
#include "scan/scan.hpp"
#include "scan/scan_file.hpp"
#include "selection/select_file.hpp"

namespace darkscan::pipeline {

namespace {

using physics::kFinalStateNames;

std::string attribute_text(const h5::AttributeValue* v) {
  if (!v) return "?";
  if (std::holds_alternative<std::string>(*v)) return std::get<std::string>(*v);
  if (std::holds_alternative<double>(*v)) return fmt::format("{:.4g}", std::get<double>(*v));
  return fmt::format("{}", std::get<std::int64_t>(*v));
}

std::vector<std::pair<std::string, h5::AttributeValue>> attributes_of(const std::string& path,
                                                                      const std::string& object) {
  const h5::File file = h5::open_file_readonly(path);
  if (!h5::link_exists(file.get(), object)) return {};
  const hid_t id = H5Oopen(file.get(), object.c_str(), H5P_DEFAULT);
  if (id < 0) return {};
  auto attrs = h5::read_attributes(id, path);
  H5Oclose(id);
  return attrs;
}

const h5::AttributeValue* find(const std::vector<std::pair<std::string, h5::AttributeValue>>& attrs,
                               const std::string& key) {
  for (const auto& [k, v] : attrs)
    if (k == key) return &v;
  return nullptr;
}

// Columns of a table of an output's top-level group, each read as its stored type
// (int32 model_point, int8 flags, float64 values) and returned as double.
std::vector<std::vector<double>> table_columns(const std::string& path, const std::string& group,
                                               const std::string& table,
                                               const std::vector<std::pair<const char*, DType>>& names) {
  const io::EventFile file(path, group);
  std::vector<io::ColumnRequest> requests;
  for (const auto& [n, type] : names) requests.push_back({n, type, io::WhenMissing::fail, 0.0});
  io::SampleReader reader(file, table, {}, requests);
  const auto batch = reader.read_all();
  std::vector<std::vector<double>> out;
  for (const auto& [n, type] : names) {
    const auto* c = batch.find(n);
    auto& v = out.emplace_back();
    if (type == DType::i32) for (auto x : c->values<std::int32_t>()) v.push_back(x);
    else if (type == DType::i8) for (auto x : c->values<std::int8_t>()) v.push_back(x);
    else for (auto x : c->values<double>()) v.push_back(x);
  }
  return out;
}

// The [model] point's (model_point 0) sinθ exclusion and y limit.
void interpretation_summary(const std::string& path, std::vector<std::string>& lines) {
  const h5::File file = h5::open_file_readonly(path);
  if (h5::link_exists(file.get(), "/sin_theta/masses")) {
    const auto m = table_columns(path, "sin_theta", "masses",
                                 {{"model_point", DType::i32}, {"mass", DType::f64}, {"excluded", DType::i8}});
    const auto iv = table_columns(path, "sin_theta", "intervals",
                                  {{"model_point", DType::i32}, {"mass", DType::f64}, {"sin_theta_lo", DType::f64}});
    std::size_t masses = 0, excluded = 0;
    for (std::size_t i = 0; i < m[0].size(); ++i)
      if (m[0][i] == 0) {
        ++masses;
        excluded += m[2][i] > 0;
      }
    std::int64_t best = -1;
    for (std::size_t i = 0; i < iv[0].size(); ++i)
      if (iv[0][i] == 0 && (best < 0 || iv[2][i] < iv[2][best])) best = static_cast<std::int64_t>(i);
    lines.push_back(best < 0 ? fmt::format("sin theta: nothing excluded at {} masses", masses)
                             : fmt::format("sin theta: excluded at {} of {} masses, down to {:.3g} at m(h') = {:.4f} "
                                           "GeV",
                                           excluded, masses, iv[2][best], iv[1][best]));
  }
  if (h5::link_exists(file.get(), "/y_limit/masses")) {
    const auto y = table_columns(path, "y_limit", "masses",
                                 {{"model_point", DType::i32}, {"m_chi1", DType::f64}, {"y_excluded_lo", DType::f64}});
    const auto attrs = attributes_of(path, "/y_limit/masses");
    std::int64_t strongest = -1, weakest = -1;
    std::size_t n = 0;
    for (std::size_t i = 0; i < y[0].size(); ++i) {
      if (y[0][i] != 0) continue;
      ++n;
      if (!std::isfinite(y[2][i])) continue;
      if (strongest < 0 || y[2][i] < y[2][strongest]) strongest = static_cast<std::int64_t>(i);
      if (weakest < 0 || y[2][i] > y[2][weakest]) weakest = static_cast<std::int64_t>(i);
    }
    const std::string at = fmt::format("m(h') = {} GeV, sin theta = {}", attribute_text(find(attrs, "m_hp_gev")),
                                       attribute_text(find(attrs, "sin_theta")));
    lines.push_back(strongest < 0 ? fmt::format("y limit ({}): nothing excluded at {} m(chi1)", at, n)
                                  : fmt::format("y limit ({}): {:.3g} at m(chi1) = {:g} GeV to {:.3g} at {:g} GeV "
                                                "({} m(chi1))",
                                                at, y[2][strongest], y[1][strongest], y[2][weakest], y[1][weakest], n));
  }
}

}  // namespace

std::vector<std::string> results_summary(const RunOutputs& out) {
  std::vector<std::string> lines;
  if (!out.events.empty() && std::filesystem::exists(out.events)) {
    const io::EventFile file(out.events);
    std::uint64_t all = 0, data = 0;
    for (const auto& s : file.samples()) {
      all += s.rows;
      if (s.kind == "data") data += s.rows;
    }
    lines.push_back(fmt::format("events read: {} candidates in {} samples ({} in data)", all, file.samples().size(),
                                data));
  }
  if (!out.selected.empty() && std::filesystem::exists(out.selected)) {
    const auto data = selection::read_selected_data(out.selected);
    std::string per;
    for (int fs = 0; fs < physics::kFinalStates; ++fs)
      per += fmt::format("{}{} {}", fs ? ", " : "", kFinalStateNames[fs], data.masses[fs].size());
    lines.push_back("selected in data: " + per);
  }
  const std::string results = !out.results.empty() && std::filesystem::exists(out.results) ? out.results : out.scan;
  if (!results.empty() && std::filesystem::exists(results)) {
    const auto rows = scan::read_scan_rows(results);
    std::set<std::pair<int, double>> windows;
    std::set<double> lifetimes;
    std::int64_t best = scan::largest_excess(rows), strongest = -1, weakest = -1;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      windows.emplace(rows.final_state[i], rows.mass[i]);
      lifetimes.insert(rows.ctau_cm[i]);
      if (rows.limit_status[i] != scan::kLimitOk) continue;
      if (strongest < 0 || rows.ul_xsec_fb[i] < rows.ul_xsec_fb[strongest]) strongest = static_cast<std::int64_t>(i);
      if (weakest < 0 || rows.ul_xsec_fb[i] > rows.ul_xsec_fb[weakest]) weakest = static_cast<std::int64_t>(i);
    }
    lines.push_back(fmt::format("windows scanned: {} ({} rows over {} lifetimes)", windows.size(), rows.size(),
                                lifetimes.size()));
    if (best >= 0)
      lines.push_back(fmt::format("largest local excess: {} at m = {:.4f} GeV, cτ = {:g} cm: Z = {:.2f}",
                                  kFinalStateNames[rows.final_state[best]], rows.mass[best], rows.ctau_cm[best],
                                  rows.z[best]));
    const auto lee = attributes_of(results, "/lee/toys");
    if (!lee.empty())
      lines.push_back(fmt::format("global significance: Z = {} (p = {} ± {} from {} toys, trials factor {}); "
                                  "Gross–Vitells Z ≈ {}",
                                  attribute_text(find(lee, "z_global")), attribute_text(find(lee, "p_global")),
                                  attribute_text(find(lee, "p_global_unc")), attribute_text(find(lee, "toys")),
                                  attribute_text(find(lee, "trials_factor")),
                                  attribute_text(find(lee, "z_gross_vitells"))));
    auto limit = [&](std::int64_t i) {
      return fmt::format("{:.3g} fb ({} at m = {:.4f} GeV, cτ = {:g} cm)", rows.ul_xsec_fb[i],
                         kFinalStateNames[rows.final_state[i]], rows.mass[i], rows.ctau_cm[i]);
    };
    if (strongest >= 0)
      lines.push_back(fmt::format("strongest limit: {}; weakest: {}", limit(strongest), limit(weakest)));
  }
  if (!out.interpretation.empty() && std::filesystem::exists(out.interpretation))
    interpretation_summary(out.interpretation, lines);
  if (!results.empty() && std::filesystem::exists(results))
    lines.push_back("backend: " + attribute_text(find(attributes_of(results, "/"), "backend")));
  return lines;
}

std::string stages_summary(const std::vector<StageTime>& times) {
  std::string stages;
  double total = 0;
  for (const auto& t : times) {
    stages += fmt::format("{}{} {}", stages.empty() ? "" : ", ", t.name,
                          t.ran ? fmt::format("{:.1f} s", t.seconds) : std::string("up to date"));
    total += t.seconds;
  }
  return fmt::format("stages: {}; total {:.1f} s", stages, total);
}

}  // namespace darkscan::pipeline
