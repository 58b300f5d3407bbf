#include "events/sample_check.hpp"

#include <algorithm>

#include "errors.hpp"

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

void require_finite(const io::SampleReader& reader, const std::vector<ColumnSummary>& summaries) {
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    const auto& s = summaries[i];
    if (s.n_nonfinite == 0) continue;
    throw_input_error("{}: {} NaN or infinite value{}, the first at row {}", reader.column_context(i),
                      s.n_nonfinite, s.n_nonfinite == 1 ? "" : "s", s.first_nonfinite_row);
  }
}

}  // namespace darkscan::events
