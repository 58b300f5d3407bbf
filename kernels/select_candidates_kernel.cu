#include "launch.cuh"
#include "select_candidates_kernel.hpp"

namespace darkscan::cuda {

void launch_select(const selection::EvaluateCandidates& functor, std::uint64_t rows, cudaStream_t stream) {
  // A streaming pass: 152 bytes read and 40 written per candidate, a few hundred flops.
  launch(functor, rows, stream, 256);
}

}  // namespace darkscan::cuda
