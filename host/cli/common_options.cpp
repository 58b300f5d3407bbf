#include "cli/common_options.hpp"

namespace darkscan::cli {

void add_backend_flags(CLI::App* command, BackendFlags& flags) {
  command->add_option("--backend", flags.backend, "auto, cpu or cuda (default: the config's run.backend)")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  command->add_option("--threads", flags.threads, "CPU threads (0: every core; default: the config's run.threads)")
      ->check(CLI::NonNegativeNumber);
}

config::Config load_config_or_defaults(const std::string& path) {
  return path.empty() ? config::Config{} : config::load(path);
}

}  // namespace darkscan::cli
