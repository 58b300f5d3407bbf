#include "launch.cuh"
#include "toy_scan_kernel.hpp"

namespace darkscan::cuda {

void launch_toy_counts(const lee::ToyCounts& functor, std::uint64_t toys, cudaStream_t stream) {
  launch(functor, toys, stream, kToyCountsBlock);
}

void launch_toy_scan(const lee::ToyScan& functor, std::uint64_t toys, cudaStream_t stream) {
  launch(functor, toys, stream, kToyScanBlock);
}

}  // namespace darkscan::cuda
