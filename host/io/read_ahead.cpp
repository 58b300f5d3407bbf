#include "io/read_ahead.hpp"

#include <algorithm>
#include <system_error>
#include <vector>

#include "io/h5.hpp"

namespace darkscan::io {

ReadAhead::ReadAhead(SampleReader& reader, std::uint64_t chunk_rows, ReadBuffers* buffers)
    : reader_(reader),
      chunk_rows_(chunk_rows),
      ahead_(chunk_rows < reader.rows() && reader.reads_through_hdf5() && h5::library_thread_safe()),
      buffers_(buffers != nullptr ? buffers->batch : own_.batch) {
  const std::uint64_t rows = std::min(chunk_rows, reader.rows());
  fit_batch(buffers_[0], reader, rows);
  if (ahead_) {
    fit_batch(buffers_[1], reader, rows);
    start(0, buffers_[0]);
  }
}

ReadAhead::~ReadAhead() {
  if (in_flight_.valid()) in_flight_.wait();
}

void ReadAhead::start(std::uint64_t first, HostBatch& into) {
  const std::uint64_t count = std::min(chunk_rows_, reader_.rows() - first);
  auto read = [this, first, count, &into] {
    h5::silence_errors();  // a per-thread setting (io/h5.hpp)
    std::vector<void*> dst;
    for (auto& c : into.columns) {
      c.bytes.resize(count * dtype_size(c.dtype));  // shorter only for the last range: no reallocation
      dst.push_back(c.data());
    }
    reader_.read(first, count, dst);
    into.first_row = first;
    into.rows = count;
  };
  if (!ahead_) return read();
  try {
    in_flight_ = std::async(std::launch::async, read);
  } catch (const std::system_error&) {
    // No thread to be had (a memory limit: thread stacks count): next() reads this range
    // and the rest in turn, with the same results.
    ahead_ = false;
  }
}

const HostBatch* ReadAhead::next() {
  if (next_first_ >= reader_.rows()) return nullptr;
  if (!ahead_) {
    start(next_first_, buffers_[0]);
    next_first_ += buffers_[0].rows;
    return &buffers_[0];
  }
  in_flight_.get();  // rethrows the read's error
  current_ ^= 1;
  const HostBatch& ready = buffers_[current_];
  next_first_ += ready.rows;
  // The following range goes into the buffer the caller has just given back.
  if (next_first_ < reader_.rows()) start(next_first_, buffers_[current_ ^ 1]);
  return &ready;
}

}  // namespace darkscan::io
