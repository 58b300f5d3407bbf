#pragma once
// An output file that appears whole or not at all: written under a temporary name
// in the destination's folder, renamed onto the destination by commit(), removed if
// the writer is destroyed first (an error, an interrupt that unwinds).
#include <filesystem>
#include <string>

namespace darkscan::io {

class AtomicOutput {
 public:
  // Throws InputError when the destination's folder does not exist or is a file.
  explicit AtomicOutput(std::filesystem::path destination);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  const std::filesystem::path& temporary() const { return temporary_; }
  const std::filesystem::path& destination() const { return destination_; }
  // Renames the temporary onto the destination (atomic within one file system).
  void commit();

 private:
  std::filesystem::path destination_;
  std::filesystem::path temporary_;
  bool committed_ = false;
};

}  // namespace darkscan::io
