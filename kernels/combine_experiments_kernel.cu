#include "combine_experiments_kernel.hpp"
#include "launch.cuh"

namespace darkscan::cuda {

void launch_combine(const stats::CombineExperiments& functor, std::uint64_t n, cudaStream_t stream) {
  // Each item holds three channels' coefficients and the mixture in local memory
  // (~10 kB): small blocks.
  launch(functor, n, stream, 64);
}

}  // namespace darkscan::cuda
