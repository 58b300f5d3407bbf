#pragma once
// The statistics engine on the device: MarginaliseExperiment over a batch.
#include <cuda_runtime_api.h>

#include "darkscan/stats/marginalise.hpp"

namespace darkscan::cuda {

// All pointers in device memory; asynchronous on `stream`.
void launch_marginalise(const stats::MarginaliseExperiment& functor, std::uint64_t n, cudaStream_t stream);

}  // namespace darkscan::cuda
