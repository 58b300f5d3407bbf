#pragma once
// A synthetic sample in the docs/formats/events.md schema: every column filled with values drawn
// uniformly over its physical range, row by row from a counter-based generator (so
// any range of rows can be made alone, and the same seed gives the same bits). It
// carries no physics (that is the toy generator's job): it exercises the event
// store, the backends and the I/O benchmarks at any size.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "io/event_writer.hpp"
#include "io/host_batch.hpp"

namespace darkscan::events {

struct SyntheticSample {
  std::string name = "data";
  std::string kind = "data";  // data | signal | background (MC kinds get truth columns)
  std::uint64_t rows = 1000;
};

// Rows [first, first + count) of the sample's synthetic sequence for `seed`.
io::HostBatch synthetic_rows(const SyntheticSample& sample, std::uint64_t seed, std::uint64_t first,
                             std::uint64_t count);

// Writes the samples to `path` (atomically), eight storage chunks of rows at a time.
void write_synthetic_file(const std::filesystem::path& path, const std::vector<SyntheticSample>& samples,
                          std::uint64_t seed, io::WriteOptions options = {});

}  // namespace darkscan::events
