#include "io/chunk_table.hpp"

#include "io/h5.hpp"

namespace darkscan::io {

std::size_t ChunkTable::max_stored_bytes() const {
  // zlib's deflateBound (its conservative form) with the zlib wrapper, and a kilobyte of
  // slack over that.
  const std::size_t raw = chunk_rows * element_size;
  return raw + (raw >> 12) + (raw >> 14) + (raw >> 25) + 13 + 6 + 1024;
}

std::optional<ChunkTable> list_chunks(hid_t dataset, hid_t stored_type, hsize_t rows) {
  ChunkTable table;
  h5::PropertyList create(H5Dget_create_plist(dataset));
  hsize_t chunk = 0;
  if (!create || H5Pget_layout(create.get()) != H5D_CHUNKED ||
      H5Pget_chunk(create.get(), 1, &chunk) != 1 || chunk == 0 || !own_filters(create.get(), table.filters)) {
    H5Eclear2(H5E_DEFAULT);
    return std::nullopt;
  }
  const auto type = h5::describe_type(stored_type);
  if (!type.dtype || H5Tequal(stored_type, h5::native_type(*type.dtype)) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return std::nullopt;
  }
  table.chunk_rows = chunk;
  table.element_size = dtype_size(*type.dtype);
  table.native = *type.dtype;
  // Grown one chunk at a time: an extent larger than the file stores (damage) ends at its
  // first missing chunk, before anything its size says is allocated.
  const hsize_t count = rows / chunk + (rows % chunk != 0 ? 1 : 0);
  for (hsize_t k = 0; k < count; ++k) {
    const hsize_t offset = k * chunk;
    StoredChunk c;
    unsigned mask = 0;
    if (H5Dget_chunk_info_by_coord(dataset, &offset, &mask, &c.address, &c.bytes) < 0 || c.address == HADDR_UNDEF ||
        c.bytes == 0 || c.bytes > table.max_stored_bytes()) {
      H5Eclear2(H5E_DEFAULT);
      return std::nullopt;
    }
    c.filter_mask = mask;
    table.chunks.push_back(c);
  }
  return table;
}

}  // namespace darkscan::io
