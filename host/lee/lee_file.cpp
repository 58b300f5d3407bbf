#include "lee/lee_file.hpp"

#include <fmt/format.h>

#include <span>

#include "darkscan/version.hpp"

namespace darkscan::lee {

namespace {

using physics::kFinalStateNames;

template <class T, class Get>
io::HostColumn toy_column(const std::string& name, const std::vector<ToyOutcome>& toys, Get get) {
  std::vector<T> v;
  v.reserve(toys.size());
  for (const auto& t : toys) v.push_back(static_cast<T>(get(t)));
  return io::HostColumn::from<T>(name, std::span<const T>(v));
}

template <class T, class Get>
io::HostColumn coverage_column(const char* name, const std::vector<CoveragePoint>& points, Get get) {
  std::vector<T> v;
  for (const auto& c : points) v.push_back(static_cast<T>(get(c)));
  return io::HostColumn::from<T>(name, std::span<const T>(v));
}

void write_toys(io::EventFileWriter& writer, const LeeResult& r, const std::string& backend) {
  const LeeSummary& s = r.summary;
  io::Attributes attrs = {{"creator", std::string("darkscan lee (docs/physics/look-elsewhere.md)")},
                          {"darkscan_version", std::string(version())},
                          {"seed", static_cast<std::int64_t>(r.settings.seed)},
                          {"toys", static_cast<std::int64_t>(s.toys)},
                          {"z_local", s.z_local},
                          {"p_local", s.p_local},
                          {"exceeding", static_cast<std::int64_t>(s.exceeding)},
                          {"p_global", s.p_global},
                          {"p_global_unc", s.p_global_unc},
                          {"z_global", s.z_global},
                          {"trials_factor", s.trials_factor},
                          {"gv_level_q", r.settings.upcrossing_level},
                          {"p_gross_vitells", s.p_gross_vitells},
                          {"z_gross_vitells", s.z_gross_vitells},
                          {"backend", backend}};
  for (int fs = 0; fs < physics::kFinalStates; ++fs) {
    attrs.emplace_back(fmt::format("mean_upcrossings_{}", kFinalStateNames[fs]), s.mean_upcrossings[fs]);
    attrs.emplace_back(fmt::format("observed_z_{}", kFinalStateNames[fs]), r.observed.max_z_fs[fs]);
  }
  const auto& toys = r.toys;
  io::HostBatch table;
  table.rows = toys.size();
  std::vector<std::int64_t> index(toys.size());
  for (std::size_t i = 0; i < index.size(); ++i) index[i] = static_cast<std::int64_t>(i);
  table.columns.push_back(io::HostColumn::from<std::int64_t>("toy", index));
  table.columns.push_back(toy_column<double>("max_z", toys, [](const auto& t) { return t.max_z; }));
  for (int fs = 0; fs < physics::kFinalStates; ++fs)
    table.columns.push_back(toy_column<double>(fmt::format("max_z_{}", kFinalStateNames[fs]), toys,
                                               [fs](const auto& t) { return t.max_z_fs[fs]; }));
  for (int fs = 0; fs < physics::kFinalStates; ++fs)
    table.columns.push_back(toy_column<std::int32_t>(fmt::format("upcrossings_{}", kFinalStateNames[fs]), toys,
                                                     [fs](const auto& t) { return t.upcrossings[fs]; }));
  table.columns.push_back(toy_column<std::int64_t>("events", toys, [](const auto& t) { return t.events; }));
  writer.remove_group("lee");
  writer.begin_table("lee", "toys", attrs, table);
}

void write_coverage(io::EventFileWriter& writer, const LeeResult& r) {
  const auto& c = r.coverage;
  io::HostBatch cov;
  cov.rows = c.size();
  cov.columns = {coverage_column<std::int64_t>("row", c, [](const auto& p) { return p.row; }),
                 coverage_column<double>("signal_over_median_expected", c, [](const auto& p) { return p.signal_factor; }),
                 coverage_column<double>("true_events", c, [](const auto& p) { return p.true_events; }),
                 coverage_column<double>("true_sideband_events", c, [](const auto& p) { return p.true_background; }),
                 coverage_column<std::int64_t>("toys", c, [](const auto& p) { return p.toys; }),
                 coverage_column<std::int64_t>("covered", c, [](const auto& p) { return p.covered; }),
                 coverage_column<double>("coverage", c, [](const auto& p) { return p.coverage; }),
                 coverage_column<double>("coverage_unc", c, [](const auto& p) { return p.coverage_unc; })};
  writer.begin_table("lee", "coverage", {{"credibility", r.credibility}}, cov);
}

void write_expected(io::EventFileWriter& writer, const ExpectedLimits& expected) {
  const std::size_t rows = expected.n_obs[0].size();
  writer.remove_group("expected");
  io::HostBatch table;
  table.rows = rows;
  for (int b = 0; b < kBands; ++b)
    table.columns.push_back(io::HostColumn::from<std::int64_t>(fmt::format("n_obs_{}", kBandNames[b]), expected.n_obs[b]));
  for (int b = 0; b < kBands; ++b)
    table.columns.push_back(io::HostColumn::from<double>(fmt::format("ul_events_{}", kBandNames[b]), expected.ul_events[b]));
  for (int b = 0; b < kBands; ++b)
    table.columns.push_back(io::HostColumn::from<double>(fmt::format("ul_xsec_fb_{}", kBandNames[b]), expected.ul_xsec_fb[b]));
  writer.begin_table("", "expected", {{"rows", static_cast<std::int64_t>(rows)}}, table);
  for (int b = 0; b < kBands; ++b) {
    const std::string band = b == 2 ? "the median" : fmt::format("the {} band edge (probability {:.5f})", kBandNames[b],
                                                                  kBandProbabilities[b]);
    writer.describe_column(fmt::format("n_obs_{}", kBandNames[b]),
                           {{"unit", std::string("events")},
                            {"description", "quantile of n_obs under the background-only hypothesis given the "
                                            "observed sideband: " + band + " (-1: beyond 255)"}});
    writer.describe_column(fmt::format("ul_events_{}", kBandNames[b]),
                           {{"unit", std::string("events")},
                            {"description", "expected upper limit in signal events, " + band + "; NaN where the "
                                            "/scan row has no limit"}});
    writer.describe_column(fmt::format("ul_xsec_fb_{}", kBandNames[b]),
                           {{"unit", std::string("fb")}, {"description", "expected upper limit on sigma_sig, " + band}});
  }
}

}  // namespace

void write_lee(io::EventFileWriter& writer, const LeeResult& result, const std::string& backend) {
  write_toys(writer, result, backend);
  write_coverage(writer, result);
  write_expected(writer, result.expected);
}

}  // namespace darkscan::lee
