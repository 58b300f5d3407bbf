#include "launch.cuh"
#include "reweight_blocks_kernel.hpp"

namespace darkscan::cuda {

void launch_reweight(const signal_model::ReweightBlocks& job, cudaStream_t stream) {
  launch(job, job.items(), stream, kReweightBlock);
}

}  // namespace darkscan::cuda
