#include "lee/lee_file.hpp"

#include <fmt/format.h>

#include <span>

#include "darkscan/version.hpp"

namespace darkscan::lee {

namespace {

using physics::kFinalStateNames;
using io::ColumnDoc;

// /lee/toys: one row per background-only toy of the whole scan.
constexpr ColumnDoc kToyColumns[] = {
    {"toy", "", "toy index k: the Philox counter of its draws, the same toy for any batching, thread count or "
                "backend"},
    {"max_z", "sigma", "largest local Z over every final state's windows in the toy (docs/physics/look-elsewhere.md); "
                       "-inf where no window holds an event"},
    {"max_z_mumu", "sigma", "largest local Z over the mu+mu- windows in the toy; -inf where none holds an event or "
                            "mu+mu- is not scanned"},
    {"max_z_pipi", "sigma", "largest local Z over the pi+pi- windows in the toy; -inf where none holds an event or "
                            "pi+pi- is not scanned"},
    {"max_z_kk", "sigma", "largest local Z over the K+K- windows in the toy; -inf where none holds an event or K+K- "
                          "is not scanned"},
    {"upcrossings_mumu", "", "up-crossings of q = max(Z, 0)^2 through gv_level_q along the mu+mu- windows in mass "
                             "order (Gross-Vitells, docs/physics/look-elsewhere.md)"},
    {"upcrossings_pipi", "", "up-crossings of q = max(Z, 0)^2 through gv_level_q along the pi+pi- windows in mass "
                             "order (Gross-Vitells, docs/physics/look-elsewhere.md)"},
    {"upcrossings_kk", "", "up-crossings of q = max(Z, 0)^2 through gv_level_q along the K+K- windows in mass order "
                           "(Gross-Vitells, docs/physics/look-elsewhere.md)"},
    {"events", "events", "the toy's events over every region, each region's count drawn from the posterior "
                         "predictive of its observed count"},
};

// /lee/coverage: one row per (tested /scan row, true signal).
constexpr ColumnDoc kCoverageColumns[] = {
    {"row", "", "the /scan row tested (per final state the middle of its rows with a limit, and the largest excess)"},
    {"signal_over_median_expected", "", "true signal over the row's median expected limit (/expected "
                                        "ul_events_median): 0.5, 1.5 or 3"},
    {"true_events", "events", "true signal s in the window: signal_over_median_expected x ul_events_median"},
    {"true_sideband_events", "events", "true sideband expectation mu = n_sb + 1 (the flat-prior posterior mean); "
                                       "the window expects s + mu / f"},
    {"toys", "", "signal-plus-background toys tested (a toy whose window count exceeds the statistics engine's "
                 "largest is left out)"},
    {"covered", "", "toys whose upper limit is at least true_events"},
    {"coverage", "", "covered / toys: the frequentist coverage of the limit, to compare with the credibility "
                     "attribute"},
    {"coverage_unc", "", "binomial uncertainty of coverage, sqrt(coverage (1 - coverage) / toys)"},
};

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
  writer.describe_columns(kToyColumns);
}

void write_coverage(io::EventFileWriter& writer, const LeeResult& r) {
  write_coverage_table(writer, "lee", "coverage", r.coverage, {{"credibility", r.credibility}}, true);
}

void write_expected(io::EventFileWriter& writer, const ExpectedLimits& expected) {
  writer.remove_group("expected");
  write_expected_table(writer, "", "expected",
                       {{"rows", static_cast<std::int64_t>(expected.n_obs[0].size())}}, expected);
}

}  // namespace

void write_coverage_table(io::EventFileWriter& writer, const std::string& parent, const std::string& name,
                          const std::vector<CoveragePoint>& c, const io::Attributes& attributes, bool finished) {
  io::HostBatch cov;
  cov.rows = c.size();
  cov.columns = {coverage_column<std::int64_t>("row", c, [](const auto& p) { return p.row; }),
                 coverage_column<double>("signal_over_median_expected", c, [](const auto& p) { return p.signal_factor; }),
                 coverage_column<double>("true_events", c, [](const auto& p) { return p.true_events; }),
                 coverage_column<double>("true_sideband_events", c, [](const auto& p) { return p.true_background; }),
                 coverage_column<std::int64_t>("toys", c, [](const auto& p) { return p.toys; }),
                 coverage_column<std::int64_t>("covered", c, [](const auto& p) { return p.covered; })};
  if (finished) {
    cov.columns.push_back(coverage_column<double>("coverage", c, [](const auto& p) { return p.coverage; }));
    cov.columns.push_back(coverage_column<double>("coverage_unc", c, [](const auto& p) { return p.coverage_unc; }));
  }
  writer.begin_table(parent, name, attributes, cov);
  writer.describe_columns(kCoverageColumns);
}

void write_expected_table(io::EventFileWriter& writer, const std::string& parent, const std::string& name,
                          const io::Attributes& attributes, const ExpectedLimits& expected) {
  io::HostBatch table;
  table.rows = expected.n_obs[0].size();
  for (int b = 0; b < kBands; ++b)
    table.columns.push_back(io::HostColumn::from<std::int64_t>(fmt::format("n_obs_{}", kBandNames[b]), expected.n_obs[b]));
  for (int b = 0; b < kBands; ++b)
    table.columns.push_back(io::HostColumn::from<double>(fmt::format("ul_events_{}", kBandNames[b]), expected.ul_events[b]));
  for (int b = 0; b < kBands; ++b)
    table.columns.push_back(io::HostColumn::from<double>(fmt::format("ul_xsec_fb_{}", kBandNames[b]), expected.ul_xsec_fb[b]));
  writer.begin_table(parent, name, attributes, table);
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

void write_lee(io::EventFileWriter& writer, const LeeResult& result, const std::string& backend) {
  write_toys(writer, result, backend);
  write_coverage(writer, result);
  write_expected(writer, result.expected);
}

}  // namespace darkscan::lee
