// darkscan interpret: the interpretation stage (interpret/interpretation.hpp) on a
// scan's results, the sinθ exclusion and y limit of each model point printed, the
// tables written (interpret/interpret_file.hpp).
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "errors.hpp"
#include "interpret/interpret_shard_file.hpp"
#include "interpret/interpretation.hpp"
#include "io/file_checksum.hpp"
#include "io/shard_file.hpp"
#include "mpi/distributed_shards.hpp"
#include "mpi/ranked_stages.hpp"
#include "signal_model/signal_model_file.hpp"

namespace darkscan::cli {

namespace {

struct InterpretOptions {
  std::string config;
  std::string scan;
  std::string model;
  std::string output;
  interpret::InterpretRequest request;
  std::string shard;         // "K/N"
  bool shard_given = false;  // false: the whole interpretation
  BackendFlags compute;
};

void print_point(const std::string& name, const std::vector<interpret::SinThetaMass>& masses) {
  std::size_t excluded_masses = 0;
  double smallest = HUGE_VAL, at = 0;
  for (const auto& s : masses) {
    excluded_masses += !s.intervals.empty();
    for (const auto& iv : s.intervals)
      if (iv.lo < smallest) {
        smallest = iv.lo;
        at = s.mass;
      }
  }
  if (excluded_masses > 0)
    fmt::print("{}sin theta: excluded at {} of {} masses; smallest excluded sin theta {:.3g} at m(h') = {:.4f} GeV\n",
               name, excluded_masses, masses.size(), smallest, at);
  else
    fmt::print("{}sin theta: nothing excluded at the {} masses (predicted sigma x B(chi2) below every limit)\n", name,
               masses.size());
}

void print_y_limit(const std::string& name, const interpret::Interpretation& r, std::size_t point) {
  std::size_t n = 0, excluded = 0;
  double smallest = HUGE_VAL, at = 0;
  for (const auto& m : r.y) {
    if (m.model_point != point) continue;
    ++n;
    excluded += !m.intervals.empty();
    if (m.smallest_excluded_y() < smallest) {  // NaN (nothing excluded) compares false
      smallest = m.smallest_excluded_y();
      at = m.m_chi1;
    }
  }
  const auto& y = r.y_settings;
  if (excluded > 0)
    fmt::print("{}y (m(h') = {} GeV, sin theta = {}): excluded at {} of {} m(chi1); smallest excluded y {:.3g} at "
               "m(chi1) = {} GeV\n",
               name, y.m_hp, y.sin_theta, excluded, n, smallest, at);
  else
    fmt::print("{}y (m(h') = {} GeV, sin theta = {}): nothing excluded at the {} m(chi1)\n", name, y.m_hp,
               y.sin_theta, n);
}

void print_summary(const interpret::Interpretation& r) {
  const auto& d = r.model;
  fmt::print("model point: m(chi1) = {} GeV, delta m = {} GeV, m(A') = {} GeV, alpha_D = {}, epsilon = {}; h' widths: {}\n",
             d.m_chi1, d.delta_m, d.m_ap, d.alpha_d, d.epsilon, r.widths_source);
  fmt::print("combined limits: {} (mass, ctau) points up to m(h') = {} GeV\n", r.combined.size(), r.widths_valid_up_to);
  auto name = [&](std::size_t k) {
    return r.points.size() > 1 ? fmt::format("{:<18} ", r.points[k].name) : std::string();
  };
  for (std::size_t k = 0; k < r.results.size(); ++k) print_point(name(k), r.results[k].sin_theta);
  if (!r.y_limit)
    fmt::print("y limit: not made (the signal model has no maps over ctau(chi2): [signal_model] "
               "ctau_chi2_points_per_decade > 0 and [generate] signal_m_chi1_gev make them)\n");
  for (std::size_t k = 0; r.y_limit && k < r.points.size(); ++k) print_y_limit(name(k), r, k);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// `world`: the job's ranks when mpirun started darkscan as more than one
// (docs/cluster.md#mpi): each interprets its shard of the grid masses and y-limit pairs,
// rank 0 merges them and writes the output.
int run_interpret(InterpretOptions opt, const mpi::World* world) {
  const auto start = std::chrono::steady_clock::now();
  config::Config cfg = load_config_or_defaults(opt.config);
  if (world && opt.shard_given)
    throw_input_error("--shard: not under mpirun ({} ranks): the ranks split the interpretation among themselves",
                      world->size());
  opt.request.shard =
      world ? mpi::rank_shard(*world) : opt.shard_given ? parse_shard(opt.shard, "--shard") : Shard{};
  if (world) share_node(*world, cfg, opt.compute);
  const scan::ScanSettings settings = scan::read_scan_settings(opt.scan);
  const scan::ScanTable rows = scan::read_scan_rows(opt.scan);
  const scan::CombinedTable combined = scan::read_scan_combined(opt.scan);
  std::optional<signal_model::SignalModel> model;
  if (!opt.model.empty()) {
    if (io::sha256_file(opt.model) != settings.model_sha256)
      throw_input_error("{}: was made with another model than --model (SHA-256 differs)", opt.scan);
    model = signal_model::read_signal_model(opt.model);
  }
  // An unwritable destination is said before the work; under MPI only rank 0 writes it.
  std::optional<io::EventFileWriter> writer;
  if (!world || world->rank() == 0) writer.emplace(opt.output);
  std::string why;
  auto backend = make_backend(opt.compute, cfg, &why);
  io::Provenance provenance{"darkscan interpret (docs/physics/interpretation.md)", {}, backend->description(), cfg.text};
  io::add_input(provenance, "scan", opt.scan, true);
  provenance.inputs.emplace_back("model", opt.model);
  const io::Attributes root = io::provenance_attributes(provenance);
  const bool split = opt.shard_given || world;
  const std::string fingerprint =
      split ? interpret::interpret_fingerprint(root, backend->name(), opt.request, opt.model) : std::string();
  if (world) mpi::check_same_run(*world, fingerprint, "interpret");

  const auto r = interpret::interpret(*backend, cfg, opt.config, rows, combined, settings, model ? &*model : nullptr,
                                      opt.request);
  if (!split) {
    interpret::write_interpretation(*writer, r, root);
    writer->commit();
    fmt::print(stderr, "{}\n", why);
    print_summary(r);
    fmt::print("time {:.2f} s on {} -> {}\n", seconds_since(start), backend->description(), opt.output);
    return kExitOk;
  }
  const io::ShardStamp stamp{"interpret", opt.request.shard, fingerprint, backend->description()};
  if (!world) {  // a shard file even of 1/1, as --shard asks
    interpret::write_interpret_part(*writer, r, root, stamp);
    writer->commit();
    fmt::print(stderr, "{}\n", why);
    const auto masses = r.work.masses(opt.request.shard), pairs = r.work.pairs(opt.request.shard);
    fmt::print("shard {}: grid masses [{}, {}) of {}, y-limit pairs [{}, {}) of {}, {} model point{} in {:.2f} s on "
               "{} -> {} (darkscan merge joins the shards)\n",
               shard_name(opt.request.shard), masses.begin, masses.end, r.work.grid_masses, pairs.begin, pairs.end,
               r.work.y_pairs, r.points.size(), r.points.size() == 1 ? "" : "s", seconds_since(start),
               backend->description(), opt.output);
    return kExitOk;
  }
  // Each rank's shard as `--shard` writes it, sent to rank 0, merged as `darkscan merge` does.
  mpi::PartsSent sent;
  const auto merged = mpi::interpret_on_rank0(*world, r, root, stamp, writer ? &*writer : nullptr,
                                              backend->description(), &sent);
  if (world->rank() != 0) return kExitOk;
  writer->commit();
  fmt::print(stderr, "{} (rank 0; every rank its own)\n", why);
  fmt::print("{} grid masses and {} y-limit pairs of {} model point{} on {} ranks in {:.2f} s; parts sent to rank "
             "0: {} bytes, at most {} from one rank -> {}\n",
             merged->work.grid_masses, merged->work.y_pairs, r.points.size(), r.points.size() == 1 ? "" : "s",
             world->size(), seconds_since(start), sent.total_bytes, sent.largest_bytes, opt.output);
  return kExitOk;
}

}  // namespace

void add_interpret_command(CLI::App& app, Action& action) {
  auto opt = std::make_shared<InterpretOptions>();
  auto& req = opt->request;
  CLI::App* cmd = app.add_subcommand(
      "interpret", "Model-dependent interpretation: combined limits on sigma_prod x B(chi2) and the sin theta exclusion");
  cmd->add_option("--config", opt->config, "Scan config ([model]: the dark-sector point; [collider])");
  cmd->add_option("--scan", opt->scan, "darkscan scan (or lee) output")->required();
  cmd->add_option("--model", opt->model, "darkscan efficiency output the scan used (checked against the scan); its "
                  "maps over ctau(chi2), when present, give the y limit and the benchmark points' efficiencies");
  cmd->add_option("--output", opt->output,
                  "HDF5 file to write (atomically): /model_points, /combined_limits, /sin_theta, /y_limit")
      ->required();
  cmd->add_flag("--benchmark-points", req.benchmark_points,
                "Also the paper's twelve benchmark model points (as interpret.benchmark_points = true)");
  cmd->add_option("--widths-table", req.widths_table,
                  "CSV or HDF5 table of h' widths at sin theta = 1 (m_hp_gev, gamma_ee_gev, gamma_mumu_gev, "
                  "gamma_pipi_gev, gamma_kk_gev[, gamma_total_gev]); default: built in");
  cmd->add_option("--xsec-table", req.xsec_table,
                  "CSV or HDF5 table of the model point's production: m_hp_gev, sigma_prod_fb[, b_chi2_to_chi1_ee]; "
                  "default: the formulas of docs/physics/dark-sector.md");
  cmd->add_option("--chi2-table", req.chi2_table,
                  "CSV or HDF5 table of the model point's chi2 for the y limit: m_chi1_gev, ctau_chi2_cm, "
                  "b_chi2_to_chi1_ee[, sigma_prod_fb at interpret.y_m_hp_gev], at its ratios and epsilon; default: "
                  "the formulas of docs/physics/dark-sector.md");
  cmd->add_option("--shard", opt->shard,
                  "Compute only shard K of N (K/N, 1 <= K <= N) of the grid masses and y-limit pairs and write a "
                  "partial result for darkscan merge (docs/cluster.md)");
  add_backend_flags(cmd, opt->compute);
  cmd->callback([opt, cmd, &action] {
    opt->shard_given = cmd->count("--shard") > 0;
    action = [opt] {
      return run_on_this_process([opt](const mpi::World* world) { return run_interpret(*opt, world); });
    };
  });
}

}  // namespace darkscan::cli
