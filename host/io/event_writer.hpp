#pragma once
// Writing samples in darkscan's column layout (docs/formats/events.md): /samples/<name>/ groups of
// equal-length 1-D datasets, chunked and compressed (shuffle + deflate, readable by
// h5py and pandas without plugins), attributes on the group, provenance on the
// root. The file appears at its final name only after commit().
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/atomic_output.hpp"
#include "io/h5.hpp"
#include "io/host_batch.hpp"

namespace darkscan::io {

struct WriteOptions {
  // Rows of one HDF5 storage chunk, the unit compressed and read whole (not the rows a
  // reader asks for at a time, [input] chunk_rows): 256 KiB float32 chunks, one fits
  // HDF5's default 1 MiB chunk cache. A table with fewer rows is one chunk of its rows.
  std::uint64_t storage_chunk_rows = 65536;
  unsigned deflate_level = 1;  // 0 = no compression; low levels decode fastest
};

using Attributes = std::vector<std::pair<std::string, h5::AttributeValue>>;

// What a column of a result table is: its `unit` ("" for a dimensionless number or a
// flag) and a one-line `description`, the two attributes every dataset of darkscan's
// result files carries.
struct ColumnDoc {
  std::string_view name;
  std::string_view unit;
  std::string_view description;
};

class EventFileWriter {
 public:
  explicit EventFileWriter(std::filesystem::path destination, WriteOptions options = {});
  // A writer that starts from a copy of an existing darkscan output (`start_from`, which
  // may be the destination itself: it is replaced only by commit()), to add tables to it.
  EventFileWriter(std::filesystem::path destination, const std::filesystem::path& start_from,
                  WriteOptions options = {});
  ~EventFileWriter();

  void set_root_attributes(const Attributes& attributes);
  // Creates /samples/<name> with its attributes and the batch's columns.
  void begin_sample(const std::string& name, const Attributes& attributes, const HostBatch& first_rows) {
    begin_table("samples", name, attributes, first_rows);
  }
  // The same for any table, /<parent>/<name> (e.g. /selected/data), or /<name> when
  // `parent` is empty: a group of equal-length 1-D datasets in the same convention.
  void begin_table(const std::string& parent, const std::string& name, const Attributes& attributes,
                   const HostBatch& first_rows);
  // Attributes of one column of the table begun last (its unit and meaning).
  void describe_column(const std::string& column, const Attributes& attributes);
  // `unit` and `description` of every column of the table begun last, from `docs`. A
  // doc may name a column the table lacks (an optional one, e.g. MC truth); a column
  // without a doc is a std::logic_error, so no table goes out undescribed.
  void describe_columns(std::span<const ColumnDoc> docs);
  // Removes a top-level group (and everything under it) if present: a stage that is
  // rerun replaces its own tables.
  void remove_group(const std::string& name);
  // Copies every table of /<parent> of `source` (a darkscan output) as it is into
  // /<parent>: a merge joining shards whose tables are whole (docs/cluster.md).
  void copy_tables(const std::filesystem::path& source, const std::string& parent);
  // Appends rows to the table begun last (same columns, same order).
  void append(const HostBatch& rows);
  // Closes the file, each object's close checked, and moves it into place
  // (AtomicOutput::commit). Errors are WriteError; a writer destroyed before commit
  // leaves nothing behind, neither its temporary nor an HDF5 id.
  void commit();

 private:
  struct Open;
  // /<parent>, made when first used (the root for "").
  hid_t parent_group(const std::string& parent, const std::string& ctx);
  // Closes the table begun last, each close checked (WriteError).
  void close_current();
  // The table begun last: its datasets, made with chunks of `chunk_rows`; its whole
  // chunks held (and with `including_partial` the rest) encoded and written.
  void create_datasets(hsize_t chunk_rows);
  void write_chunks(bool including_partial);
  void set_column_attributes(std::size_t column, const Attributes& attributes, const std::string& ctx);
  AtomicOutput output_;
  WriteOptions options_;
  h5::File file_;
  std::vector<std::pair<std::string, h5::Group>> parents_;  // top-level groups, made when first used
  std::unique_ptr<Open> current_;
};

}  // namespace darkscan::io
