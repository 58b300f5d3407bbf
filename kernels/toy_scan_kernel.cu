#include "launch.cuh"
#include "toy_scan_kernel.hpp"

namespace darkscan::cuda {

void launch_toy_counts(const lee::ToyCounts& functor, std::uint64_t toys, cudaStream_t stream) {
  launch(functor, toys, stream, 128);
}

void launch_toy_scan(const lee::ToyScan& functor, std::uint64_t toys, cudaStream_t stream) {
  // One thread a toy: tens of events, a few hundred windows with an event each, the p0
  // of each a 48-node sum; work per toy varies, so small blocks keep the SMs busy.
  launch(functor, toys, stream, 64);
}

}  // namespace darkscan::cuda
