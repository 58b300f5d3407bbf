#include "launch.cuh"
#include "select_candidates_kernel.hpp"

namespace darkscan::cuda {

void launch_select(const selection::EvaluateCandidates& functor, std::uint64_t rows, cudaStream_t stream) {
  launch(functor, rows, stream, kSelectBlock);
}

}  // namespace darkscan::cuda
