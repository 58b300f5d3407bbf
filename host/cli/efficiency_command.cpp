// darkscan efficiency: the signal model stage (signal_model/efficiency.hpp) over the
// signal samples of an event file, a line per signal point printed, the model written.
#include <fmt/format.h>

#include <chrono>
#include <optional>

#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "errors.hpp"
#include "io/provenance.hpp"
#include "io/shard_file.hpp"
#include "mpi/distributed_shards.hpp"
#include "mpi/ranked_stages.hpp"
#include "signal_model/efficiency.hpp"
#include "signal_model/efficiency_shard_file.hpp"
#include "signal_model/signal_model_file.hpp"

namespace darkscan::cli {

namespace {

struct EfficiencyOptions {
  std::string config;
  std::string input;
  std::string output;
  std::string shard;         // "K/N"
  bool shard_given = false;  // false: every signal point
  BackendFlags compute;
};

void print_points(const signal_model::SignalModel& model) {
  fmt::print("{:<24} {:>8} {:>10} {:>12} {:>12} {:>10}\n", "signal point", "samples", "sigma/MeV", "max eff",
             "at ctau/cm", "trusted");
  for (const auto& p : model.points) {
    const auto& cells = p.map.cells[p.final_state];
    std::size_t best = 0, trusted = 0;
    for (std::size_t j = 0; j < cells.size(); ++j) {
      if (cells[j].efficiency > cells[best].efficiency) best = j;
      trusted += p.trusted[j];
    }
    fmt::print("{:<24} {:>8} {:>10.3f} {:>12.4g} {:>12.4g} {:>6}/{}\n", p.name, p.samples.size(), 1e3 * p.sigma,
               cells[best].efficiency, model.ctau_cm[best], trusted, cells.size());
  }
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// `world`: the job's ranks when mpirun started darkscan as more than one
// (docs/cluster.md#mpi): each builds the model of its shard of the signal points, rank 0
// merges them and writes the output.
int run_efficiency(EfficiencyOptions opt, const mpi::World* world) {
  config::Config cfg = load_config_or_defaults(opt.config);
  if (world && opt.shard_given)
    throw_input_error("--shard: not under mpirun ({} ranks): the ranks split the signal points among themselves",
                      world->size());
  const Shard shard = world ? mpi::rank_shard(*world) : opt.shard_given ? parse_shard(opt.shard, "--shard") : Shard{};
  if (world) share_node(*world, cfg, opt.compute);
  const io::EventFile file(opt.input.empty() ? config::events_file(cfg, "efficiency", "--input") : opt.input);
  std::string why;
  auto backend = make_backend(opt.compute, cfg, &why);
  // An unwritable destination is said before the work; under MPI only rank 0 writes it.
  std::optional<io::EventFileWriter> writer;
  if (!world || world->rank() == 0) writer.emplace(opt.output);
  const io::Provenance provenance{"darkscan efficiency (docs/physics/signal-model.md)", {{"input", file.path()}},
                                  backend->description(), cfg.text};
  const io::Attributes root = signal_model::signal_model_root_attributes(provenance, cfg.collider.luminosity_rel_unc);
  const bool split = opt.shard_given || world;
  // What every shard of this model shares (docs/cluster.md): the root attributes name the
  // input and the config; the input's SHA-256 is the fingerprint's alone.
  const std::string fingerprint =
      split ? signal_model::efficiency_fingerprint(root, backend->name(), file.path()) : std::string();
  if (world) mpi::check_same_run(*world, fingerprint, "efficiency");

  const auto start = std::chrono::steady_clock::now();
  const auto model = signal_model::efficiency(*backend, file, cfg, shard);
  const double seconds = seconds_since(start);
  if (!split) {
    signal_model::write_signal_model(*writer, model, root);
    writer->commit();
    fmt::print(stderr, "{}\n", why);  // after the work, so that bad input stays one line
    print_points(model);
    std::size_t unconverged = 0;
    for (const auto& r : model.samples) unconverged += !r.fit.converged;
    fmt::print("{} signal points, {} lifetimes, {} resolution fits ({} not converged) in {:.2f} s -> {}\n",
               model.points.size(), model.ctau_cm.size(), model.samples.size(), unconverged, seconds, opt.output);
    return kExitOk;
  }
  const io::ShardStamp stamp{"efficiency", shard, fingerprint, backend->description()};
  if (!world) {  // a shard file even of 1/1, as --shard asks
    signal_model::write_efficiency_part(*writer, model, root, stamp);
    writer->commit();
    fmt::print(stderr, "{}\n", why);
    print_points(model);
    const auto range = shard_range(shard, model.all_points);
    fmt::print("shard {}: signal points [{}, {}) of {}, {} resolution fits in {:.2f} s on {} -> {} (darkscan merge "
               "joins the shards)\n",
               shard_name(shard), range.begin, range.end, model.all_points, model.samples.size(), seconds,
               backend->description(), opt.output);
    return kExitOk;
  }
  // Each rank's shard as `--shard` writes it, sent to rank 0, merged as `darkscan merge` does.
  mpi::PartsSent sent;
  const auto merged = mpi::efficiency_on_rank0(*world, model, root, stamp, writer ? &*writer : nullptr,
                                               backend->description(), &sent);
  if (world->rank() != 0) return kExitOk;
  writer->commit();
  fmt::print(stderr, "{} (rank 0; every rank its own)\n", why);
  fmt::print("{} signal points, {} lifetimes on {} ranks (rank 0's {} resolution fits in {:.2f} s); parts sent to "
             "rank 0: {} bytes, at most {} from one rank -> {}\n",
             merged->points.size(), merged->lifetimes, world->size(), model.samples.size(), seconds,
             sent.total_bytes, sent.largest_bytes, opt.output);
  return kExitOk;
}

}  // namespace

void add_efficiency_command(CLI::App& app, Action& action) {
  auto opt = std::make_shared<EfficiencyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "efficiency", "Signal model: efficiency maps over ctau by lifetime reweighting, and the mass resolution");
  cmd->add_option("--config", opt->config, "Scan config ([signal_model], [selection], [collider], [input])");
  cmd->add_option("--input", opt->input, "Event file with signal samples; default: the config's [input] events");
  cmd->add_option("--output", opt->output, "HDF5 file to write (atomically): /points, /efficiency, /resolution, /maps")
      ->required();
  cmd->add_option("--shard", opt->shard,
                  "Compute only shard K of N (K/N, 1 <= K <= N) of the signal points and write a partial result for "
                  "darkscan merge (docs/cluster.md)");
  add_backend_flags(cmd, opt->compute);
  cmd->callback([opt, cmd, &action] {
    opt->shard_given = cmd->count("--shard") > 0;
    action = [opt] {
      return run_on_this_process([opt](const mpi::World* world) { return run_efficiency(*opt, world); });
    };
  });
}

}  // namespace darkscan::cli
