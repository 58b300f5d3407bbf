#pragma once
// Combinations of final states on the device: CombineExperiments over a batch.
#include <cuda_runtime_api.h>

#include "darkscan/stats/combined_limit.hpp"

namespace darkscan::cuda {

// Every pointer of the functor in device memory; asynchronous on `stream`.
void launch_combine(const stats::CombineExperiments& functor, std::uint64_t n, cudaStream_t stream);

}  // namespace darkscan::cuda
