// darkscan: the command-line front end over the library's stages.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <new>

#include "backend/backend.hpp"
#include "cli/commands.hpp"
#include "darkscan/version.hpp"
#include "errors.hpp"

namespace {

std::string version_line() {
  return fmt::format("darkscan {} (commit {}; backends compiled in: {})", darkscan::version(), darkscan::commit(),
                     darkscan::compiled_backends());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"darkscan: window scan and Bayesian statistics for the Belle II dark Higgs + inelastic dark matter "
               "search, on CPU and CUDA"};
  app.set_version_flag("--version", version_line());
  app.require_subcommand(1);

  darkscan::cli::Action action;
  darkscan::cli::add_info_command(app, action);
  darkscan::cli::add_config_command(app, action);
  darkscan::cli::add_stats_command(app, action);
  darkscan::cli::add_generate_command(app, action);
  darkscan::cli::add_select_command(app, action);
  darkscan::cli::add_efficiency_command(app, action);
  darkscan::cli::add_scan_command(app, action);
  darkscan::cli::add_lee_command(app, action);
  darkscan::cli::add_merge_command(app, action);
  darkscan::cli::add_interpret_command(app, action);
  darkscan::cli::add_run_command(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version print as CLI11 does; a bad command line is one error line.
    if (e.get_exit_code() == 0) return app.exit(e) == 0 ? darkscan::kExitOk : darkscan::kExitBadInput;
    fmt::print(stderr, "darkscan: error: {} (darkscan --help lists the commands, darkscan COMMAND --help the "
               "options)\n", e.what());
    return darkscan::kExitBadInput;
  }

  try {
    return action ? action() : darkscan::kExitOk;
  } catch (const darkscan::InputError& e) {
    std::fflush(stdout);
    fmt::print(stderr, "darkscan: error: {}\n", e.what());
    return darkscan::kExitBadInput;
  } catch (const std::bad_alloc&) {
    // What bounds the memory a stage takes is the size of what it reads at once
    // (docs/commands/README.md#exit-status), so say which keys bound it.
    std::fflush(stdout);
    fmt::print(stderr, "darkscan: failure: out of memory (input.chunk_rows and run.threads bound what a stage holds; "
               "lower them, or give darkscan more memory)\n");
    return darkscan::kExitFailure;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    fmt::print(stderr, "darkscan: failure: {}\n", e.what());
    return darkscan::kExitFailure;
  }
}
