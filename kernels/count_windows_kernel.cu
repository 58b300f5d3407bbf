#include "count_windows_kernel.hpp"
#include "launch.cuh"

namespace darkscan::cuda {

void launch_count_windows(const scan::CountWindows& functor, std::uint64_t windows, cudaStream_t stream) {
  // About ten binary searches per window over a few kB of masses that stay in L1/L2:
  // latency-bound, a few µs for the ~10^4 windows of a full grid.
  launch(functor, windows, stream, 128);
}

}  // namespace darkscan::cuda
