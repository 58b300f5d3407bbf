// darkscan merge: the shards of a job array (`darkscan lee --shard K/N`) combined into
// the file one process writes (docs/commands/merge.md, docs/cluster.md). Every shard is
// read and checked before the output is opened: a refusal writes nothing.
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/lee_summary.hpp"
#include "errors.hpp"
#include "io/event_writer.hpp"
#include "lee/lee_file.hpp"
#include "lee/lee_shard_file.hpp"
#include "scan/scan_file.hpp"

namespace darkscan::cli {

namespace {

struct MergeOptions {
  std::string output;
  std::vector<std::string> shards;
};

int run_merge_command(const MergeOptions& opt) {
  // What the shards are of: the first file says (a later stage's shards, e.g. scan's,
  // would be told apart here by their group).
  if (!lee::is_lee_shard(opt.shards.front()))
    throw_input_error("{}: not a shard of darkscan lee (no /{}; darkscan lee --shard K/N writes one)",
                      opt.shards.front(), lee::kShardGroup);
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

}  // namespace

void add_merge_command(CLI::App& app, Action& action) {
  auto opt = std::make_shared<MergeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "merge", "Combine the shards of darkscan lee --shard K/N into the file one unsharded run writes");
  cmd->add_option("--output", opt->output, "File to write (the results of the whole run)")->required();
  cmd->add_option("shards", opt->shards, "The shard files, one per K = 1..N, in any order")->required();
  cmd->callback([opt, &action] { action = [opt] { return run_merge_command(*opt); }; });
}

}  // namespace darkscan::cli
