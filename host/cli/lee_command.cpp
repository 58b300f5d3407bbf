// darkscan lee: the look-elsewhere effect of ANALYSIS.md section 6 from background-only
// toys of the whole scan, with the Gross–Vitells estimate beside it, added to the scan's
// result file. Toys are checkpointed after every batch: an interrupted or failed run
// keeps them, and the same command resumes where it stopped.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include "backend/backend.hpp"
#include "cli/backend_flags.hpp"
#include "cli/commands.hpp"
#include "config/config.hpp"
#include "darkscan/version.hpp"
#include "errors.hpp"
#include "io/event_writer.hpp"
#include "io/file_checksum.hpp"
#include "lee/coverage.hpp"
#include "lee/expected_limits.hpp"
#include "lee/lee.hpp"
#include "lee/toy_checkpoint.hpp"
#include "progress.hpp"
#include "scan/scan.hpp"
#include "scan/scan_file.hpp"
#include "signal_model/signal_model_file.hpp"

namespace darkscan::cli {

namespace {

using physics::kFinalStateNames;
using Clock = std::chrono::steady_clock;

struct LeeOptions {
  std::string config;
  std::string data;
  std::string model;
  std::string scan;
  std::string output;  // default: the scan file, extended
  std::uint64_t toys = 10000;
  std::int64_t seed = -1;  // -1: run.seed
  std::uint64_t batch = 4096;
  double gv_level = 1.0;
  std::uint64_t coverage_toys = 2000;
  BackendFlags compute;
};

// The scan file must be the scan of these data and this model.
scan::ScanSettings check_scan_file(const std::string& scan_path, const std::string& data_sha,
                                   const std::string& model_sha) {
  const scan::ScanSettings s = scan::read_scan_settings(scan_path);
  if (s.data_sha256 != data_sha)
    throw_input_error("{}: was made from other data than --data (SHA-256 differs)", scan_path);
  if (s.model_sha256 != model_sha)
    throw_input_error("{}: was made with another model than --model (SHA-256 differs)", scan_path);
  return s;
}

template <class T, class Get>
io::HostColumn toy_column(const char* name, const std::vector<lee::ToyOutcome>& toys, Get get) {
  std::vector<T> v;
  v.reserve(toys.size());
  for (const auto& t : toys) v.push_back(static_cast<T>(get(t)));
  return io::HostColumn::from<T>(name, std::span<const T>(v));
}

int run_lee_command(const LeeOptions& opt) {
  const auto start = Clock::now();
  const config::Config cfg = opt.config.empty() ? config::Config{} : config::load(opt.config);
  if (opt.toys == 0) throw_input_error("--toys: must be positive");
  if (!(opt.gv_level > 0)) throw_input_error("--gv-level: {} must be positive (a level in q = Z^2)", opt.gv_level);
  const std::string output = opt.output.empty() ? opt.scan : opt.output;
  const scan::SelectedData data = scan::read_selected_data(opt.data);
  const auto model = signal_model::read_signal_model(opt.model);
  const std::string data_sha = io::sha256_file(opt.data), model_sha = io::sha256_file(opt.model);
  const scan::ScanSettings scan_settings = check_scan_file(opt.scan, data_sha, model_sha);
  const scan::ScanTable rows = scan::read_scan_rows(opt.scan);
  io::EventFileWriter writer(output, opt.scan);  // an unwritable destination is said before the toys

  lee::LeeSettings settings;
  settings.toys = opt.toys;
  settings.seed = opt.seed >= 0 ? static_cast<std::uint64_t>(opt.seed) : cfg.run.seed;
  settings.batch = opt.batch;
  settings.upcrossing_level = opt.gv_level;
  const lee::Windows windows = scan::scan_windows(cfg, model, opt.model);
  const auto regions = lee::toy_regions(cfg, data);
  const lee::ToyOutcome observed = lee::scan_observed(data, windows, settings);

  std::string why;
  auto backend = make_backend(opt.compute, cfg, &why);
  const std::filesystem::path checkpoint = output + ".toys.partial";
  const std::string fingerprint = fmt::format("darkscan {} seed {} data {} model {} config {} level {} nodes {}",
                                              version(), settings.seed, data_sha, model_sha,
                                              std::hash<std::string>{}(cfg.text), settings.upcrossing_level,
                                              settings.legendre_nodes);
  std::vector<lee::ToyOutcome> toys = lee::read_checkpoint(checkpoint, fingerprint);
  if (toys.size() > settings.toys) toys.resize(settings.toys);
  if (!toys.empty()) fmt::print(stderr, "resuming after {} toys kept in {}\n", toys.size(), checkpoint.string());
  const std::uint64_t first = toys.size();
  const auto toy_start = Clock::now();
  {
    Progress progress("lee", settings.toys - first, "toys");
    try {
      lee::run_toys(*backend, regions, windows, settings, first, settings.toys - first, toys, &progress,
                    [&](const std::vector<lee::ToyOutcome>& done) { lee::write_checkpoint(checkpoint, fingerprint, done); });
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("{} ({} toys kept in {}; the same command resumes)", e.what(), toys.size(),
                                           checkpoint.string()));
    }
    progress.finish();
  }
  const double toy_seconds = std::chrono::duration<double>(Clock::now() - toy_start).count();
  const lee::LeeSummary s = lee::summarise(observed, toys, settings.upcrossing_level);

  const auto expected_start = Clock::now();
  const lee::ExpectedLimits expected = lee::expected_limits(*backend, rows, scan_settings.luminosity_fb,
                                                            scan_settings.luminosity_rel_unc, scan_settings.options);
  const double expected_seconds = std::chrono::duration<double>(Clock::now() - expected_start).count();
  const auto cover = lee::coverage(*backend, rows, expected, lee::coverage_rows(rows), scan_settings.luminosity_rel_unc,
                                   scan_settings.options, settings.seed, opt.coverage_toys);

  io::Attributes attrs = {{"creator", std::string("darkscan lee (ANALYSIS.md section 6)")},
                          {"darkscan_version", std::string(version())},
                          {"seed", static_cast<std::int64_t>(settings.seed)},
                          {"toys", static_cast<std::int64_t>(s.toys)},
                          {"z_local", s.z_local},
                          {"p_local", s.p_local},
                          {"exceeding", static_cast<std::int64_t>(s.exceeding)},
                          {"p_global", s.p_global},
                          {"p_global_unc", s.p_global_unc},
                          {"z_global", s.z_global},
                          {"trials_factor", s.trials_factor},
                          {"gv_level_q", settings.upcrossing_level},
                          {"p_gross_vitells", s.p_gross_vitells},
                          {"z_gross_vitells", s.z_gross_vitells},
                          {"backend", backend->description()}};
  for (int fs = 0; fs < physics::kFinalStates; ++fs) {
    attrs.emplace_back(fmt::format("mean_upcrossings_{}", kFinalStateNames[fs]), s.mean_upcrossings[fs]);
    attrs.emplace_back(fmt::format("observed_z_{}", kFinalStateNames[fs]), observed.max_z_fs[fs]);
  }
  io::HostBatch table;
  table.rows = toys.size();
  std::vector<std::int64_t> index(toys.size());
  for (std::size_t i = 0; i < index.size(); ++i) index[i] = static_cast<std::int64_t>(i);
  table.columns.push_back(io::HostColumn::from<std::int64_t>("toy", index));
  table.columns.push_back(toy_column<double>("max_z", toys, [](const auto& t) { return t.max_z; }));
  for (int fs = 0; fs < physics::kFinalStates; ++fs)
    table.columns.push_back(toy_column<double>(fmt::format("max_z_{}", kFinalStateNames[fs]).c_str(), toys,
                                               [fs](const auto& t) { return t.max_z_fs[fs]; }));
  for (int fs = 0; fs < physics::kFinalStates; ++fs)
    table.columns.push_back(toy_column<std::int32_t>(fmt::format("upcrossings_{}", kFinalStateNames[fs]).c_str(),
                                                     toys, [fs](const auto& t) { return t.upcrossings[fs]; }));
  table.columns.push_back(toy_column<std::int64_t>("events", toys, [](const auto& t) { return t.events; }));
  writer.remove_group("lee");
  writer.begin_table("lee", "toys", attrs, table);

  // /lee/coverage: one row per tested scan row.
  io::HostBatch cov;
  cov.rows = cover.size();
  std::vector<std::int64_t> cov_row, cov_toys, cov_covered;
  std::vector<double> cov_factor, cov_s, cov_b, cov_c, cov_u;
  for (const auto& c : cover) {
    cov_row.push_back(static_cast<std::int64_t>(c.row));
    cov_factor.push_back(c.signal_factor);
    cov_toys.push_back(static_cast<std::int64_t>(c.toys));
    cov_covered.push_back(static_cast<std::int64_t>(c.covered));
    cov_s.push_back(c.true_events);
    cov_b.push_back(c.true_background);
    cov_c.push_back(c.coverage);
    cov_u.push_back(c.coverage_unc);
  }
  cov.columns = {io::HostColumn::from<std::int64_t>("row", cov_row),
                 io::HostColumn::from<double>("signal_over_median_expected", cov_factor),
                 io::HostColumn::from<double>("true_events", cov_s),
                 io::HostColumn::from<double>("true_sideband_events", cov_b),
                 io::HostColumn::from<std::int64_t>("toys", cov_toys),
                 io::HostColumn::from<std::int64_t>("covered", cov_covered),
                 io::HostColumn::from<double>("coverage", cov_c),
                 io::HostColumn::from<double>("coverage_unc", cov_u)};
  writer.begin_table("lee", "coverage", {{"credibility", scan_settings.options.credibility}}, cov);

  // /expected: the rows of /scan, in the same order.
  writer.remove_group("expected");
  io::HostBatch exp_table;
  exp_table.rows = rows.size();
  for (int b = 0; b < lee::kBands; ++b)
    exp_table.columns.push_back(
        io::HostColumn::from<std::int64_t>(fmt::format("n_obs_{}", lee::kBandNames[b]), expected.n_obs[b]));
  for (int b = 0; b < lee::kBands; ++b)
    exp_table.columns.push_back(
        io::HostColumn::from<double>(fmt::format("ul_events_{}", lee::kBandNames[b]), expected.ul_events[b]));
  for (int b = 0; b < lee::kBands; ++b)
    exp_table.columns.push_back(
        io::HostColumn::from<double>(fmt::format("ul_xsec_fb_{}", lee::kBandNames[b]), expected.ul_xsec_fb[b]));
  writer.begin_table("", "expected", {{"rows", static_cast<std::int64_t>(rows.size())}}, exp_table);
  for (int b = 0; b < lee::kBands; ++b) {
    const std::string band = b == 2 ? "the median" : fmt::format("the {} band edge (probability {:.5f})",
                                                                  lee::kBandNames[b], lee::kBandProbabilities[b]);
    writer.describe_column(fmt::format("n_obs_{}", lee::kBandNames[b]),
                           {{"unit", std::string("events")},
                            {"description", "quantile of n_obs under the background-only hypothesis given the "
                                            "observed sideband: " + band + " (-1: beyond 255)"}});
    writer.describe_column(fmt::format("ul_events_{}", lee::kBandNames[b]),
                           {{"unit", std::string("events")},
                            {"description", "expected upper limit in signal events, " + band + "; NaN where the "
                                            "/scan row has no limit"}});
    writer.describe_column(fmt::format("ul_xsec_fb_{}", lee::kBandNames[b]),
                           {{"unit", std::string("fb")},
                            {"description", "expected upper limit on sigma_sig, " + band}});
  }
  writer.commit();
  std::error_code ec;
  std::filesystem::remove(checkpoint, ec);

  fmt::print(stderr, "{}\n", why);
  fmt::print("observed: largest local Z = {:.3f} (p = {:.3g}){}\n", s.z_local, s.p_local,
             observed.max_z > -HUGE_VAL
                 ? fmt::format(", per final state {}", [&] {
                     std::string t;
                     for (int fs = 0; fs < physics::kFinalStates; ++fs)
                       if (!windows[fs].empty())
                         t += fmt::format("{}{} {:.2f}", t.empty() ? "" : ", ", kFinalStateNames[fs],
                                          observed.max_z_fs[fs]);
                     return t;
                   }())
                 : "");
  fmt::print("toys: {} ({} reach it): global p = {:.4g} ± {:.2g}, global Z = {:.3f}, trials factor {:.3g}\n", s.toys,
             s.exceeding, s.p_global, s.p_global_unc, s.z_global, s.trials_factor);
  fmt::print("Gross–Vitells (c0 = {} in Z^2, up-crossings per toy {:.3g}): global p ≈ {:.4g}, Z ≈ {:.3f}\n",
             settings.upcrossing_level, s.mean_upcrossings[0] + s.mean_upcrossings[1] + s.mean_upcrossings[2],
             s.p_gross_vitells, s.z_gross_vitells);
  for (const auto& c : cover)
    fmt::print("coverage at {} m = {:.4f} GeV, cτ = {:g} cm, s = {:.1f} x median expected = {:.3g} events "
               "(sideband {:.0f}): {:.4f} ± {:.4f} ({} toys; credibility {})\n",
               kFinalStateNames[rows.final_state[c.row]], rows.mass[c.row], rows.ctau_cm[c.row], c.signal_factor,
               c.true_events,
               c.true_background, c.coverage, c.coverage_unc, c.toys, scan_settings.options.credibility);
  if (const auto best = scan::largest_excess(rows); best >= 0 && rows.limit_status[best] == scan::kLimitOk)
    fmt::print("at the largest excess: observed limit {:.4g} fb, expected {:.4g} fb (68 %: {:.4g}-{:.4g}, 95 %: "
               "{:.4g}-{:.4g}); expected limits of {} rows in {:.2f} s\n",
               rows.ul_xsec_fb[best], expected.ul_xsec_fb[2][best], expected.ul_xsec_fb[1][best],
               expected.ul_xsec_fb[3][best], expected.ul_xsec_fb[0][best], expected.ul_xsec_fb[4][best], rows.size(),
               expected_seconds);
  fmt::print("{} toys in {:.2f} s ({:.3g} toys/s) on {}; total {:.2f} s -> {}\n", settings.toys - first, toy_seconds,
             static_cast<double>(settings.toys - first) / toy_seconds, backend->description(),
             std::chrono::duration<double>(Clock::now() - start).count(), output);
  return kExitOk;
}

}  // namespace

void add_lee_command(CLI::App& app, Action& action) {
  auto opt = std::make_shared<LeeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "lee", "Look-elsewhere effect: global significance from background-only toys of the whole scan");
  cmd->add_option("--config", opt->config, "Scan config (the one the scan ran with)");
  cmd->add_option("--data", opt->data, "darkscan select output holding /selected/data")->required();
  cmd->add_option("--model", opt->model, "darkscan efficiency output (the signal model)")->required();
  cmd->add_option("--scan", opt->scan, "darkscan scan output of these data and model")->required();
  cmd->add_option("--output", opt->output, "File to write (default: the --scan file, extended with /lee)");
  cmd->add_option("--toys", opt->toys, "Background-only toys")->capture_default_str();
  cmd->add_option("--seed", opt->seed, "Seed of the toys (default: the config's run.seed)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--batch", opt->batch, "Toys per backend call and per checkpoint")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--gv-level", opt->gv_level, "Gross–Vitells reference level c0 in q = Z^2")->capture_default_str();
  cmd->add_option("--coverage-toys", opt->coverage_toys, "Signal-plus-background toys per coverage point")
      ->capture_default_str();
  add_backend_flags(cmd, opt->compute);
  cmd->callback([opt, &action] { action = [opt] { return run_lee_command(*opt); }; });
}

}  // namespace darkscan::cli
