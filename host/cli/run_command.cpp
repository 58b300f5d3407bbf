// darkscan run: the main job (pipeline/main_job.hpp) on a config, its summary printed.
#include <fmt/format.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "pipeline/main_job.hpp"

#ifndef DARKSCAN_PLOT_PYTHON
#define DARKSCAN_PLOT_PYTHON ""
#endif

namespace darkscan::cli {

namespace {

// The Pythons that may draw the plots (docs/commands/run.md#notes): $DARKSCAN_PYTHON alone
// when it is set; else the one configured at build time (DARKSCAN_PLOT_PYTHON, by default
// the .venv of the source tree that scripts/setup.sh makes), then python3 on the PATH.
std::vector<std::string> plot_pythons() {
  if (const char* env = std::getenv("DARKSCAN_PYTHON"); env && *env) return {env};
  std::vector<std::string> pythons;
  if (*DARKSCAN_PLOT_PYTHON) pythons.emplace_back(DARKSCAN_PLOT_PYTHON);
  pythons.emplace_back("python3");
  return pythons;
}

// `world`: the job's ranks when mpirun started darkscan as more than one
// (docs/cluster.md#mpi); rank 0 alone speaks.
int run_run_command(pipeline::MainJobOptions opt, const mpi::World* world) {
  opt.plot_pythons = plot_pythons();
  if (world) {
    share_node(*world, config::load(opt.config), opt.compute);
    opt.world = world;
  }
  const auto result = pipeline::run_main_job(opt);
  if (world && world->rank() != 0) return kExitOk;
  fmt::print("darkscan run: {} -> {}\n", opt.config, result.dir.string());
  for (const auto& line : result.results) fmt::print("  {}\n", line);
  fmt::print("  {}\n", pipeline::stages_summary(result.times));
  if (!result.report.empty()) fmt::print("  report: {}\n", result.report);
  return kExitOk;
}

}  // namespace

void add_run_command(CLI::App& app, Action& action) {
  auto opt = std::make_shared<pipeline::MainJobOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run", "The main job: generate (if asked), select, efficiency, scan, lee, interpret, plots and report; "
             "unchanged stages are skipped");
  cmd->add_option("--config", opt->config, "Scan config")->required();
  cmd->add_option("--output-dir", opt->output_dir,
                  "Output folder, for every file the run writes (default: the config's run.output_dir)");
  cmd->add_option("--toys", opt->toys, "Look-elsewhere toys (default: the config's run.toys)");
  cmd->add_flag("--force", opt->force, "Run every stage, even those up to date");
  add_backend_flags(cmd, opt->compute);
  cmd->callback([opt, &action] {
    action = [opt] {
      return run_on_this_process([opt](const mpi::World* world) { return run_run_command(*opt, world); });
    };
  });
}

}  // namespace darkscan::cli
