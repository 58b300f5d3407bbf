#pragma once
// Where the chunks of a 1-D column dataset lie in its file, listed once when the file is
// indexed (io/event_file.hpp), so that reading a column needs no HDF5 call at all: its
// stored chunks are read at their file addresses (io/raw_file.hpp) and decoded
// (io/chunk_codec.hpp) on every core side by side, where HDF5 would open the dataset again
// and fetch each chunk under its one global lock (docs/formats/events.md#reading).
#include <hdf5.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "darkscan/core/dtype.hpp"
#include "io/chunk_codec.hpp"

namespace darkscan::io {

// One stored chunk: its address (relative to the file's base address, as HDF5 keeps
// them), its stored size and HDF5's filter mask (bit i: filter i was skipped).
struct StoredChunk {
  haddr_t address = 0;
  hsize_t bytes = 0;
  std::uint32_t filter_mask = 0;
};

struct ChunkTable {
  hsize_t chunk_rows = 0;
  std::size_t element_size = 0;
  ChunkFilters filters;
  DType native = DType::f32;         // the stored elements are this type's native bytes exactly
  std::vector<StoredChunk> chunks;  // chunk k holds rows [k * chunk_rows, (k + 1) * chunk_rows)

  // Bytes a stored chunk may hold: its raw size, or a little more for a deflate stream of
  // data that did not shrink. A larger size in the index is damage: such a column is left
  // to HDF5's own read, which reports it, rather than allocated for.
  std::size_t max_stored_bytes() const;
};

// The table of a dataset with `rows` rows whose stored type is `stored_type` (the
// H5Dget_type the index already holds), or nullopt when darkscan does not read it
// itself and HDF5 does (H5Dread, with its conversions and filters): not chunked, another
// filter pipeline than own_filters takes, stored elements that are not a darkscan type's
// native bytes (another byte order, uint32 ...), or a chunk the rows need that is not
// stored (HDF5 then reports it, or check_rows_stored refuses the extent).
std::optional<ChunkTable> list_chunks(hid_t dataset, hid_t stored_type, hsize_t rows);

}  // namespace darkscan::io
