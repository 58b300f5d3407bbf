#pragma once
// Subcommands of the darkscan executable. Each registers itself on the app and
// leaves the work in `action`, run by main() after parsing so that every error
// reaches one handler (exit 2 for bad input, 1 for failures).
#include <CLI/CLI.hpp>

#include <functional>

#include "errors.hpp"

namespace darkscan::cli {

using Action = std::function<int()>;

void add_info_command(CLI::App& app, Action& action);
void add_config_command(CLI::App& app, Action& action);
void add_stats_command(CLI::App& app, Action& action);
void add_generate_command(CLI::App& app, Action& action);
void add_select_command(CLI::App& app, Action& action);
void add_efficiency_command(CLI::App& app, Action& action);
void add_scan_command(CLI::App& app, Action& action);
void add_lee_command(CLI::App& app, Action& action);
void add_merge_command(CLI::App& app, Action& action);
void add_run_command(CLI::App& app, Action& action);
void add_interpret_command(CLI::App& app, Action& action);

}  // namespace darkscan::cli
