#include "cli/backend_flags.hpp"

namespace darkscan::cli {

void add_backend_flags(CLI::App* command, BackendFlags& flags) {
  command->add_option("--backend", flags.backend, "auto, cpu or cuda (default: the config's run.backend)")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  command->add_option("--threads", flags.threads, "CPU threads (0: every core; default: the config's run.threads)")
      ->check(CLI::NonNegativeNumber);
}

std::unique_ptr<Backend> make_backend(const BackendFlags& flags, const config::Config& config, std::string* why) {
  BackendOptions options;
  options.cpu_threads = flags.threads >= 0 ? flags.threads : config.run.threads;
  options.cuda_device = config.run.cuda_device;
  const bool given = !flags.backend.empty();
  return darkscan::make_backend(
      parse_backend_choice(given ? flags.backend : config.run.backend, given ? "--backend" : "run.backend"), options,
      why);
}

}  // namespace darkscan::cli
