#pragma once
// The bytes of an open HDF5 file at the addresses its chunk indexes give
// (io/chunk_table.hpp), read with pread(2) on the descriptor of HDF5's default driver
// (sec2): no HDF5 call, so that any number of threads read chunks at once while HDF5's
// calls, serialised behind its one lock, are left to the index and the writers.
#include <hdf5.h>

#include <cstddef>
#include <span>
#include <string>

namespace darkscan::io {

class RawFile {
 public:
  RawFile() = default;  // not usable: every read goes through HDF5
  // The file's descriptor and base address (its user block's size: HDF5's addresses
  // count from the superblock). Not usable when the file is open through another driver
  // (a family of files, memory) or its properties cannot be read. The descriptor stays
  // HDF5's: valid while `file` is open.
  explicit RawFile(hid_t file);

  bool usable() const { return fd_ >= 0; }
  // Reads out.size() bytes at `address` (an HDF5 address, relative to the base). "" when
  // done, else why not (the system's reason, or a file that ends before them).
  std::string read(haddr_t address, std::span<std::byte> out) const;

 private:
  int fd_ = -1;
  hsize_t base_ = 0;
};

}  // namespace darkscan::io
