#include "pipeline/run_summary.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "darkscan/physics/particles.hpp"
#include "io/event_file.hpp"
#include "io/h5.hpp"
#include "scan/scan.hpp"
#include "scan/scan_file.hpp"
#include "scan/selected_data.hpp"

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
    const auto data = scan::read_selected_data(out.selected);
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
    lines.push_back("backend: " + attribute_text(find(attributes_of(results, "/"), "backend")));
  }
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
