#pragma once
// What the commands share: --backend and --threads (the command line wins, the config's
// [run] section decides otherwise), and a config that may be left out (every key at its
// default).
#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "config/config.hpp"
#include "pipeline/compute.hpp"

namespace darkscan::cli {

using BackendFlags = pipeline::ComputeChoice;

void add_backend_flags(CLI::App* command, BackendFlags& flags);

using pipeline::make_backend;

// config::load(path), or the defaults when no --config was given.
config::Config load_config_or_defaults(const std::string& path);

}  // namespace darkscan::cli
