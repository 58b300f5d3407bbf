#pragma once
// The first pass over a sample: stream it through a backend and summarise every column.
// The values are checked on the way by the reader, against the rules of
// io/sample_rules.hpp (NaN, infinity, negative counts, ...: docs/formats/events.md#validation).
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

}  // namespace darkscan::events
