#pragma once
// An output file that appears whole or not at all (docs/formats/outputs.md#conventions):
// written under a temporary name in the destination's folder, `<name>.tmp-<pid>`, flushed
// to the disk and renamed onto the destination by commit(), removed if the writer is
// destroyed first (an error, an interrupt that unwinds). Temporaries of the same
// destination left by processes that are no longer running (a killed run) are removed
// when the destination is next written.
//
// Errors: a destination that cannot be written at all (its folder missing or not
// writable, the destination a folder, a device, a FIFO or a link to one) is bad input,
// InputError, said before any work; a write that fails once under way (a full disk, a
// quota, an I/O error) is a WriteError. Both name the destination.
#include <cstddef>
#include <filesystem>
#include <string_view>

namespace darkscan::io {

class AtomicOutput {
 public:
  // Creates the (empty) temporary. A destination that is a symbolic link to a regular
  // file is written through the link: the file it names is replaced, the link kept.
  explicit AtomicOutput(std::filesystem::path destination);
  // Never throws: closes and removes the temporary unless committed.
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  // The temporary, for a writer that opens it by name (HDF5): it exists and is empty.
  const std::filesystem::path& temporary() const { return temporary_; }
  // The destination as given, the name every message uses.
  const std::filesystem::path& destination() const { return destination_; }

  // Appends bytes to the temporary. Throws WriteError.
  void write(const void* data, std::size_t size);
  void write(std::string_view text) { write(text.data(), text.size()); }
  // Fills the temporary with a copy of `source`: InputError naming `source` when it
  // cannot be read, WriteError when the copy cannot be written.
  void copy_from(const std::filesystem::path& source);
  // Flushes the temporary to the disk (fsync), renames it onto the destination, and
  // flushes the folder, so that after a crash the destination holds the old file or the
  // whole new one. Throws WriteError.
  void commit();

 private:
  std::filesystem::path destination_;  // as given
  std::filesystem::path target_;       // the file replaced: the destination, or what its link names
  std::filesystem::path temporary_;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace darkscan::io
