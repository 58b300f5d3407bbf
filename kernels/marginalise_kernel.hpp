#pragma once
// The statistics engine on the device: MarginaliseExperiment over a batch, and the steps
// that take a batch given as columns in device memory (stats/experiment_columns.hpp) to
// it without a copy to the host: the first refused value of a column, the experiments
// gathered, their distinct plan projections, each experiment's rules, the results split.
#include <cuda_runtime_api.h>

#include <cstdint>

#include "darkscan/stats/experiment_columns.hpp"
#include "darkscan/stats/marginalise.hpp"

namespace darkscan::cuda {

// All pointers in device memory; asynchronous on `stream`.
void launch_marginalise(const stats::MarginaliseExperiment& functor, std::uint64_t n, cudaStream_t stream);
void launch_gather_experiments(const stats::GatherExperiments& functor, std::uint64_t n, cudaStream_t stream);
void launch_project_experiments(const stats::ProjectExperiments& functor, std::uint64_t n, cudaStream_t stream);
void launch_choose_rules(const stats::ChooseRules& functor, std::uint64_t n, cudaStream_t stream);
void launch_split_results(const stats::SplitResults& functor, std::uint64_t n, cudaStream_t stream);

// The first i < count with refused(i), -1 where none is; waits for the stream.
std::int64_t find_first_refused(const stats::ValueRefused& refused, std::uint64_t count, cudaStream_t stream);

// Sorts projections[0, n) by stats::ProjectionLess and moves the distinct ones, in that
// order, to the front; returns their count once the stream is done.
std::uint64_t sort_distinct_projections(stats::CountingExperiment* projections, std::uint64_t n, cudaStream_t stream);

}  // namespace darkscan::cuda
