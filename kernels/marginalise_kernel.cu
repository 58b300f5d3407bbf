#include "launch.cuh"
#include "marginalise_kernel.hpp"

namespace darkscan::cuda {

void launch_marginalise(const stats::MarginaliseExperiment& functor, std::uint64_t n, cudaStream_t stream) {
  launch(functor, n, stream, kMarginaliseBlock);
}

}  // namespace darkscan::cuda
