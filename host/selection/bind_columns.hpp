#pragma once
// A chunk's column views (in whichever backend's memory) bound to the selection's
// named column pointers, by the logical names of docs/formats/events.md.
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "darkscan/selection/candidate.hpp"
#include "io/sample_reader.hpp"

namespace darkscan::selection {

// `columns` are the reader's delivered columns, in the chunk's order. Throws
// std::logic_error if a column the selection reads is absent or of another type.
CandidateColumns bind_columns(const ChunkView& chunk, const std::vector<io::ColumnRequest>& columns);

}  // namespace darkscan::selection
