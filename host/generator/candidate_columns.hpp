#pragma once
// Candidate rows (one struct per candidate, as the event functors make them) to the
// column batches the event writer takes, in the docs/formats/events.md schema of the sample's kind:
// MC truth and mc_weight on signal and background samples only.
#include <cstdint>
#include <span>
#include <string_view>

#include "darkscan/generator/candidate.hpp"
#include "io/host_batch.hpp"

namespace darkscan::generator {

io::HostBatch to_host_batch(std::span<const CandidateRow> rows, std::string_view kind, std::uint64_t first_row);

}  // namespace darkscan::generator
