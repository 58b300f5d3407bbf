#include "cli/common_options.hpp"

#include <fmt/format.h>

#include <new>

#include "errors.hpp"

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

int run_on_this_process(const std::function<int(const mpi::World* world)>& run) {
  if (mpi::launched_ranks() <= 1) return run(nullptr);
  const mpi::World world;
  if (world.size() <= 1) return run(nullptr);
  const std::string rank = fmt::format("rank {} of {}", world.rank(), world.size());
  try {
    return run(&world);
  } catch (const InputError& e) {
    world.fail(kExitBadInput, fmt::format("darkscan: error: {}: {}", rank, e.what()));
  } catch (const std::bad_alloc&) {
    world.fail(kExitFailure, fmt::format("darkscan: failure: {}: out of memory (input.chunk_rows and run.threads "
                                         "bound what a stage holds; lower them, or give darkscan more memory)",
                                         rank));
  } catch (const std::exception& e) {
    world.fail(kExitFailure, fmt::format("darkscan: failure: {}: {}", rank, e.what()));
  }
}

void share_node(const mpi::World& world, const config::Config& config, BackendFlags& flags) {
  if (flags.threads < 0 && config.run.threads == 0) flags.threads = world.threads_per_rank();
  flags.cuda_device = world.local_rank();
}

}  // namespace darkscan::cli
