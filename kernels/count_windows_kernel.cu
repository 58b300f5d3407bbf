#include "count_windows_kernel.hpp"
#include "launch.cuh"

namespace darkscan::cuda {

void launch_count_windows(const scan::CountWindows& functor, std::uint64_t windows, cudaStream_t stream) {
  launch(functor, windows, stream, kCountWindowsBlock);
}

}  // namespace darkscan::cuda
