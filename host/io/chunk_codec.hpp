#pragma once
// HDF5's shuffle and deflate filters done by darkscan itself, so that the chunks of a
// column are compressed and decompressed on every core while HDF5, which serialises its
// calls behind one lock, only writes raw chunk bytes (H5Dwrite_chunk) and lists where
// they lie for the readers (io/chunk_table.hpp).
// The bytes are HDF5's own filter formats: the shuffle filter's byte transpose and the
// deflate filter's zlib stream, made with libdeflate (faster than zlib at the same
// format), so any HDF5 reader (h5py, pandas, h5dump) decodes them with its standard
// filters (docs/formats/outputs.md#conventions).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include <hdf5.h>

namespace darkscan::io {

// The filters of a dataset's pipeline that darkscan can apply and undo itself.
struct ChunkFilters {
  bool shuffle = false;
  bool deflate = false;
  unsigned deflate_level = 0;
};

// Reads the pipeline of a chunked dataset's creation properties into `filters`: true
// when it holds shuffle then deflate, deflate alone, or nothing; false for any other
// (fletcher32, szip, third-party filters), which HDF5 then runs itself.
bool own_filters(hid_t dataset_create, ChunkFilters& filters);

// Encodes one whole chunk (`raw`, elements of `element_size` bytes) through the filters
// into `out` (resized). Deterministic: the same bytes for the same input.
void encode_chunk(std::span<const std::byte> raw, std::size_t element_size, const ChunkFilters& filters,
                  std::vector<std::byte>& out);

// Decodes a stored chunk into `raw` (exactly the chunk's size). `skipped` is HDF5's
// filter mask of the chunk (bit i: filter i of the pipeline was not applied). False when
// the bytes are not a valid stream of that size (a damaged file).
bool decode_chunk(std::span<const std::byte> stored, std::uint32_t skipped, std::size_t element_size,
                  const ChunkFilters& filters, std::span<std::byte> raw);

// Threads that encode and decode chunks side by side: 0 (the default) for every core
// OpenMP sees. Set from run.threads / --threads where the backend is made.
void set_codec_threads(int threads);
int codec_threads();

// task(0) .. task(n − 1) on up to codec_threads() threads, the first exception rethrown.
// On OpenMP's pool; in the child of a fork (a test's death test, a Python worker), which
// cannot use the parent's pool, on plain threads made for the call.
void run_codec_tasks(std::size_t n, const std::function<void(std::size_t)>& task);

}  // namespace darkscan::io
