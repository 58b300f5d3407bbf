#pragma once
// Opening an HDF5 event file (docs/formats/events.md) and indexing its samples: their layout, rows,
// stored columns and attributes. Reading a sample's columns is io/sample_reader.hpp's.
// Two layouts are understood:
//  - columns: a group holding one 1-D dataset per column (darkscan's own layout);
//  - compound table: one compound dataset with a field per column, as PyTables,
//    pandas (`to_hdf(format="table", data_columns=True)`) and basf2's
//    VariablesToHDF5 write it.
// Samples are found under /samples/<name>; a file without /samples is searched at
// its root for compound tables and pandas groups (a basf2 ntuple is one sample).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/chunk_table.hpp"
#include "io/h5.hpp"
#include "io/raw_file.hpp"

namespace darkscan::io {

enum class SampleLayout { columns, compound_table };

struct StoredColumn {
  std::string name;
  h5::StoredType type;
  int rank = 1;  // columns layout: datasets of another rank are listed but cannot be read
  // Columns layout: where its chunks lie, when darkscan reads them itself
  // (io/chunk_table.hpp); nullopt leaves the column to HDF5's read.
  std::optional<ChunkTable> chunks;
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
  // The file's bytes at the addresses of the columns' chunk tables (io/raw_file.hpp).
  const RawFile& raw() const { return raw_; }
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
  RawFile raw_;
  std::vector<SampleInfo> samples_;
};

}  // namespace darkscan::io
