#include "io/event_file.hpp"

#include <fmt/format.h>

#include "errors.hpp"
#include "io/sample_rules.hpp"
#include "io/h5_storage.hpp"

namespace darkscan::io {

const StoredColumn* SampleInfo::find_column(std::string_view stored_name) const {
  for (const auto& c : columns)
    if (c.name == stored_name) return &c;
  return nullptr;
}

const h5::AttributeValue* SampleInfo::attribute(std::string_view key) const {
  for (const auto& [k, v] : attributes)
    if (k == key) return &v;
  return nullptr;
}

double SampleInfo::number(std::string_view key, const std::string& ctx) const {
  const auto* v = attribute(key);
  if (v == nullptr) throw_input_error("{}: attribute '{}' is missing", ctx, key);
  if (const auto* d = std::get_if<double>(v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(v)) return static_cast<double>(*i);
  throw_input_error("{}: attribute '{}' is not a number", ctx, key);
}

EventFile::EventFile(std::string path)
    : path_(std::move(path)), file_(h5::open_file_readonly(path_)), raw_(file_.get()) {
  if (h5::link_exists(id(), "/samples")) {
    if (h5::object_type(id(), "/samples", path_) != H5O_TYPE_GROUP)
      throw_input_error("{}: /samples is not a group", path_);
    h5::Group group(h5::check_id(H5Gopen2(id(), "/samples", H5P_DEFAULT), path_, "open /samples"));
    index_samples_group(group.get());
  } else {
    index_root();
  }
  if (samples_.empty())
    throw_input_error("{}: no event samples found (expected /samples/<name>/ groups of 1-D column datasets, "
                      "or compound tables)",
                      path_);
}

EventFile::EventFile(std::string path, std::string_view group)
    : path_(std::move(path)), file_(h5::open_file_readonly(path_)), raw_(file_.get()) {
  const std::string where = "/" + std::string(group);
  if (!h5::link_exists(id(), where) || h5::object_type(id(), where, path_) != H5O_TYPE_GROUP)
    throw_input_error("{}: no {} group of tables (is it the right darkscan output?)", path_, where);
  h5::Group g(h5::check_id(H5Gopen2(id(), where.c_str(), H5P_DEFAULT), path_, "open " + where));
  index_samples_group(g.get(), where);
  if (samples_.empty()) throw_input_error("{}: {} holds no tables", path_, where);
}

const SampleInfo& EventFile::sample(std::string_view name) const {
  for (const auto& s : samples_)
    if (s.name == name) return s;
  std::string names;
  for (const auto& s : samples_) names += (names.empty() ? "" : ", ") + s.name;
  throw_input_error("{}: no sample '{}' (the file has: {})", path_, name, names);
}

void EventFile::index_samples_group(hid_t samples_group, const std::string& group_path) {
  for (const auto& name : h5::child_names(samples_group, fmt::format("{}: {}", path_, group_path))) {
    auto info = index_object(samples_group, group_path, name);
    if (!info) {
      // Under /samples every member is meant to be a sample: say what is wrong with it.
      throw_input_error("{}: {}/{} is neither a group of column datasets nor a compound table", path_, group_path,
                        name);
    }
    samples_.push_back(std::move(*info));
  }
}

void EventFile::index_root() {
  for (const auto& name : h5::child_names(id(), path_)) {
    auto info = index_object(id(), "", name);
    if (info) samples_.push_back(std::move(*info));
  }
}

namespace {
// The rows of a 1-D dataset (0 for another rank), unchecked (dataset_length checks them).
hsize_t extent(hid_t dataset, int* rank, std::string_view context) {
  h5::Dataspace space(h5::check_id(H5Dget_space(dataset), context, "read the dataspace"));
  *rank = H5Sget_simple_extent_ndims(space.get());
  if (*rank != 1) return 0;
  hsize_t dim = 0;
  H5Sget_simple_extent_dims(space.get(), &dim, nullptr);
  return dim;
}

// The rows of a 1-D dataset, refused when its storage cannot hold them (before any row
// is allocated).
hsize_t dataset_length(hid_t dataset, int* rank, std::string_view context) {
  const hsize_t dim = extent(dataset, rank, context);
  if (*rank == 1) h5::check_rows_stored(dataset, dim, context);
  return dim;
}

// Attributes PyTables and pandas keep for their own bookkeeping (table layout, pickled
// index metadata): not the sample's metadata, so not listed with it.
bool is_bookkeeping_attribute(std::string_view name) {
  static constexpr std::string_view exact[] = {
      "CLASS", "VERSION", "TITLE", "NROWS", "FILTERS", "AUTO_INDEX", "pandas_type", "pandas_version",
      "table_type", "index_cols", "values_cols", "non_index_axes", "data_columns", "nan_rep", "levels",
      "info", "encoding", "errors", "metadata"};
  for (auto e : exact)
    if (name == e) return true;
  if (name.starts_with("FIELD_") && (name.ends_with("_NAME") || name.ends_with("_FILL"))) return true;
  return name.ends_with("_kind") || name.ends_with("_meta") || name.ends_with("_dtype");
}

std::vector<std::pair<std::string, h5::AttributeValue>> sample_attributes(hid_t obj, const std::string& context) {
  auto all = h5::read_attributes(obj, context);
  std::erase_if(all, [](const auto& a) { return is_bookkeeping_attribute(a.first); });
  return all;
}

}  // namespace

SampleInfo EventFile::index_compound(const std::string& name, const std::string& path, hid_t dataset,
                                     std::vector<std::pair<std::string, h5::AttributeValue>> attributes) {
  const std::string context = fmt::format("{}: {}", path_, path);
  SampleInfo info;
  info.name = name;
  info.path = path;
  info.layout = SampleLayout::compound_table;
  int rank = 0;
  info.rows = dataset_length(dataset, &rank, context);
  if (rank != 1) throw_input_error("{}: compound table has rank {}, expected 1", context, rank);
  h5::Datatype type(h5::check_id(H5Dget_type(dataset), context, "read the datatype"));
  const int members = H5Tget_nmembers(type.get());
  for (int m = 0; m < members; ++m) {
    char* member_name = H5Tget_member_name(type.get(), static_cast<unsigned>(m));
    h5::Datatype member_type(h5::check_id(H5Tget_member_type(type.get(), static_cast<unsigned>(m)), context,
                                          "read a compound member"));
    info.columns.push_back({member_name, h5::describe_type(member_type.get()), 1, std::nullopt});
    H5free_memory(member_name);
  }
  for (auto& a : sample_attributes(dataset, context)) attributes.push_back(std::move(a));
  info.attributes = std::move(attributes);
  info.kind = sample_kind(path_, info.name, info.attributes);
  return info;
}

std::optional<SampleInfo> EventFile::index_object(hid_t parent, const std::string& parent_path,
                                                  const std::string& name) {
  const std::string path = parent_path + "/" + name;
  const std::string context = fmt::format("{}: {}", path_, path);
  const H5O_type_t type = h5::object_type(parent, name, path_);

  if (type == H5O_TYPE_DATASET) {
    h5::Dataset ds(h5::check_id(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), context, "open the dataset"));
    h5::Datatype dt(h5::check_id(H5Dget_type(ds.get()), context, "read the datatype"));
    if (H5Tget_class(dt.get()) != H5T_COMPOUND) return std::nullopt;
    return index_compound(name, path, ds.get(), {});
  }
  if (type != H5O_TYPE_GROUP) return std::nullopt;

  h5::Group group(h5::check_id(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), context, "open the group"));
  auto attributes = sample_attributes(group.get(), context);

  // pandas/PyTables: the group holds its rows as a compound dataset named "table".
  if (h5::link_exists(group.get(), "table") &&
      h5::object_type(group.get(), "table", path_) == H5O_TYPE_DATASET) {
    h5::Dataset ds(h5::check_id(H5Dopen2(group.get(), "table", H5P_DEFAULT), context, "open 'table'"));
    h5::Datatype dt(h5::check_id(H5Dget_type(ds.get()), context, "read the datatype"));
    if (H5Tget_class(dt.get()) == H5T_COMPOUND) return index_compound(name, path + "/table", ds.get(), attributes);
  }

  SampleInfo info;
  info.name = name;
  info.path = path;
  info.layout = SampleLayout::columns;
  std::string first_1d;  // the column whose length the others must match
  for (const auto& child : h5::child_names(group.get(), context)) {
    if (h5::object_type(group.get(), child, path_) != H5O_TYPE_DATASET) continue;
    h5::Dataset ds(h5::check_id(H5Dopen2(group.get(), child.c_str(), H5P_DEFAULT), context,
                                fmt::format("open dataset '{}'", child)));
    h5::Datatype dt(h5::check_id(H5Dget_type(ds.get()), context, fmt::format("read the type of '{}'", child)));
    int rank = 0;
    const std::string where = fmt::format("{}/{}", context, child);
    const hsize_t length = extent(ds.get(), &rank, where);
    info.columns.push_back({child, h5::describe_type(dt.get()), rank, std::nullopt});
    if (rank != 1) continue;
    // A table of every chunk the rows need also shows that the storage holds them.
    if (raw_.usable()) info.columns.back().chunks = list_chunks(ds.get(), dt.get(), length);
    if (!info.columns.back().chunks) h5::check_rows_stored(ds.get(), length, where);
    if (first_1d.empty()) {
      info.rows = length;
      first_1d = child;
    } else if (length != info.rows) {
      throw_input_error("{}: sample '{}': columns of unequal length: '{}' has {} rows, '{}' has {}", path_, name,
                        child, length, first_1d, info.rows);
    }
  }
  // A group of a file without /samples that holds no datasets is just a group.
  if (info.columns.empty() && parent_path.empty()) return std::nullopt;
  info.attributes = std::move(attributes);
  info.kind = sample_kind(path_, info.name, info.attributes);
  return info;
}

}  // namespace darkscan::io
