#include "combine_experiments_kernel.hpp"
#include "launch.cuh"

namespace darkscan::cuda {

void launch_combine(const stats::CombineExperiments& functor, std::uint64_t n, cudaStream_t stream) {
  launch(functor, n, stream, kCombineBlock);
}

}  // namespace darkscan::cuda
