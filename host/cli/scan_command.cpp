// darkscan scan: the window scan stage (scan/scan.hpp) over selected data with a signal
// model, a summary per final state printed, the rows written (scan/scan_file.hpp).
#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "errors.hpp"
#include "io/file_checksum.hpp"
#include "io/provenance.hpp"
#include "scan/scan.hpp"
#include "scan/scan_file.hpp"
#include "selection/select_file.hpp"
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

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

void print_final_states(const scan::ScanResult& r) {
  const auto& t = r.rows;
  fmt::print("{:<6} {:>8} {:>9} {:>13} {:>9} {:>14} {:>14}\n", "final", "events", "windows", "mass range/GeV",
             "max Z", "best UL/fb", "worst UL/fb");
  std::size_t row = 0;
  for (int fs = 0; fs < physics::kFinalStates; ++fs) {
    if (r.windows[fs].empty()) continue;
    const std::size_t rows = r.windows[fs].size() * r.ctau_cm.size();
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
}

void print_summary(const scan::ScanResult& r, const config::Config& cfg) {
  print_final_states(r);
  const auto& t = r.rows;
  fmt::print("{} rows ({} lifetimes {:g}-{:g} cm), {} without a limit", t.size(), r.ctau_cm.size(), r.ctau_cm.front(),
             r.ctau_cm.back(), t.size() - r.missing_limits[scan::kLimitOk]);
  std::string why;
  for (int s = 1; s < 4; ++s)
    if (r.missing_limits[s] > 0)
      why += fmt::format("{}{}: {}", why.empty() ? "" : ", ", scan::kLimitStatusNames[s], r.missing_limits[s]);
  fmt::print("{}\n", why.empty() ? "" : fmt::format(" ({})", why));
  if (r.missing_limits[scan::kUncertaintyTooLarge] > 0 && cfg.scan.nuisance_prior == "gaussian")
    fmt::print("  rows with an efficiency uncertainty of 0.2 or more get limits with --nuisance-prior lognormal\n");
  const auto best = scan::largest_excess(t);
  if (best < 0) return;
  std::size_t same = 0;  // lifetimes sharing that window's Z (all of them when σ does not depend on cτ)
  for (std::size_t i = 0; i < t.size(); ++i)
    same += t.final_state[i] == t.final_state[best] && t.mass[i] == t.mass[best] && t.z[i] == t.z[best];
  fmt::print("largest local excess: {} at m = {:.4f} GeV (window {:.4f}-{:.4f}), cτ = {:g} cm{}: Z = {:.2f} "
             "(p0 = {:.3g}, n_obs = {}, n_sb = {}, f = {:.4g})\n",
             kFinalStateNames[t.final_state[best]], t.mass[best], t.window_lo[best], t.window_hi[best], t.ctau_cm[best],
             same > 1 ? fmt::format(" (the same at {} lifetimes)", same) : "", t.z[best], t.p0[best], t.n_obs[best],
             t.n_sb[best], t.f[best]);
}

int run_scan_command(const ScanOptions& opt) {
  const auto start = Clock::now();
  config::Config cfg = load_config_or_defaults(opt.config);
  if (opt.credibility != 0) {
    if (!(opt.credibility > 0 && opt.credibility < 1))
      throw_input_error("--cl: {} is not a credibility level in (0, 1)", opt.credibility);
    cfg.scan.credibility = opt.credibility;
  }
  if (!opt.nuisance_prior.empty()) cfg.scan.nuisance_prior = opt.nuisance_prior;
  if (!opt.signal_prior.empty()) cfg.scan.signal_prior = opt.signal_prior;
  io::EventFileWriter writer(opt.output);  // an unwritable destination is said before the work
  const auto data = selection::read_selected_data(opt.data, opt.sample);
  const auto model = signal_model::read_signal_model(opt.model);
  io::Provenance provenance{"darkscan scan (docs/physics/window-scan.md and docs/physics/statistics.md)", {}, "", cfg.text};
  io::add_input(provenance, "data", opt.data);
  provenance.inputs.emplace_back("data_sample", opt.sample);
  provenance.inputs.emplace_back("data_sha256", io::sha256_file(opt.data));
  io::add_input(provenance, "model", opt.model, true);
  std::string why;
  auto backend = make_backend(opt.compute, cfg, &why);
  provenance.backend = backend->description();
  const double load_seconds = seconds_since(start);

  const scan::ScanResult result = scan::run_scan(*backend, cfg, data, model, opt.model);
  for (const auto& note : result.notes) fmt::print(stderr, "note: {}\n", note);
  const auto write_start = Clock::now();
  scan::write_scan(writer, result, cfg, provenance);
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
