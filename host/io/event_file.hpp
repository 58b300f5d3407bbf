#pragma once
// Reading event samples from HDF5 (DATA.md). Two layouts are understood:
//  - columns: a group holding one 1-D dataset per column (darkscan's own layout);
//  - compound table: one compound dataset with a field per column, as PyTables,
//    pandas (`to_hdf(format="table", data_columns=True)`) and basf2's
//    VariablesToHDF5 write it.
// Samples are found under /samples/<name>; a file without /samples is searched at
// its root for compound tables and pandas groups (a basf2 ntuple is one sample).
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/column_mapping.hpp"
#include "io/h5.hpp"
#include "io/host_batch.hpp"

namespace darkscan::io {

enum class SampleLayout { columns, compound_table };

struct StoredColumn {
  std::string name;
  h5::StoredType type;
  int rank = 1;  // columns layout: datasets of another rank are listed but cannot be read
};

struct SampleInfo {
  std::string name;
  std::string path;  // HDF5 path of the column group, or of the compound dataset
  SampleLayout layout = SampleLayout::columns;
  std::string kind;  // "data", "signal", "background", or "" when the file does not say
  std::uint64_t rows = 0;
  std::vector<StoredColumn> columns;
  std::vector<std::pair<std::string, h5::AttributeValue>> attributes;

  const StoredColumn* find_column(std::string_view stored_name) const;
  const h5::AttributeValue* attribute(std::string_view key) const;
  // A numeric attribute (stored as integer or float); InputError "<ctx>: attribute ..."
  // when it is missing or not a number.
  double number(std::string_view key, const std::string& ctx) const;
};

class EventFile {
 public:
  // Opens and indexes the file; throws InputError naming the file on any problem
  // (missing, not HDF5, truncated, no samples, columns of unequal length, bad kind).
  explicit EventFile(std::string path);
  // The tables of another top-level group of darkscan's outputs (e.g. "efficiency" of a
  // signal model file), read with the same rules; InputError when the group is absent.
  EventFile(std::string path, std::string_view group);

  const std::string& path() const { return path_; }
  hid_t id() const { return file_.get(); }
  const std::vector<SampleInfo>& samples() const { return samples_; }
  // Throws InputError naming the file and the sample, listing those present.
  const SampleInfo& sample(std::string_view name) const;

 private:
  void index_samples_group(hid_t samples_group, const std::string& group_path = "/samples");
  void index_root();
  std::optional<SampleInfo> index_object(hid_t parent, const std::string& parent_path, const std::string& name);
  SampleInfo index_compound(const std::string& name, const std::string& path, hid_t dataset,
                            std::vector<std::pair<std::string, h5::AttributeValue>> attributes);

  std::string path_;
  h5::File file_;
  std::vector<SampleInfo> samples_;
};

// What to do when a requested column is absent from a sample.
enum class WhenMissing { fail, fill, skip };

struct ColumnRequest {
  std::string logical;  // logical name; the mapping gives the stored one
  DType dtype = DType::f32;
  WhenMissing when_missing = WhenMissing::fail;
  double fill_value = 0.0;
};

// The columns DATA.md requires of a sample of this kind: the detector columns and
// the event number always; MC truth on signal samples (lifetime reweighting needs
// it), where present on background; mc_weight filled with 1 where absent.
std::vector<ColumnRequest> schema_request(std::string_view kind);

// Reads requested columns of one sample, any range of rows at a time (chunked
// reading: a sample larger than memory is processed in pieces). One thread at a time:
// HDF5 builds are either not thread-safe or (Debian's) serialise every call behind
// one global lock, so concurrent readers would gain nothing.
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
  // "file.h5: sample 'data'" for messages.
  const std::string& context() const { return context_; }
  std::string column_context(std::size_t i) const;

  // Reads rows [first, first + count) of every delivered column into dst[i], which
  // must hold `count` elements of columns()[i].dtype.
  void read(std::uint64_t first, std::uint64_t count, std::span<void* const> dst);
  // Reads rows [first, first + count) into a new host batch.
  HostBatch read(std::uint64_t first, std::uint64_t count);
  HostBatch read_all() { return read(0, rows()); }

 private:
  struct Impl;
  const SampleInfo* info_;
  std::string context_;
  std::vector<ColumnRequest> columns_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace darkscan::io
