#pragma once
// The selection on the device: EvaluateCandidates over a chunk's rows.
#include <cuda_runtime_api.h>

#include "darkscan/selection/evaluate.hpp"

namespace darkscan::cuda {

// Column pointers and the output in device memory; asynchronous on `stream`.
void launch_select(const selection::EvaluateCandidates& functor, std::uint64_t rows, cudaStream_t stream);

}  // namespace darkscan::cuda
