#pragma once
// Reading the columns of one sample of an event file (io/event_file.hpp), a range of
// rows at a time: the logical names mapped to stored ones ([columns] of the config),
// each stored type brought to the logical one (checked where it narrows), columns a
// sample lacks filled, skipped or reported as its request says, and every value read
// checked against its column's rule (io/sample_rules.hpp).
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "darkscan/core/dtype.hpp"
#include "io/column_mapping.hpp"
#include "io/event_file.hpp"
#include "io/host_batch.hpp"
#include "io/sample_rules.hpp"

namespace darkscan::io {

// What to do when a requested column is absent from a sample.
enum class WhenMissing { fail, fill, skip };

struct ColumnRequest {
  std::string logical;  // logical name; the mapping gives the stored one
  DType dtype = DType::f32;
  WhenMissing when_missing = WhenMissing::fail;
  double fill_value = 0.0;
  ValueRule rule = ValueRule::none;  // what its values may be; checked on every row read
};

// The columns docs/formats/events.md requires of a sample of this kind: the detector columns and
// the event number always; MC truth on signal samples (lifetime reweighting needs
// it), where present on background; mc_weight filled with 1 where absent. Each carries
// its column's rule (io::column_rule).
std::vector<ColumnRequest> schema_request(std::string_view kind);

// Reads requested columns of one sample, any range of rows at a time (chunked
// reading: a sample larger than memory is processed in pieces). The chunks of the
// columns the index lists (io/chunk_table.hpp) are read and decoded on every core
// (docs/formats/events.md#reading); HDF5 reads the others. One read at a time per reader.
class SampleReader {
 public:
  SampleReader(const EventFile& file, std::string_view sample, const ColumnMapping& mapping,
               std::vector<ColumnRequest> requests);
  ~SampleReader();
  SampleReader(SampleReader&&) noexcept;
  SampleReader& operator=(SampleReader&&) = delete;

  const SampleInfo& info() const { return *info_; }
  std::uint64_t rows() const { return info_->rows; }
  // The requested columns that will be delivered, in order (skipped ones removed).
  const std::vector<ColumnRequest>& columns() const { return columns_; }
  // Bytes one row occupies in memory over the delivered columns.
  std::size_t row_bytes() const;
  // Whether a read goes through HDF5 for some column (a compound table, a column the
  // index has no chunk table for): the serial part of a read that io::ReadAhead overlaps.
  bool reads_through_hdf5() const;
  // "file.h5: sample 'data'" for messages.
  const std::string& context() const { return context_; }
  std::string column_context(std::size_t i) const;

  // Reads rows [first, first + count) of every delivered column into dst[i], which
  // must hold `count` elements of columns()[i].dtype. InputError at the first value that
  // breaks its column's rule; and when these reads have gone through every row in order
  // from row 0 and the sample is MC, InputError when its n_generated is below the events
  // the `event` column held (io::check_generated_events).
  void read(std::uint64_t first, std::uint64_t count, std::span<void* const> dst);
  // Reads rows [first, first + count) into a new host batch.
  HostBatch read(std::uint64_t first, std::uint64_t count);
  HostBatch read_all() { return read(0, rows()); }

 private:
  // read() without the checks: the stored values brought to the delivered types.
  void read_stored(std::uint64_t first, std::uint64_t count, std::span<void* const> dst);

  struct Impl;
  const SampleInfo* info_;
  std::string context_;
  std::vector<ColumnRequest> columns_;
  std::unique_ptr<Impl> impl_;
};

// Host buffers for `rows` rows of the reader's delivered columns (HostBatch::rows = rows).
HostBatch allocate_batch(const SampleReader& reader, std::uint64_t rows);
// The same in the buffers of `batch`, whatever columns it held: memory it already has is
// used again rather than allocated (and zeroed by the kernel) anew.
void fit_batch(HostBatch& batch, const SampleReader& reader, std::uint64_t rows);

}  // namespace darkscan::io
