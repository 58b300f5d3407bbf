#include "combine_experiments.hpp"
#include "launch.cuh"

namespace darkscan::cuda {

void combine_experiments(const stats::CombineExperiments& functor, std::uint64_t n, cudaStream_t stream) {
  // Each item holds three channels' coefficients and the mixture in local memory
  // (~10 kB): small blocks.
  launch(functor, n, stream, 64);
}

}  // namespace darkscan::cuda
