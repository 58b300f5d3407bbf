#include "io/h5_storage.hpp"

#include <fmt/format.h>

#include <limits>
#include <string>

#include "errors.hpp"

namespace darkscan::h5 {

PropertyList checksummed_file_access(std::string_view context) {
  PropertyList access = writer_access_properties(context);
  check_write_status(H5Pset_libver_bounds(access.get(), H5F_LIBVER_V110, H5F_LIBVER_V110), context,
                     "choose the HDF5 1.10 file format");
  return access;
}

void check_rows_stored(hid_t dataset, hsize_t rows, std::string_view context) {
  if (rows == 0) return;
  PropertyList create(check_id(H5Dget_create_plist(dataset), context, "read the storage properties"));
  if (H5Pget_external_count(create.get()) > 0) return;  // stored in other files: not this file's size
  Datatype type(check_id(H5Dget_type(dataset), context, "read the datatype"));
  const std::size_t element = H5Tget_size(type.get());
  hsize_t stored = 0;
  std::string how;
  switch (H5Pget_layout(create.get())) {
    case H5D_CONTIGUOUS: {
      const hsize_t bytes = H5Dget_storage_size(dataset);
      stored = element > 0 ? bytes / element : rows;
      how = fmt::format("{} bytes of data", bytes);
      break;
    }
    case H5D_CHUNKED: {
      // HDF5 1.10 takes the dataset's own dataspace here, not H5S_ALL; it counts every
      // chunk written whatever the selection.
      hsize_t chunk = 0, chunks = 0;
      const Dataspace space(check_id(H5Dget_space(dataset), context, "read the dataspace"));
      if (H5Pget_chunk(create.get(), 1, &chunk) != 1 || H5Dget_num_chunks(dataset, space.get(), &chunks) < 0)
        throw_input_error("{}: cannot count the chunks stored ({})", context, take_error_reason());
      stored = chunk > 0 && chunks > std::numeric_limits<hsize_t>::max() / chunk ? rows : chunks * chunk;
      how = fmt::format("{} chunks of {} rows", chunks, chunk);
      break;
    }
    default:  // compact (inside the object header) or virtual: nothing to compare
      return;
  }
  if (rows > stored)
    throw_input_error("{}: its extent says {} rows but the file stores {}, at most {} rows (a damaged or "
                      "unfinished file)",
                      context, rows, how, stored);
}

}  // namespace darkscan::h5
