#pragma once
// Lifetime reweighting on the device: ReweightBlocks over its (cell, block) items.
#include <cuda_runtime_api.h>

#include "darkscan/signal_model/reweight_blocks.hpp"

namespace darkscan::cuda {

// Every pointer of `job` in device memory; asynchronous on `stream`.
void launch_reweight(const signal_model::ReweightBlocks& job, cudaStream_t stream);

}  // namespace darkscan::cuda
