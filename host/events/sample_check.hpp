#pragma once
// The first pass over a sample: stream it through a backend, summarise every column
// and refuse NaN or inf in the columns a cut or the reweighting reads.
#include <cstdint>
#include <vector>

#include "backend/backend.hpp"
#include "io/sample_reader.hpp"
#include "progress.hpp"

namespace darkscan::events {

// Summaries of every delivered column of the reader, over all its rows, streamed in
// chunks of `chunk_rows`; `progress`, when given, advances by the rows of each chunk.
std::vector<ColumnSummary> summarize_sample(Backend& backend, io::SampleReader& reader, std::uint64_t chunk_rows,
                                            Progress* progress = nullptr);

// InputError naming the file, sample, column and first bad row when a floating-point
// column holds NaN or inf.
void require_finite(const io::SampleReader& reader, const std::vector<ColumnSummary>& summaries);

}  // namespace darkscan::events
