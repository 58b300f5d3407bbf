#include "io/event_writer.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "errors.hpp"
#include "io/h5_storage.hpp"

namespace darkscan::io {

namespace {

// Creation properties of groups without modification times: HDF5 stamps every object
// with the time it was written unless told not to, and the same inputs must give the
// same bytes.
h5::PropertyList untimed_group_properties(const std::string& ctx) {
  h5::PropertyList create(h5::check_write_id(H5Pcreate(H5P_GROUP_CREATE), ctx, "create a property list"));
  h5::check_write_status(H5Pset_obj_track_times(create.get(), false), ctx, "turn off modification times");
  return create;
}

}  // namespace

struct EventFileWriter::Open {
  std::string name;
  h5::Group group;
  std::vector<h5::Dataset> datasets;
  std::vector<std::string> columns;
  std::uint64_t rows = 0;
};

EventFileWriter::EventFileWriter(std::filesystem::path destination, WriteOptions options)
    : output_(std::move(destination)), options_(options) {
  h5::silence_errors();
  const std::string ctx = output_.destination().string();
  h5::PropertyList file_create(h5::check_write_id(H5Pcreate(H5P_FILE_CREATE), ctx, "create a property list"));
  h5::check_write_status(H5Pset_obj_track_times(file_create.get(), false), ctx, "turn off modification times");
  const auto access = h5::checksummed_file_access(ctx);
  file_ = h5::File(h5::check_write_id(
      H5Fcreate(output_.temporary().c_str(), H5F_ACC_TRUNC, file_create.get(), access.get()), ctx, "create the file"));
}

EventFileWriter::EventFileWriter(std::filesystem::path destination, const std::filesystem::path& start_from,
                                 WriteOptions options)
    : output_(std::move(destination)), options_(options) {
  h5::silence_errors();
  const std::string ctx = start_from.string();
  output_.copy_from(start_from);
  // The tables added get the checksummed format whatever the format of the copy.
  const auto access = h5::checksummed_file_access(output_.destination().string());
  file_ = h5::File(h5::check_id(H5Fopen(output_.temporary().c_str(), H5F_ACC_RDWR, access.get()), ctx,
                                "open a copy for writing (not an HDF5 file?)"));
}

EventFileWriter::~EventFileWriter() {
  if (!file_) return;  // committed, or never opened
  // An unfinished file, after an error: nothing of it is kept, and no HDF5 id of it may
  // outlive the writer (HDF5 would close it again at exit). Its writes are sent nowhere
  // before the objects are closed, as closing flushes them.
  const hid_t file = file_.release();
  h5::abandon_file(file);
  // The ids closed with the file are forgotten, not closed twice.
  if (current_) {
    (void)current_->group.release();
    for (auto& d : current_->datasets) (void)d.release();
  }
  for (auto& [name, group] : parents_) (void)group.release();
}

void EventFileWriter::remove_group(const std::string& name) {
  close_current();
  std::erase_if(parents_, [&](const auto& p) { return p.first == name; });
  if (H5Lexists(file_.get(), name.c_str(), H5P_DEFAULT) > 0)
    h5::check_write_status(H5Ldelete(file_.get(), name.c_str(), H5P_DEFAULT), output_.destination().string(),
                           fmt::format("remove /{}", name));
}

void EventFileWriter::set_root_attributes(const Attributes& attributes) {
  for (const auto& [k, v] : attributes) h5::write_attribute(file_.get(), k, v, output_.destination().string());
}

void EventFileWriter::begin_table(const std::string& parent, const std::string& name, const Attributes& attributes,
                                  const HostBatch& first_rows) {
  h5::silence_errors();  // this may be another thread than the constructor's
  const std::string table = parent.empty() ? name : fmt::format("{}/{}", parent, name);
  const std::string ctx = fmt::format("{}: /{}", output_.destination().string(), table);
  const auto group_create = untimed_group_properties(ctx);
  hid_t parent_id = parent.empty() ? file_.get() : -1;
  for (const auto& [n, g] : parents_)
    if (n == parent) parent_id = g.get();
  if (parent_id < 0) {
    parents_.emplace_back(parent, h5::Group(h5::check_write_id(H5Gcreate2(file_.get(), parent.c_str(), H5P_DEFAULT,
                                                                          group_create.get(), H5P_DEFAULT),
                                                               ctx, fmt::format("create /{}", parent))));
    parent_id = parents_.back().second.get();
  }
  close_current();
  current_ = std::make_unique<Open>();
  current_->name = table;
  current_->group = h5::Group(h5::check_write_id(
      H5Gcreate2(parent_id, name.c_str(), H5P_DEFAULT, group_create.get(), H5P_DEFAULT), ctx, "create it"));
  for (const auto& [k, v] : attributes) h5::write_attribute(current_->group.get(), k, v, ctx);

  for (const auto& col : first_rows.columns) {
    const hsize_t zero = 0;
    const hsize_t unlimited = H5S_UNLIMITED;
    h5::Dataspace space(h5::check_write_id(H5Screate_simple(1, &zero, &unlimited), ctx, "create a dataspace"));
    h5::PropertyList create(h5::check_write_id(H5Pcreate(H5P_DATASET_CREATE), ctx, "create a property list"));
    const hsize_t chunk = std::max<std::uint64_t>(1, options_.storage_chunk_rows);
    h5::check_write_status(H5Pset_chunk(create.get(), 1, &chunk), ctx, "set the chunk size");
    h5::check_write_status(H5Pset_obj_track_times(create.get(), false), ctx, "turn off modification times");
    if (options_.deflate_level > 0) {
      h5::check_write_status(H5Pset_shuffle(create.get()), ctx, "enable shuffle");
      h5::check_write_status(H5Pset_deflate(create.get(), options_.deflate_level), ctx, "enable deflate");
    }
    current_->datasets.emplace_back(h5::check_write_id(
        H5Dcreate2(current_->group.get(), col.name.c_str(), h5::native_type(col.dtype), space.get(), H5P_DEFAULT,
                   create.get(), H5P_DEFAULT),
        ctx, fmt::format("create column '{}'", col.name)));
    current_->columns.push_back(col.name);
  }
  append(first_rows);
}

void EventFileWriter::describe_column(const std::string& column, const Attributes& attributes) {
  if (!current_) throw std::logic_error("EventFileWriter::describe_column before begin_table");
  const std::string ctx = fmt::format("{}: /{}/{}", output_.destination().string(), current_->name, column);
  for (std::size_t i = 0; i < current_->columns.size(); ++i)
    if (current_->columns[i] == column) {
      for (const auto& [k, v] : attributes) h5::write_attribute(current_->datasets[i].get(), k, v, ctx);
      return;
    }
  throw std::logic_error(ctx + ": no such column in the table");
}

void EventFileWriter::describe_columns(std::span<const ColumnDoc> docs) {
  if (!current_) throw std::logic_error("EventFileWriter::describe_columns before begin_table");
  for (std::size_t i = 0; i < current_->columns.size(); ++i) {
    const std::string& column = current_->columns[i];
    const auto doc = std::find_if(docs.begin(), docs.end(), [&](const ColumnDoc& d) { return d.name == column; });
    const std::string ctx = fmt::format("{}: /{}/{}", output_.destination().string(), current_->name, column);
    if (doc == docs.end()) throw std::logic_error(ctx + ": the column has no unit and description");
    h5::write_attribute(current_->datasets[i].get(), "unit", std::string(doc->unit), ctx);
    h5::write_attribute(current_->datasets[i].get(), "description", std::string(doc->description), ctx);
  }
}

void EventFileWriter::append(const HostBatch& rows) {
  h5::silence_errors();
  if (!current_) throw std::logic_error("EventFileWriter::append before begin_sample");
  const std::string ctx = fmt::format("{}: /{}", output_.destination().string(), current_->name);
  if (rows.columns.size() != current_->columns.size())
    throw std::logic_error(fmt::format("{}: appended rows have {} columns, the sample has {}", ctx,
                                       rows.columns.size(), current_->columns.size()));
  if (rows.rows == 0) return;
  const hsize_t start = current_->rows;
  const hsize_t count = rows.rows;
  const hsize_t new_size = start + count;
  h5::Dataspace mem(h5::check_write_id(H5Screate_simple(1, &count, nullptr), ctx, "create a dataspace"));
  for (std::size_t i = 0; i < rows.columns.size(); ++i) {
    const auto& col = rows.columns[i];
    if (col.name != current_->columns[i] || col.size() != rows.rows)
      throw std::logic_error(fmt::format("{}: column '{}' does not match the sample's layout", ctx, col.name));
    const hid_t ds = current_->datasets[i].get();
    const std::string what = fmt::format("write column '{}'", col.name);
    h5::check_write_status(H5Dset_extent(ds, &new_size), ctx, what);
    h5::Dataspace file_space(h5::check_write_id(H5Dget_space(ds), ctx, what));
    h5::check_write_status(
        H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr), ctx, what);
    h5::check_write_status(H5Dwrite(ds, h5::native_type(col.dtype), mem.get(), file_space.get(), H5P_DEFAULT,
                                    col.bytes.data()),
                           ctx, what);
  }
  current_->rows = new_size;
}

void EventFileWriter::close_current() {
  if (!current_) return;
  // Closing a dataset writes the chunks HDF5 still holds of it: checked. A close that
  // fails leaves its id with the writer, for the destructor to abandon.
  const std::string ctx = fmt::format("{}: /{}", output_.destination().string(), current_->name);
  for (std::size_t i = 0; i < current_->datasets.size(); ++i)
    h5::check_write_status(current_->datasets[i].close(), ctx, fmt::format("write column '{}'", current_->columns[i]));
  h5::check_write_status(current_->group.close(), ctx, "write the group");
  current_.reset();
}

void EventFileWriter::commit() {
  const std::string ctx = output_.destination().string();
  // Closing writes the last chunks and the metadata: each close is checked, the
  // datasets' (their chunks) before the file's.
  close_current();
  for (auto& [name, group] : parents_) h5::check_write_status(group.close(), ctx, fmt::format("write /{}", name));
  parents_.clear();
  if (file_) h5::check_write_status(file_.close(), ctx, "write and close the file");
  output_.commit();
}

}  // namespace darkscan::io
