#pragma once
// What the commands share: --backend and --threads (the command line wins, the config's
// [run] section decides otherwise), and a config that may be left out (every key at its
// default).
#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "mpi/mpi_world.hpp"
#include "pipeline/compute.hpp"

namespace darkscan::cli {

using BackendFlags = pipeline::ComputeChoice;

void add_backend_flags(CLI::App* command, BackendFlags& flags);

using pipeline::make_backend;

// config::load(path), or the defaults when no --config was given.
config::Config load_config_or_defaults(const std::string& path);

// Runs `run` as one process (`world` null), or as one rank of an MPI job where mpirun
// started darkscan as several (docs/cluster.md#mpi): a rank that fails prints one line
// naming itself and ends the job.
int run_on_this_process(const std::function<int(const mpi::World* world)>& run);

// Each rank its share of its node's cores, unless --threads or run.threads say, and the
// GPU of its node-local rank (docs/cluster.md#mpi).
void share_node(const mpi::World& world, const config::Config& config, BackendFlags& flags);

}  // namespace darkscan::cli
