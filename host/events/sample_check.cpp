#include "events/sample_check.hpp"

#include <algorithm>

namespace darkscan::events {

std::vector<ColumnSummary> summarize_sample(Backend& backend, io::SampleReader& reader, std::uint64_t chunk_rows,
                                            Progress* progress) {
  std::vector<ColumnSummary> total(reader.columns().size());
  backend.for_each_chunk(reader, chunk_rows, [&](const ChunkView& chunk) {
    const auto part = backend.summarize(chunk);
    std::transform(total.begin(), total.end(), part.begin(), total.begin(), MergeColumnSummary{});
    if (progress) progress->advance(chunk.rows);
  });
  return total;
}

}  // namespace darkscan::events
