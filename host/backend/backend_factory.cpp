#include <fmt/format.h>

#include "backend/backend.hpp"
#include "backend/cpu_backend.hpp"
#include "backend/cuda_backend.hpp"
#include "errors.hpp"
#include "io/chunk_codec.hpp"

namespace darkscan {

BackendChoice parse_backend_choice(std::string_view text, std::string_view origin) {
  if (text == "auto") return BackendChoice::automatic;
  if (text == "cpu") return BackendChoice::cpu;
  if (text == "cuda") return BackendChoice::cuda;
  throw_input_error("{}: backend '{}' is not one of auto, cpu, cuda", origin, text);
}

std::string cuda_unavailable_reason() { return cuda::unavailable_reason(0); }

std::string compiled_backends() { return cuda::compiled_in() ? "cpu, cuda" : "cpu"; }

std::unique_ptr<Backend> make_backend(BackendChoice choice, const BackendOptions& options, std::string* why) {
  // The HDF5 chunks are (de)compressed on the cores the run was given, whichever backend.
  io::set_codec_threads(options.cpu_threads);
  auto cpu = [&](std::string reason) {
    auto backend = std::make_unique<CpuBackend>(options.cpu_threads);
    if (why) *why = fmt::format("backend: {} ({})", backend->description(), reason);
    return backend;
  };
  switch (choice) {
    case BackendChoice::cpu: return cpu("asked for");
    case BackendChoice::cuda: {
      const std::string reason = cuda::unavailable_reason(options.cuda_device);
      if (!reason.empty()) throw_input_error("--backend cuda: {}", reason);
      auto backend = cuda::make_backend(options.cuda_device);
      if (why) *why = fmt::format("backend: {} (asked for)", backend->description());
      return backend;
    }
    case BackendChoice::automatic: {
      const std::string reason = cuda::unavailable_reason(options.cuda_device);
      if (!reason.empty()) return cpu(fmt::format("auto: no CUDA: {}", reason));
      auto backend = cuda::make_backend(options.cuda_device);
      if (why) *why = fmt::format("backend: {} (auto: a CUDA device is present)", backend->description());
      return backend;
    }
  }
  return cpu("default");
}

}  // namespace darkscan
