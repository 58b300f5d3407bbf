#include <cub/device/device_reduce.cuh>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>

#include "column_summary_kernel.hpp"

namespace darkscan::cuda {

void summarize_columns(std::span<const ColumnView> columns, std::uint64_t first_row, ColumnSummary* d_out,
                       DeviceBuffer& scratch, cudaStream_t stream) {
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const auto rows = thrust::make_transform_iterator(thrust::counting_iterator<std::uint64_t>(0),
                                                      SummarizeRow{columns[c], first_row});
    const auto n = static_cast<std::int64_t>(columns[c].size);
    std::size_t bytes = 0;
    DS_CUDA_CHECK(cub::DeviceReduce::Reduce(nullptr, bytes, rows, d_out + c, n, MergeColumnSummary{},
                                            ColumnSummary{}, stream));
    ensure_capacity(scratch, bytes);
    DS_CUDA_CHECK(cub::DeviceReduce::Reduce(scratch.get(), bytes, rows, d_out + c, n, MergeColumnSummary{},
                                            ColumnSummary{}, stream));
  }
}

}  // namespace darkscan::cuda
