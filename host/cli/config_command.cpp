// darkscan config [FILE]: every config key with its type, default, valid range and
// meaning; with a file, validates it and prints the values it sets.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "config/config.hpp"
#include "errors.hpp"

namespace darkscan::cli {

void add_config_command(CLI::App& app, Action& action) {
  auto file = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("config", "List every config key (type, default, range, meaning), or validate a config file");
  cmd->add_option("file", *file, "Config file to validate");
  cmd->callback([file, &action] {
    action = [file] {
      if (!file->empty()) {
        const config::Config cfg = config::load(*file);
        fmt::print("{}: valid ({} column{} mapped)\n", *file, cfg.columns.entries().size(),
                   cfg.columns.entries().size() == 1 ? "" : "s");
        return kExitOk;
      }
      for (const auto& k : config::documentation()) {
        fmt::print("{} = {}    # {}; {}; {}\n", k.key, k.default_value, k.type, k.range, k.doc);
      }
      return kExitOk;
    };
  });
}

}  // namespace darkscan::cli
