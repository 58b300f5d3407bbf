#pragma once
// How darkscan's HDF5 files are stored and what a file's storage can hold: the
// checksummed file format of the files darkscan writes, and the check that a dataset's
// extent is backed by stored data before its rows are allocated (docs/bad-input.md).
#include <hdf5.h>

#include <string_view>

#include "io/h5.hpp"

namespace darkscan::h5 {

// File-access properties for the files darkscan writes: the HDF5 1.10 file format
// (H5Pset_libver_bounds, low and high bound 1.10), whose superblock, object headers,
// attribute and link storage and chunk indexes all carry checksums, so that a damaged
// result file is reported when it is read rather than read back different
// (docs/formats/outputs.md#conventions). Readable by HDF5 1.10 and later. Closing the
// file closes every object still open in it, as writer_access_properties sets.
PropertyList checksummed_file_access(std::string_view context);

// Throws InputError naming `context` when the data the file stores for a 1-D dataset
// cannot hold the `rows` its extent declares: a chunked dataset with fewer chunks
// written than the extent needs, a contiguous one with less storage. A damaged or
// unfinished extent is refused before `rows` rows are allocated or read as fill values.
void check_rows_stored(hid_t dataset, hsize_t rows, std::string_view context);

}  // namespace darkscan::h5
