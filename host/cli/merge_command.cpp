// darkscan merge: the shards of a job array (`darkscan lee|efficiency|scan|interpret --shard K/N`) combined into
// the file one process writes (docs/commands/merge.md, docs/cluster.md). Every shard is
// read and checked before the output is opened: a refusal writes nothing.
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/lee_summary.hpp"
#include "errors.hpp"
#include "interpret/interpret_shard_file.hpp"
#include "io/event_writer.hpp"
#include "lee/lee_file.hpp"
#include "lee/lee_shard_file.hpp"
#include "io/shard_file.hpp"
#include "scan/scan_file.hpp"
#include "scan/scan_shard_file.hpp"
#include "signal_model/efficiency_shard_file.hpp"

namespace darkscan::cli {

namespace {

struct MergeOptions {
  std::string output;
  std::vector<std::string> shards;
};

int merge_lee(const MergeOptions& opt) {
  std::string backend;
  const lee::LeeResult r = lee::merge_lee_shards(opt.shards, backend);
  // The first shard is a copy of the scan file, as the stage's output is: its /scan
  // tables and root attributes are the output's.
  io::EventFileWriter writer(opt.output, opt.shards.front());
  writer.remove_group(lee::kShardGroup);
  lee::write_lee(writer, r, backend);
  writer.commit();
  print_lee_summary(r, scan::read_scan_rows(opt.output));
  fmt::print("{} shards of {} toys (their toys took {:.2f} s in all) -> {}\n", opt.shards.size(), r.settings.toys,
             r.toy_seconds, opt.output);
  return kExitOk;
}

int merge_scan(const MergeOptions& opt) {
  io::Attributes root;
  const scan::ScanResult r = scan::merge_scan_shards(opt.shards, root);
  io::EventFileWriter writer(opt.output);
  scan::write_scan(writer, r, root);
  writer.commit();
  std::size_t without = r.rows.size() - r.missing_limits[scan::kLimitOk];
  fmt::print("{} shards of {} rows ({} without a limit), {} combined rows -> {}\n", opt.shards.size(), r.rows.size(),
             without, r.combined.size(), opt.output);
  return kExitOk;
}

int merge_efficiency(const MergeOptions& opt) {
  io::EventFileWriter writer(opt.output);
  const auto r = signal_model::merge_efficiency_shards(opt.shards, writer);
  writer.commit();
  fmt::print("{} shards of {} signal points, {} lifetimes -> {}\n", r.shards, r.points.size(), r.lifetimes,
             opt.output);
  return kExitOk;
}

int merge_interpret(const MergeOptions& opt) {
  io::EventFileWriter writer(opt.output);
  const auto r = interpret::merge_interpret_shards(opt.shards, writer);
  writer.commit();
  fmt::print("{} shards of {} grid masses and {} y-limit pairs: {} combined limits, {} y-limit rows -> {}\n", r.shards,
             r.work.grid_masses, r.work.y_pairs, r.combined_rows, r.y_rows, opt.output);
  return kExitOk;
}

int run_merge_command(const MergeOptions& opt) {
  // What the shards are of: the first file's group says (io/shard_file.hpp); a file of
  // another stage among the rest is refused by the stage's checks.
  const std::string stage = io::shard_stage(opt.shards.front());
  if (stage == "lee") return merge_lee(opt);
  if (stage == "scan") return merge_scan(opt);
  if (stage == "efficiency") return merge_efficiency(opt);
  if (stage == "interpret") return merge_interpret(opt);
  throw_input_error("{}: a shard of darkscan {}, which this darkscan does not merge", opt.shards.front(), stage);
}

}  // namespace

void add_merge_command(CLI::App& app, Action& action) {
  auto opt = std::make_shared<MergeOptions>();
  CLI::App* cmd = app.add_subcommand("merge",
                                     "Combine the shards of darkscan lee, efficiency, scan or interpret --shard K/N into "
                                     "the file one unsharded run writes");
  cmd->add_option("--output", opt->output, "File to write (the results of the whole run)")->required();
  cmd->add_option("shards", opt->shards, "The shard files, one per K = 1..N, in any order")->required();
  cmd->callback([opt, &action] { action = [opt] { return run_merge_command(*opt); }; });
}

}  // namespace darkscan::cli
