#pragma once
// Reading a sample's row ranges one ahead of their use (docs/formats/outputs.md#conventions): while
// the caller works on one range, a second thread reads the next into the other of two
// buffers, so HDF5's serial part of a read (locating and fetching the chunks) overlaps
// the caller's computation instead of leaving the other cores idle. Ranges are read in
// order, one at a time, so the reader's checks see the rows as a plain loop would, and
// a read's error reaches the caller when it asks for that range, as in that loop.
#include <cstdint>
#include <future>

#include "io/host_batch.hpp"
#include "io/sample_reader.hpp"

namespace darkscan::io {

class ReadAhead {
 public:
  // Ranges of `chunk_rows` rows (the last one shorter). Reads ahead only where the HDF5
  // library is thread-safe (Debian's is: one lock around every call) and there is more
  // than one range; otherwise each range is read when asked for.
  ReadAhead(SampleReader& reader, std::uint64_t chunk_rows);
  ~ReadAhead();  // waits for a read in flight (its result is dropped)
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  // The next range, read into a buffer that stays valid until the following call (whose
  // read goes into the buffer the caller had before); nullptr after the last range.
  const HostBatch* next();

 private:
  void start(std::uint64_t first, HostBatch& into);

  SampleReader& reader_;
  std::uint64_t chunk_rows_;
  bool ahead_;
  HostBatch buffers_[2];
  int current_ = 1;             // the buffer the caller holds
  std::uint64_t next_first_ = 0;  // first row of the range next() returns next
  std::future<void> in_flight_;   // the read of that range, when reading ahead
};

}  // namespace darkscan::io
