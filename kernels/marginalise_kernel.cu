#include <thrust/execution_policy.h>
#include <thrust/find.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/sort.h>
#include <thrust/unique.h>

#include "launch.cuh"
#include "marginalise_kernel.hpp"

namespace darkscan::cuda {

namespace {

struct SameProjection {
  __host__ __device__ bool operator()(const stats::CountingExperiment& a, const stats::CountingExperiment& b) const {
    const stats::ProjectionLess less;
    return !less(a, b) && !less(b, a);
  }
};

}  // namespace

void launch_marginalise(const stats::MarginaliseExperiment& functor, std::uint64_t n, cudaStream_t stream) {
  launch(functor, n, stream, kMarginaliseBlock);
}

void launch_gather_experiments(const stats::GatherExperiments& functor, std::uint64_t n, cudaStream_t stream) {
  launch(functor, n, stream, kExperimentColumnsBlock);
}

void launch_project_experiments(const stats::ProjectExperiments& functor, std::uint64_t n, cudaStream_t stream) {
  launch(functor, n, stream, kExperimentColumnsBlock);
}

void launch_choose_rules(const stats::ChooseRules& functor, std::uint64_t n, cudaStream_t stream) {
  launch(functor, n, stream, kExperimentColumnsBlock);
}

void launch_split_results(const stats::SplitResults& functor, std::uint64_t n, cudaStream_t stream) {
  launch(functor, n, stream, kExperimentColumnsBlock);
}

std::int64_t find_first_refused(const stats::ValueRefused& refused, std::uint64_t count, cudaStream_t stream) {
  if (count == 0) return -1;
  const thrust::counting_iterator<std::uint64_t> first(0);
  const auto found = thrust::find_if(thrust::cuda::par.on(stream), first, first + count, refused);
  DS_CUDA_CHECK(cudaGetLastError());
  const auto index = static_cast<std::uint64_t>(found - first);
  return index == count ? -1 : static_cast<std::int64_t>(index);
}

std::uint64_t sort_distinct_projections(stats::CountingExperiment* projections, std::uint64_t n, cudaStream_t stream) {
  if (n == 0) return 0;
  thrust::sort(thrust::cuda::par.on(stream), projections, projections + n, stats::ProjectionLess{});
  const auto* end = thrust::unique(thrust::cuda::par.on(stream), projections, projections + n, SameProjection{});
  DS_CUDA_CHECK(cudaGetLastError());
  DS_CUDA_CHECK(cudaStreamSynchronize(stream));
  return static_cast<std::uint64_t>(end - projections);
}

}  // namespace darkscan::cuda
