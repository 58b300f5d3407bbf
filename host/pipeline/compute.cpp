#include "pipeline/compute.hpp"

namespace darkscan::pipeline {

std::unique_ptr<Backend> make_backend(const ComputeChoice& choice, const config::Config& config, std::string* why) {
  BackendOptions options;
  options.cpu_threads = choice.threads >= 0 ? choice.threads : config.run.threads;
  options.cuda_device = choice.cuda_device >= 0 ? choice.cuda_device : config.run.cuda_device;
  const bool given = !choice.backend.empty();
  return darkscan::make_backend(
      parse_backend_choice(given ? choice.backend : config.run.backend, given ? "--backend" : "run.backend"), options,
      why);
}

}  // namespace darkscan::pipeline
