#pragma once
// --backend and --threads, shared by the commands that compute: the command line wins,
// the config's [run] section decides otherwise.
#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "backend/backend.hpp"
#include "config/config.hpp"

namespace darkscan::cli {

struct BackendFlags {
  std::string backend;  // empty: the config's run.backend
  int threads = -1;     // negative: the config's run.threads
};

void add_backend_flags(CLI::App* command, BackendFlags& flags);

// The backend the flags or else the config ask for; `why` as make_backend says it.
std::unique_ptr<Backend> make_backend(const BackendFlags& flags, const config::Config& config, std::string* why);

}  // namespace darkscan::cli
