#pragma once
// The backend a stage runs on: the one asked for (a command line's --backend and
// --threads), else the config's [run] section.
#include <memory>
#include <string>

#include "backend/backend.hpp"
#include "config/config.hpp"

namespace darkscan::pipeline {

struct ComputeChoice {
  std::string backend;  // auto, cpu, cuda; empty: the config's run.backend
  int threads = -1;     // negative: the config's run.threads
  int cuda_device = -1; // negative: the config's run.cuda_device (an MPI rank's: its node-local rank)
};

// `why` as darkscan::make_backend says it.
std::unique_ptr<Backend> make_backend(const ComputeChoice& choice, const config::Config& config, std::string* why);

}  // namespace darkscan::pipeline
