// darkscan lee: the look-elsewhere stage (lee/look_elsewhere.hpp) on a scan's data,
// model and rows, its tables added to the scan's file (lee/lee_file.hpp), the global
// significance, coverage and expected limits printed. Toys are checkpointed beside the
// output: the same command resumes an interrupted run.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <new>
#include <optional>

#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "cli/lee_summary.hpp"
#include "errors.hpp"
#include "io/file_checksum.hpp"
#include "lee/lee_file.hpp"
#include "lee/lee_shard_file.hpp"
#include "lee/look_elsewhere.hpp"
#include "mpi/distributed_lee.hpp"
#include "mpi/mpi_world.hpp"
#include "selection/select_file.hpp"
#include "signal_model/signal_model_file.hpp"
#include "work_split.hpp"

namespace darkscan::cli {

namespace {


struct LeeOptions {
  std::string config;
  std::string data;
  std::string model;
  std::string scan;
  std::string output;  // default: the scan file, extended
  lee::LeeRequest request;
  std::int64_t seed = -1;  // -1: run.seed
  std::string shard;       // "K/N"
  bool shard_given = false;  // false: the whole run
  BackendFlags compute;
};

// `world`: the job's ranks when mpirun started darkscan as more than one
// (docs/cluster.md#mpi): each computes its shard, rank 0 writes the output.
int run_lee_command(LeeOptions opt, const mpi::World* world) {
  const auto start = std::chrono::steady_clock::now();
  const config::Config cfg = load_config_or_defaults(opt.config);
  if (opt.request.settings.toys == 0) throw_input_error("--toys: must be positive");
  if (!(opt.request.settings.upcrossing_level > 0))
    throw_input_error("--gv-level: {} must be positive (a level in q = Z^2)", opt.request.settings.upcrossing_level);
  if (world && opt.shard_given)
    throw_input_error("--shard: not under mpirun ({} ranks): the ranks split the run among themselves",
                      world->size());
  const bool sharded = opt.shard_given;
  if (sharded) opt.request.shard = parse_shard(opt.shard, "--shard");
  // A shard's default output sits beside the scan (docs/cluster.md); the whole run's
  // extends the scan file.
  const std::string output =
      !opt.output.empty() ? opt.output
      : sharded ? (std::filesystem::path(opt.scan).parent_path() /
                   fmt::format("{}.lee-shard-{}-of-{}.h5", std::filesystem::path(opt.scan).stem().string(),
                               opt.request.shard.index, opt.request.shard.count))
                      .string()
                : opt.scan;
  std::error_code same_ec;
  if (sharded && std::filesystem::equivalent(output, opt.scan, same_ec))
    throw_input_error("--output: {} is the --scan file, which every shard reads: a shard writes a file of its own",
                      output);
  const auto data = selection::read_selected_data(opt.data);
  const auto model = signal_model::read_signal_model(opt.model);
  const scan::ScanSettings scan_settings = scan::read_scan_settings(opt.scan);
  if (scan_settings.data_sha256 != io::sha256_file(opt.data))
    throw_input_error("{}: was made from other data than --data (SHA-256 differs)", opt.scan);
  if (scan_settings.model_sha256 != io::sha256_file(opt.model))
    throw_input_error("{}: was made with another model than --model (SHA-256 differs)", opt.scan);
  const scan::ScanTable rows = scan::read_scan_rows(opt.scan);
  // An unwritable destination is said before the toys; under MPI only rank 0 writes.
  std::optional<io::EventFileWriter> written;
  if (!world || world->rank() == 0) written.emplace(output, opt.scan);

  opt.request.settings.seed = opt.seed >= 0 ? static_cast<std::uint64_t>(opt.seed) : cfg.run.seed;
  opt.request.checkpoint = output + ".toys.partial";
  if (world) {
    share_node(*world, cfg, opt.compute);
    opt.request.checkpoint = mpi::rank_checkpoint(output, *world);
    opt.request.scan_sha256 = io::sha256_file(opt.scan);
  }
  std::string why;
  auto backend = make_backend(opt.compute, cfg, &why);
  if (world) {
    const auto ranked =
        mpi::look_elsewhere_on_ranks(*world, *backend, cfg, data, model, opt.model, rows, scan_settings, opt.request);
    if (written) {
      const lee::LeeResult& r = *ranked.result;
      lee::write_lee(*written, r, backend->description());
      written->commit();
    }
    // The output is complete: every rank's checkpoint may go (a rank ended before this
    // leaves its own, and the same command resumes from it).
    world->barrier();
    std::error_code ec;
    std::filesystem::remove(opt.request.checkpoint, ec);
    if (!written) return kExitOk;
    const lee::LeeResult& r = *ranked.result;
    fmt::print(stderr, "{} (rank 0; every rank its own)\n", why);
    print_lee_summary(r, rows);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::uint64_t ran = r.settings.toys - ranked.resumed;
    if (ranked.resumed > 0) fmt::print("{} toys resumed from the ranks' checkpoints\n", ranked.resumed);
    fmt::print("{} toys on {} ranks ({:.2f} s of toys, the ranks' summed); parts sent to rank 0: {} bytes, at "
               "most {} from one rank; total {:.2f} s -> {}\n",
               ran, world->size(), r.toy_seconds, ranked.sent_bytes, ranked.largest_part_bytes, seconds, output);
    return kExitOk;
  }
  io::EventFileWriter& writer = *written;
  if (sharded) {
    opt.request.scan_sha256 = io::sha256_file(opt.scan);
    const auto part = lee::look_elsewhere_part(*backend, cfg, data, model, opt.model, rows, scan_settings, opt.request);
    lee::write_lee_part(writer, part, backend->description(), cfg.text);
    writer.commit();
    std::error_code ec;
    std::filesystem::remove(opt.request.checkpoint, ec);
    fmt::print(stderr, "{}\n", why);
    const std::uint64_t ran = part.toy_range.size() - part.resumed;
    fmt::print("shard {}: toys [{}, {}) of {}, coverage toys [{}, {}) of {} a point, expected limits of rows [{}, {}) "
               "of {}\n",
               shard_name(part.shard), part.toy_range.begin, part.toy_range.end, part.settings.toys,
               part.coverage_range.begin, part.coverage_range.end, part.coverage_toys, part.row_range.begin,
               part.row_range.end, part.rows);
    fmt::print("{} toys in {:.2f} s on {}; total {:.2f} s -> {} (darkscan merge joins the shards)\n", ran,
               part.toy_seconds, backend->description(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), output);
    return kExitOk;
  }
  const auto r = lee::look_elsewhere(*backend, cfg, data, model, opt.model, rows, scan_settings, opt.request);
  lee::write_lee(writer, r, backend->description());
  writer.commit();
  std::error_code ec;
  std::filesystem::remove(opt.request.checkpoint, ec);

  fmt::print(stderr, "{}\n", why);
  print_lee_summary(r, rows);
  const std::uint64_t ran = r.settings.toys - r.resumed;
  fmt::print("{} toys in {:.2f} s ({:.3g} toys/s) on {}; total {:.2f} s -> {}\n", ran, r.toy_seconds,
             static_cast<double>(ran) / r.toy_seconds, backend->description(),
             std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), output);
  return kExitOk;
}

}  // namespace

void add_lee_command(CLI::App& app, Action& action) {
  auto opt = std::make_shared<LeeOptions>();
  auto& s = opt->request.settings;
  s.toys = 10000;
  CLI::App* cmd = app.add_subcommand(
      "lee", "Look-elsewhere effect: global significance from background-only toys of the whole scan");
  cmd->add_option("--config", opt->config, "Scan config (the one the scan ran with)");
  cmd->add_option("--data", opt->data, "darkscan select output holding /selected/data")->required();
  cmd->add_option("--model", opt->model, "darkscan efficiency output (the signal model)")->required();
  cmd->add_option("--scan", opt->scan, "darkscan scan output of these data and model")->required();
  cmd->add_option("--output", opt->output, "File to write (default: the --scan file, extended with /lee)");
  cmd->add_option("--toys", s.toys, "Background-only toys")->capture_default_str();
  cmd->add_option("--seed", opt->seed, "Seed of the toys (default: the config's run.seed)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--batch", s.batch, "Toys per backend call and per checkpoint")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--gv-level", s.upcrossing_level, "Gross–Vitells reference level c0 in q = Z^2")
      ->capture_default_str();
  cmd->add_option("--coverage-toys", opt->request.coverage_toys, "Signal-plus-background toys per coverage point")
      ->capture_default_str();
  cmd->add_option("--shard", opt->shard,
                  "Run only shard K of N (K/N, 1 <= K <= N) of the toys, coverage toys and expected limits, and write "
                  "a partial result for darkscan merge (default output: <scan>.lee-shard-K-of-N.h5)");
  add_backend_flags(cmd, opt->compute);
  cmd->callback([opt, cmd, &action] {
    opt->shard_given = cmd->count("--shard") > 0;
    action = [opt] { return run_on_this_process([opt](const mpi::World* world) { return run_lee_command(*opt, world); }); };
  });
}

}  // namespace darkscan::cli
