#include "launch.cuh"
#include "select_candidates.hpp"

namespace darkscan::cuda {

void select_candidates(const selection::EvaluateCandidates& functor, std::uint64_t rows, cudaStream_t stream) {
  // A streaming pass: 152 bytes read and 40 written per candidate, a few hundred flops.
  launch(functor, rows, stream, 256);
}

}  // namespace darkscan::cuda
