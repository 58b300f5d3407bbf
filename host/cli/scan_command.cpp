// darkscan scan: the window scan stage (scan/scan.hpp) over selected data with a signal
// model, a summary per final state printed, the rows written (scan/scan_file.hpp).
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <optional>

#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "errors.hpp"
#include "io/file_checksum.hpp"
#include "io/provenance.hpp"
#include "io/shard_file.hpp"
#include "mpi/distributed_shards.hpp"
#include "mpi/ranked_stages.hpp"
#include "scan/scan.hpp"
#include "scan/scan_file.hpp"
#include "scan/scan_shard_file.hpp"
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
  std::string shard;          // "K/N"
  bool shard_given = false;  // false: the whole scan
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

// `world`: the job's ranks when mpirun started darkscan as more than one
// (docs/cluster.md#mpi): each computes the statistics of its shard of the rows, rank 0
// merges them and writes the output.
int run_scan_command(ScanOptions opt, const mpi::World* world) {
  const auto start = Clock::now();
  config::Config cfg = load_config_or_defaults(opt.config);
  if (world && opt.shard_given)
    throw_input_error("--shard: not under mpirun ({} ranks): the ranks split the scan among themselves", world->size());
  const Shard shard = world ? mpi::rank_shard(*world) : opt.shard_given ? parse_shard(opt.shard, "--shard") : Shard{};
  if (world) share_node(*world, cfg, opt.compute);
  if (opt.credibility != 0) {
    if (!(opt.credibility > 0 && opt.credibility < 1))
      throw_input_error("--cl: {} is not a credibility level in (0, 1)", opt.credibility);
    cfg.scan.credibility = opt.credibility;
  }
  if (!opt.nuisance_prior.empty()) cfg.scan.nuisance_prior = opt.nuisance_prior;
  if (!opt.signal_prior.empty()) cfg.scan.signal_prior = opt.signal_prior;
  // An unwritable destination is said before the work; under MPI only rank 0 writes it.
  std::optional<io::EventFileWriter> written;
  if (!world || world->rank() == 0) written.emplace(opt.output);
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

  const io::Attributes root = scan::scan_root_attributes(cfg, provenance);
  // What every shard of this scan shares (docs/cluster.md): the root attributes name the
  // inputs with their checksums, the statistics settings and the config.
  const std::string fingerprint = io::run_fingerprint("scan", root, backend->name());
  if (world) mpi::check_same_run(*world, fingerprint, "scan");

  scan::ScanResult result = scan::run_scan(*backend, cfg, data, model, opt.model, shard);
  if (!world || world->rank() == 0)
    for (const auto& note : result.notes) fmt::print(stderr, "note: {}\n", note);
  const auto write_start = Clock::now();
  if (opt.shard_given || world) {  // a shard file even of 1/1, as --shard asks
    const std::uint64_t rows = mpi::scan_items(result);
    const io::ShardStamp stamp{"scan", shard, fingerprint, backend->description()};
    if (!world) {
      scan::write_scan_part(*written, result, root, stamp, rows);
      written->commit();
      fmt::print(stderr, "{}\n", why);
      const auto range = shard_range(shard, rows);
      fmt::print("shard {}: rows [{}, {}) of {}, statistics {:.3f} s ({} experiments, {} distinct) on {}; total "
                 "{:.2f} s -> {} (darkscan merge joins the shards)\n",
                 shard_name(shard), range.begin, range.end, rows, result.statistics_seconds, result.rows.size(),
                 result.experiments_computed, backend->description(), seconds_since(start), opt.output);
      return kExitOk;
    }
    // Each rank's shard as `--shard` writes it, sent to rank 0, merged as `darkscan merge` does.
    mpi::PartsSent sent;
    auto whole = mpi::scan_on_rank0(*world, result, root, stamp, written ? &*written : nullptr,
                                    backend->description(), &sent);
    if (world->rank() != 0) return kExitOk;
    written->commit();
    const double statistics_seconds = result.statistics_seconds;
    result = std::move(*whole);
    fmt::print(stderr, "{} (rank 0; every rank its own)\n", why);
    print_summary(result, cfg);
    fmt::print("{} rows on {} ranks (rank 0's statistics {:.3f} s); parts sent to rank 0: {} bytes, at most {} from "
               "one rank; total {:.2f} s -> {}\n",
               result.rows.size(), world->size(), statistics_seconds, sent.total_bytes, sent.largest_bytes,
               seconds_since(start), opt.output);
    return kExitOk;
  }
  scan::write_scan(*written, result, root);
  written->commit();
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
  cmd->add_option("--shard", opt->shard,
                  "Compute only shard K of N (K/N, 1 <= K <= N) of the rows' statistics and write a partial result "
                  "for darkscan merge (docs/cluster.md)");
  add_backend_flags(cmd, opt->compute);
  cmd->callback([opt, cmd, &action] {
    opt->shard_given = cmd->count("--shard") > 0;
    action = [opt] {
      return run_on_this_process([opt](const mpi::World* world) { return run_scan_command(*opt, world); });
    };
  });
}

}  // namespace darkscan::cli
