#pragma once
// Window counting on the device: CountWindows over the windows of one final state.
#include <cuda_runtime_api.h>

#include "darkscan/scan/window.hpp"

namespace darkscan::cuda {

// Masses, windows and output in device memory; asynchronous on `stream`.
void launch_count_windows(const scan::CountWindows& functor, std::uint64_t windows, cudaStream_t stream);

}  // namespace darkscan::cuda
