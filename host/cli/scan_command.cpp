// darkscan scan: the window scan of ANALYSIS.md sections 4 and 5 over selected data,
// with the signal model's resolution and efficiencies: counts, sidebands, p0, Z and
// upper limits for every final state, lifetime and window, and their combination.
#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "backend/backend.hpp"
#include "cli/backend_flags.hpp"
#include "cli/commands.hpp"
#include "config/config.hpp"
#include "darkscan/version.hpp"
#include "errors.hpp"
#include "io/event_writer.hpp"
#include "io/file_checksum.hpp"
#include "scan/scan.hpp"
#include "scan/scan_file.hpp"
#include "scan/selected_data.hpp"
#include "signal_model/signal_model_file.hpp"

namespace darkscan::cli {

namespace {

using physics::kFinalStateNames;
using Clock = std::chrono::steady_clock;

struct ScanOptions {
  std::string config;
  std::string data;
  std::string model;
  std::string output;
  std::string sample = "data";
  double credibility = 0;  // 0: the config's
  std::string nuisance_prior;
  std::string signal_prior;
  BackendFlags compute;
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void print_summary(const scan::ScanResult& r, const config::Config& cfg) {
  const auto& t = r.rows;
  fmt::print("{:<6} {:>8} {:>9} {:>13} {:>9} {:>14} {:>14}\n", "final", "events", "windows", "mass range/GeV",
             "max Z", "best UL/fb", "worst UL/fb");
  std::size_t row = 0;
  for (int fs = 0; fs < physics::kFinalStates; ++fs) {
    const std::size_t rows = r.windows[fs].size() * r.ctau_cm.size();
    if (r.windows[fs].empty()) continue;
    double max_z = -INFINITY, best = INFINITY, worst = -INFINITY;
    for (std::size_t i = row; i < row + rows; ++i) {
      max_z = std::max(max_z, t.z[i]);
      if (std::isnan(t.ul_xsec_fb[i])) continue;
      best = std::min(best, t.ul_xsec_fb[i]);
      worst = std::max(worst, t.ul_xsec_fb[i]);
    }
    fmt::print("{:<6} {:>8} {:>9} {:>6.3f}-{:<6.3f} {:>9.2f} {:>14.4g} {:>14.4g}\n", kFinalStateNames[fs],
               r.events[fs], r.windows[fs].size(), r.windows[fs].front().centre, r.windows[fs].back().centre, max_z,
               best, worst);
    row += rows;
  }
  const std::size_t missing = t.size() - r.missing_limits[scan::kLimitOk];
  fmt::print("{} rows ({} lifetimes {:g}-{:g} cm), {} without a limit", t.size(), r.ctau_cm.size(),
             r.ctau_cm.front(), r.ctau_cm.back(), missing);
  std::string why;
  for (int s = 1; s < 4; ++s)
    if (r.missing_limits[s] > 0) why += fmt::format("{}{}: {}", why.empty() ? "" : ", ", scan::kLimitStatusNames[s],
                                                    r.missing_limits[s]);
  if (!why.empty()) fmt::print(" ({})", why);
  fmt::print("\n");
  if (r.missing_limits[scan::kUncertaintyTooLarge] > 0 && cfg.scan.nuisance_prior == "gaussian")
    fmt::print("  rows with an efficiency uncertainty of 0.2 or more get limits with --nuisance-prior lognormal\n");

  const auto best = scan::largest_excess(t);
  if (best >= 0) {
    std::size_t same = 0;  // lifetimes sharing that window's Z (all of them when σ does not depend on cτ)
    for (std::size_t i = 0; i < t.size(); ++i)
      same += t.final_state[i] == t.final_state[best] && t.mass[i] == t.mass[best] && t.z[i] == t.z[best];
    fmt::print("largest local excess: {} at m = {:.4f} GeV (window {:.4f}-{:.4f}), cτ = {:g} cm{}: Z = {:.2f} "
               "(p0 = {:.3g}, n_obs = {}, n_sb = {}, f = {:.4g})\n",
               kFinalStateNames[t.final_state[best]], t.mass[best], t.window_lo[best], t.window_hi[best],
               t.ctau_cm[best], same > 1 ? fmt::format(" (the same at {} lifetimes)", same) : "", t.z[best],
               t.p0[best], t.n_obs[best], t.n_sb[best], t.f[best]);
  }
}

int run_scan_command(const ScanOptions& opt) {
  const auto start = Clock::now();
  config::Config cfg = opt.config.empty() ? config::Config{} : config::load(opt.config);
  if (opt.credibility != 0) {
    if (!(opt.credibility > 0 && opt.credibility < 1))
      throw_input_error("--cl: {} is not a credibility level in (0, 1)", opt.credibility);
    cfg.scan.credibility = opt.credibility;
  }
  if (!opt.nuisance_prior.empty()) cfg.scan.nuisance_prior = opt.nuisance_prior;
  if (!opt.signal_prior.empty()) cfg.scan.signal_prior = opt.signal_prior;

  io::EventFileWriter writer(opt.output);  // an unwritable destination is said before the work
  const scan::SelectedData data = scan::read_selected_data(opt.data, opt.sample);
  const signal_model::SignalModel model = signal_model::read_signal_model(opt.model);
  const std::string data_sha = io::sha256_file(opt.data);
  const std::string model_sha = io::sha256_file(opt.model);
  std::string why;
  auto backend = make_backend(opt.compute, cfg, &why);
  const double load_seconds = seconds_since(start);

  const scan::ScanResult result = scan::run_scan(*backend, cfg, data, model, opt.model);
  for (int fs = 0; fs < physics::kFinalStates; ++fs)
    if (!result.windows[fs].empty() && data.masses[fs].empty())
      fmt::print(stderr, "note: {} has no selected {} candidates: every {} window has n_obs = n_sb = 0\n", opt.data,
                 kFinalStateNames[fs], kFinalStateNames[fs]);

  const auto write_start = Clock::now();
  const auto best = scan::largest_excess(result.rows);
  io::Attributes root = {{"creator", std::string("darkscan scan (ANALYSIS.md sections 4 and 5)")},
                         {"darkscan_version", std::string(version())},
                         {"darkscan_commit", std::string(commit())},
                         {"data", opt.data},
                         {"data_sample", opt.sample},
                         {"data_sha256", data_sha},
                         {"model", opt.model},
                         {"model_sha256", model_sha},
                         {"backend", backend->description()},
                         {"luminosity_fb", cfg.collider.luminosity_fb},
                         {"luminosity_rel_unc", cfg.collider.luminosity_rel_unc},
                         {"credibility", cfg.scan.credibility},
                         {"nuisance_prior", cfg.scan.nuisance_prior},
                         {"signal_prior", cfg.scan.signal_prior},
                         {"config", cfg.text}};
  if (best >= 0) {
    root.emplace_back("largest_z", result.rows.z[best]);
    root.emplace_back("largest_z_final_state", std::string(kFinalStateNames[result.rows.final_state[best]]));
    root.emplace_back("largest_z_mass_gev", result.rows.mass[best]);
    root.emplace_back("largest_z_ctau_cm", result.rows.ctau_cm[best]);
  }
  writer.set_root_attributes(root);
  scan::write_scan(writer, result);
  writer.commit();
  const double write_seconds = seconds_since(write_start);

  fmt::print(stderr, "{}\n", why);
  print_summary(result, cfg);
  fmt::print("time: load {:.3f} s, count {:.3f} s, statistics {:.3f} s ({} experiments, {} distinct), write {:.3f} s; "
             "total {:.2f} s on {} -> {}\n",
             load_seconds, result.count_seconds, result.statistics_seconds, result.rows.size(),
             result.experiments_computed, write_seconds, seconds_since(start), backend->description(), opt.output);
  return kExitOk;
}

}  // namespace

void add_scan_command(CLI::App& app, Action& action) {
  auto opt = std::make_shared<ScanOptions>();
  CLI::App* cmd = app.add_subcommand(
      "scan", "Window scan: counts, sidebands, p0, Z and upper limits for every final state, lifetime and mass");
  cmd->add_option("--config", opt->config, "Scan config ([scan], [signal_model] lifetimes, [collider], [selection])");
  cmd->add_option("--data", opt->data, "darkscan select output holding /selected/<sample>")->required();
  cmd->add_option("--model", opt->model, "darkscan efficiency output (the signal model)")->required();
  cmd->add_option("--output", opt->output, "HDF5 file to write (atomically): /scan and /scan_combined")->required();
  cmd->add_option("--sample", opt->sample, "Selected sample to scan")->capture_default_str();
  cmd->add_option("--cl", opt->credibility, "Credibility level of the limits (default: scan.credibility)");
  cmd->add_option("--nuisance-prior", opt->nuisance_prior, "gaussian | lognormal (default: scan.nuisance_prior)")
      ->check(CLI::IsMember({"gaussian", "lognormal"}));
  cmd->add_option("--prior", opt->signal_prior, "Signal prior: uniform | jeffreys (default: scan.signal_prior)")
      ->check(CLI::IsMember({"uniform", "jeffreys"}));
  add_backend_flags(cmd, opt->compute);
  cmd->callback([opt, &action] { action = [opt] { return run_scan_command(*opt); }; });
}

}  // namespace darkscan::cli
