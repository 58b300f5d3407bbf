// darkscan run: the main job. Chains generate (when the config asks for the built-in
// toy sample), select, efficiency, scan, lee and interpret, then the plots and the report, each
// stage skipped when its inputs, command line and config are unchanged since it last
// completed (pipeline/stage.hpp), so that a second run takes seconds and an interrupted
// one resumes at the stage it was in. Ends with a summary of the results.
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "cli/backend_flags.hpp"
#include "cli/commands.hpp"
#include "config/config.hpp"
#include "errors.hpp"
#include "pipeline/run_summary.hpp"
#include "pipeline/stage.hpp"

#ifndef DARKSCAN_PLOT_SCRIPT
#define DARKSCAN_PLOT_SCRIPT ""
#endif

namespace darkscan::cli {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct RunOptions {
  std::string config;
  std::string output_dir;
  std::uint64_t toys = 0;  // 0: run.toys
  bool force = false;
  BackendFlags compute;
};

// The plotting script: $DARKSCAN_PLOT_SCRIPT, else the one of the source tree darkscan
// was built from.
std::string plot_script() {
  if (const char* env = std::getenv("DARKSCAN_PLOT_SCRIPT")) return env;
  return DARKSCAN_PLOT_SCRIPT;
}

int run_run_command(const RunOptions& opt) {
  const config::Config cfg = config::load(opt.config);
  const fs::path dir = opt.output_dir.empty() ? fs::path(cfg.run.output_dir) : fs::path(opt.output_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) throw_input_error("{}: cannot create the output folder ({})", dir.string(), ec.message());
  const std::string self = pipeline::self_executable();
  std::string events;
  if (!cfg.input.events.empty()) events = config::events_file(cfg, "run", "[input] events");
  else if (cfg.run.generate) events = (dir / "events.h5").string();
  else throw_input_error("{}: key 'input.events' is not set and run.generate is false: no events", opt.config);
  if (!cfg.run.generate && !fs::exists(events))
    throw_input_error("{}: no such event file (input.events; run.generate = true makes the toy sample)", events);
  const std::string selected = (dir / "selected.h5").string(), model = (dir / "signal_model.h5").string(),
                    scan = (dir / "scan.h5").string(), results = (dir / "results.h5").string(),
                    interpretation = (dir / "interpretation.h5").string(),
                    report = (dir / "report.md").string();
  std::vector<std::string> compute;  // --backend / --threads passed on; not part of the fingerprints
  if (!opt.compute.backend.empty()) compute.insert(compute.end(), {"--backend", opt.compute.backend});
  if (opt.compute.threads >= 0) compute.insert(compute.end(), {"--threads", std::to_string(opt.compute.threads)});
  const std::vector<std::string> volatile_args{"--backend", "--threads"};
  auto with_compute = [&](std::vector<std::string> argv) {
    argv.insert(argv.end(), compute.begin(), compute.end());
    return argv;
  };
  const std::uint64_t toys = opt.toys > 0 ? opt.toys : cfg.run.toys;

  std::vector<pipeline::Stage> stages;
  if (cfg.run.generate) {
    std::vector<std::string> argv{self, "generate", "--config", opt.config, "--output", events};
    if (opt.compute.threads >= 0) argv.insert(argv.end(), {"--threads", std::to_string(opt.compute.threads)});
    stages.push_back({"generate", argv, {}, events, volatile_args, {"run.seed", "model", "generate", "collider"}});
  }
  stages.push_back({"select",
                    with_compute({self, "select", "--config", opt.config, "--input", events, "--output", selected}),
                    {events}, selected, volatile_args, {"input.chunk_rows", "columns", "collider", "selection"}});
  stages.push_back({"efficiency",
                    with_compute({self, "efficiency", "--config", opt.config, "--input", events, "--output", model}),
                    {events}, model, volatile_args,
                    {"input.chunk_rows", "columns", "collider", "selection", "model", "signal_model"}});
  stages.push_back({"scan",
                    with_compute({self, "scan", "--config", opt.config, "--data", selected, "--model", model,
                                  "--output", scan}),
                    {selected, model}, scan, volatile_args, {"collider", "selection", "model", "signal_model", "scan"}});
  stages.push_back({"lee",
                    with_compute({self, "lee", "--config", opt.config, "--data", selected, "--model", model, "--scan",
                                  scan, "--output", results, "--toys", std::to_string(toys)}),
                    {selected, model, scan}, results, volatile_args,
                    {"run.seed", "collider", "selection", "model", "signal_model", "scan"}});
  stages.push_back({"interpret",
                    with_compute({self, "interpret", "--config", opt.config, "--scan", results, "--model", model,
                                  "--output", interpretation}),
                    {results, model}, interpretation, volatile_args, {"collider", "model", "interpret"}});

  std::vector<pipeline::StageTime> times;
  for (const auto& stage : stages) {
    const std::string fp = pipeline::fingerprint(stage, config::canonical_text(cfg, stage.config_sections));
    if (!opt.force && pipeline::up_to_date(stage, fp)) {
      fmt::print(stderr, "run: {} is up to date ({})\n", stage.name, stage.output);
      times.push_back({stage.name, false, 0});
      continue;
    }
    fmt::print(stderr, "run: {}\n", stage.name);
    const auto start = Clock::now();
    const int status = pipeline::run_program(stage.command);
    if (status != 0)
      throw std::runtime_error(fmt::format("stage {} failed (exit {}); the stages before it are kept and the same "
                                           "command resumes from it",
                                           stage.name, status));
    pipeline::record(stage, fp);
    times.push_back({stage.name, true, std::chrono::duration<double>(Clock::now() - start).count()});
  }

  // Plots and report (Debian's python3 with matplotlib; a missing one is said, not fatal:
  // the results are complete without them).
  const std::string script = plot_script();
  const auto summary_path = (dir / "summary.txt").string();
  // The results are read once; the plots do not change them.
  const auto result_lines = pipeline::results_summary({events, selected, model, scan, results, interpretation});
  {
    std::ofstream out(summary_path, std::ios::trunc);
    for (const auto& l : result_lines) out << l << '\n';
    out << pipeline::stages_summary(times) << '\n';
  }
  pipeline::Stage plots{"plots",
                        {"/usr/bin/python3", script, "--dir", dir.string(), "--selected", selected, "--model", model,
                         "--results", results, "--interpretation", interpretation, "--summary", summary_path},
                        {selected, model, results, interpretation, script},
                        report,
                        {},
                        {}};
  if (script.empty() || !fs::exists(script)) {
    fmt::print(stderr, "run: plots skipped: the plotting script was not found (set DARKSCAN_PLOT_SCRIPT)\n");
  } else {
    const std::string fp = pipeline::fingerprint(plots, cfg.text);  // the report shows the whole config
    if (!opt.force && pipeline::up_to_date(plots, fp)) {
      fmt::print(stderr, "run: plots are up to date ({})\n", report);
      times.push_back({"plots", false, 0});
    } else {
      fmt::print(stderr, "run: plots\n");
      const auto start = Clock::now();
      const int status = pipeline::run_program(plots.command);
      if (status == 0) {
        pipeline::record(plots, fp);
        times.push_back({"plots", true, std::chrono::duration<double>(Clock::now() - start).count()});
      } else {
        fmt::print(stderr, "run: plots failed (exit {}); the results are complete without them\n", status);
      }
    }
  }

  fmt::print("darkscan run: {} -> {}\n", opt.config, dir.string());
  for (const auto& line : result_lines) fmt::print("  {}\n", line);
  fmt::print("  {}\n", pipeline::stages_summary(times));
  if (fs::exists(report)) fmt::print("  report: {}\n", report);
  return kExitOk;
}

}  // namespace

void add_run_command(CLI::App& app, Action& action) {
  auto opt = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run", "The main job: generate (if asked), select, efficiency, scan, lee, interpret, plots and report; "
             "unchanged stages are skipped");
  cmd->add_option("--config", opt->config, "Scan config")->required();
  cmd->add_option("--output-dir", opt->output_dir, "Output folder (default: the config's run.output_dir)");
  cmd->add_option("--toys", opt->toys, "Look-elsewhere toys (default: the config's run.toys)");
  cmd->add_flag("--force", opt->force, "Run every stage, even those up to date");
  add_backend_flags(cmd, opt->compute);
  cmd->callback([opt, &action] { action = [opt] { return run_run_command(*opt); }; });
}

}  // namespace darkscan::cli
