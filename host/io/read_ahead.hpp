#pragma once
// Reading a sample's row ranges one ahead of their use (docs/formats/outputs.md#conventions): while
// the caller works on one range, a second thread reads the next into the other of two
// buffers, so HDF5's serial part of a read (locating and fetching the chunks) overlaps
// the caller's computation instead of leaving the other cores idle. Ranges are read in
// order, one at a time, so the reader's checks see the rows as a plain loop would, and
// a read's error reaches the caller when it asks for that range, as in that loop.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <optional>
#include <system_error>

#include "io/h5.hpp"
#include "io/host_batch.hpp"
#include "io/sample_reader.hpp"

namespace darkscan::io {

// The two buffers of a ReadAhead, which a caller may keep from one sample to the next:
// allocating them for each sample had the kernel zero fresh pages for every sample.
struct ReadBuffers {
  HostBatch batch[2];
};

class ReadAhead {
 public:
  // Ranges of `chunk_rows` rows (the last one shorter). Reads ahead only where some
  // column is read through HDF5 (SampleReader::reads_through_hdf5), the library is
  // thread-safe (Debian's is: one lock around every call) and there is more than one
  // range; otherwise each range is read when asked for. Columns darkscan reads itself
  // have no serial part to overlap: their chunks are decoded on every core, and a second
  // thread would only bring a second pool of threads to compete for the cores. Into
  // `buffers` where given (one ReadAhead at a time may use them), else into buffers of
  // its own.
  ReadAhead(SampleReader& reader, std::uint64_t chunk_rows, ReadBuffers* buffers = nullptr);
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
  ReadBuffers own_;
  HostBatch* buffers_;          // own_.batch or the caller's
  int current_ = 1;             // the buffer the caller holds
  std::uint64_t next_first_ = 0;  // first row of the range next() returns next
  std::future<void> in_flight_;   // the read of that range, when reading ahead
};

// The same one step ahead for whole samples: item i + 1 (a sample's reader, whose opening
// is HDF5's serial work on each of its datasets) is made on a second thread while the
// caller works on item i. Items are made in order, one at a time; an error in making one
// reaches the caller when it asks for that item. Without a thread-safe HDF5 library each
// item is made when asked for, as after a failure to start the second thread.
template <class T>
class OpenAhead {
 public:
  OpenAhead(std::size_t count, std::function<T(std::size_t)> make)
      : count_(count), make_(std::move(make)), ahead_(count > 1 && h5::library_thread_safe()) {
    if (ahead_) start(0);
  }
  ~OpenAhead() {
    if (in_flight_.valid()) in_flight_.wait();
  }
  OpenAhead(const OpenAhead&) = delete;
  OpenAhead& operator=(const OpenAhead&) = delete;

  // Item `next` (0, 1, ... in turn); nullopt after the last.
  std::optional<T> next() {
    if (next_ >= count_) return std::nullopt;
    const std::size_t i = next_++;
    if (!ahead_) return make_(i);
    T item = in_flight_.get();  // rethrows what making it threw
    if (next_ < count_) start(next_);
    return item;
  }

 private:
  // Without a thread to be had (a memory limit: thread stacks count), items are made in
  // turn from here on, with the same results.
  void start(std::size_t i) {
    try {
      in_flight_ = std::async(std::launch::async, [this, i] {
        h5::silence_errors();  // a per-thread setting (io/h5.hpp)
        return make_(i);
      });
    } catch (const std::system_error&) {
      ahead_ = false;
    }
  }

  std::size_t count_;
  std::function<T(std::size_t)> make_;
  bool ahead_;
  std::size_t next_ = 0;
  std::future<T> in_flight_;
};

}  // namespace darkscan::io
