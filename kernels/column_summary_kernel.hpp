#pragma once
// Column summaries on the device: one CUB reduction per column over the same
// SummarizeRow / MergeColumnSummary functors the CPU backend runs.
#include <cuda_runtime_api.h>

#include <cstdint>
#include <span>

#include "darkscan/core/column_summary.hpp"
#include "device_memory.hpp"

namespace darkscan::cuda {

// Writes the summary of columns[c] (device memory, rows starting at global row
// `first_row`) to d_out[c] (device memory). Asynchronous on `stream`; `scratch` is
// grown as needed and may be reused across calls.
void summarize_columns(std::span<const ColumnView> columns, std::uint64_t first_row, ColumnSummary* d_out,
                       DeviceBuffer& scratch, cudaStream_t stream);

}  // namespace darkscan::cuda
