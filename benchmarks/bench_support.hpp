#pragma once
// Shared pieces of the benchmark programs.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "backend/backend.hpp"

namespace darkscan::bench {

// The CUDA backend, or nullptr after marking the benchmark skipped with the reason
// (no device, or darkscan built without CUDA).
inline std::unique_ptr<Backend> cuda_backend_or_skip(benchmark::State& state) {
  const std::string reason = cuda_unavailable_reason();
  if (reason.empty()) return make_backend(BackendChoice::cuda, {});
  state.SkipWithError(("no CUDA: " + reason).c_str());
  for (auto _ : state) {
  }
  return nullptr;
}

}  // namespace darkscan::bench
