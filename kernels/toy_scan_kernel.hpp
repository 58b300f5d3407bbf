#pragma once
// Background-only toys of the scan on the device: the two passes of lee/toy_scan.hpp.
#include <cuda_runtime_api.h>

#include "darkscan/lee/toy_scan.hpp"

namespace darkscan::cuda {

// Every pointer in device memory; asynchronous on `stream`.
void launch_toy_counts(const lee::ToyCounts& functor, std::uint64_t toys, cudaStream_t stream);
void launch_toy_scan(const lee::ToyScan& functor, std::uint64_t toys, cudaStream_t stream);

}  // namespace darkscan::cuda
