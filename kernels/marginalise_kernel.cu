#include "launch.cuh"
#include "marginalise_kernel.hpp"

namespace darkscan::cuda {

void launch_marginalise(const stats::MarginaliseExperiment& functor, std::uint64_t n, cudaStream_t stream) {
  // 64 threads a block: each thread keeps a few kilobytes of coefficients in local memory.
  launch(functor, n, stream, 64);
}

}  // namespace darkscan::cuda
