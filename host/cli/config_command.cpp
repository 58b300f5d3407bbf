// darkscan config [FILE]: every config key with its type, default, valid range and
// meaning; with a file, validates it and prints the values it sets; with --markdown,
// the reference page docs/reference/config.md.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "config/config.hpp"
#include "config/config_reference.hpp"
#include "errors.hpp"

namespace darkscan::cli {

void add_config_command(CLI::App& app, Action& action) {
  auto file = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("config", "List every config key (type, default, range, meaning), or validate a config file");
  auto markdown = std::make_shared<bool>(false);
  cmd->add_option("file", *file, "Config file to validate");
  cmd->add_flag("--markdown", *markdown, "Print the key reference as Markdown (docs/reference/config.md)");
  cmd->callback([file, markdown, &action] {
    action = [file, markdown] {
      if (*markdown && !file->empty()) throw_input_error("config: --markdown takes no config file");
      if (*markdown) {
        fmt::print("{}", config::reference_markdown());
        return kExitOk;
      }
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
