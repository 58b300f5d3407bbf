#include "launch.cuh"
#include "reweight_blocks_kernel.hpp"

namespace darkscan::cuda {

void launch_reweight(const signal_model::ReweightBlocks& job, cudaStream_t stream) {
  // Each item loops over 1024 candidates with two exp and a log each: a few µs of work,
  // ~10^4 items for 100 lifetimes of 10^5 candidates.
  launch(job, job.items(), stream, 128);
}

}  // namespace darkscan::cuda
