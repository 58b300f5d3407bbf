#include "io/event_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <span>

#include "errors.hpp"
#include "io/chunk_codec.hpp"
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

// The table begun last. Its rows are held until a whole storage chunk of them is there,
// so that its datasets are made with chunks of the right size: a table that ends with
// fewer rows than WriteOptions::storage_chunk_rows is one chunk of exactly its rows (a
// padded 65,536-row chunk per column of a 9-row table costs a reader 7,000 times the
// data). Whole chunks are encoded on every core (io/chunk_codec.hpp) and written raw.
struct EventFileWriter::Open {
  std::string name;
  h5::Group group;
  std::vector<h5::Dataset> datasets;  // made at the first whole chunk, or at close
  std::vector<std::string> columns;
  std::vector<DType> dtypes;
  std::vector<Attributes> attributes;  // of each column, until its dataset exists
  std::vector<std::vector<std::byte>> pending;  // each column's rows not yet written
  std::uint64_t rows = 0;      // rows appended
  std::uint64_t written = 0;   // rows in chunks on disk
  hsize_t chunk_rows = 0;      // once the datasets exist
  std::vector<ChunkFilters> filters;  // of each column, once the datasets exist
  // Each column's first chunk, encoded when its filters were chosen; written by the
  // first write_chunks.
  std::vector<std::vector<std::byte>> first_chunk;
};

namespace {

// Chunk k of the `held` rows of `pending` (the last one padded with zeros, HDF5's fill
// value, to the chunk's size, as HDF5 stores it).
std::span<const std::byte> chunk_bytes(const std::vector<std::byte>& pending, std::uint64_t k, hsize_t chunk_rows,
                                       std::uint64_t held, std::size_t size) {
  const std::size_t bytes = chunk_rows * size;
  const std::uint64_t rows = std::min<std::uint64_t>(chunk_rows, held - k * chunk_rows);
  std::span<const std::byte> raw(pending.data() + k * bytes, rows * size);
  if (rows == chunk_rows) return raw;
  thread_local std::vector<std::byte> padded;
  padded.assign(bytes, std::byte{0});
  std::copy(raw.begin(), raw.end(), padded.begin());
  return padded;
}

}  // namespace

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

hid_t EventFileWriter::parent_group(const std::string& parent, const std::string& ctx) {
  if (parent.empty()) return file_.get();
  for (const auto& [n, g] : parents_)
    if (n == parent) return g.get();
  const auto group_create = untimed_group_properties(ctx);
  parents_.emplace_back(parent, h5::Group(h5::check_write_id(H5Gcreate2(file_.get(), parent.c_str(), H5P_DEFAULT,
                                                                        group_create.get(), H5P_DEFAULT),
                                                             ctx, fmt::format("create /{}", parent))));
  return parents_.back().second.get();
}

void EventFileWriter::copy_tables(const std::filesystem::path& source, const std::string& parent) {
  h5::silence_errors();
  const std::string ctx = fmt::format("{}: /{} of {}", output_.destination().string(), parent, source.string());
  const auto from = h5::open_file_readonly(source.string());
  if (!h5::link_exists(from.get(), "/" + parent)) return;
  const h5::Group group(h5::check_id(H5Gopen2(from.get(), parent.c_str(), H5P_DEFAULT), ctx, "open it"));
  close_current();
  const hid_t to = parent_group(parent, ctx);
  // The objects without their attributes, which are then written as the writer writes
  // them: the HDF5 of Debian 12 (1.10) crashes copying the string attributes of an object
  // that holds many of them (dense storage), as a table of the signal model does.
  const h5::Handle<H5Pclose> copy(h5::check_id(H5Pcreate(H5P_OBJECT_COPY), ctx, "make copy properties"));
  h5::check_status(H5Pset_copy_object(copy.get(), H5O_COPY_WITHOUT_ATTR_FLAG), ctx, "set copy properties");
  const auto copy_attributes = [&](hid_t from_object, hid_t to_object, const std::string& what) {
    for (const auto& [k, v] : h5::read_attributes(from_object, what)) h5::write_attribute(to_object, k, v, what);
  };
  for (const auto& name : h5::child_names(group.get(), ctx)) {
    h5::check_write_status(H5Ocopy(group.get(), name.c_str(), to, name.c_str(), copy.get(), H5P_DEFAULT), ctx,
                           fmt::format("copy {}", name));
    // A table: a group of column datasets (event_file.hpp).
    const h5::Handle<H5Oclose> table_from(h5::check_id(H5Oopen(group.get(), name.c_str(), H5P_DEFAULT), ctx, name));
    const h5::Handle<H5Oclose> table_to(h5::check_id(H5Oopen(to, name.c_str(), H5P_DEFAULT), ctx, name));
    const std::string what = fmt::format("{}/{}", ctx, name);
    copy_attributes(table_from.get(), table_to.get(), what);
    if (h5::object_type(group.get(), name, ctx) != H5O_TYPE_GROUP) continue;
    for (const auto& column : h5::child_names(table_from.get(), what)) {
      const h5::Handle<H5Oclose> a(h5::check_id(H5Oopen(table_from.get(), column.c_str(), H5P_DEFAULT), what, column));
      const h5::Handle<H5Oclose> b(h5::check_id(H5Oopen(table_to.get(), column.c_str(), H5P_DEFAULT), what, column));
      copy_attributes(a.get(), b.get(), fmt::format("{}/{}", what, column));
    }
  }
}

void EventFileWriter::begin_table(const std::string& parent, const std::string& name, const Attributes& attributes,
                                  const HostBatch& first_rows) {
  h5::silence_errors();  // this may be another thread than the constructor's
  const std::string table = parent.empty() ? name : fmt::format("{}/{}", parent, name);
  const std::string ctx = fmt::format("{}: /{}", output_.destination().string(), table);
  const auto group_create = untimed_group_properties(ctx);
  const hid_t parent_id = parent_group(parent, ctx);
  close_current();
  current_ = std::make_unique<Open>();
  current_->name = table;
  current_->group = h5::Group(h5::check_write_id(
      H5Gcreate2(parent_id, name.c_str(), H5P_DEFAULT, group_create.get(), H5P_DEFAULT), ctx, "create it"));
  for (const auto& [k, v] : attributes) h5::write_attribute(current_->group.get(), k, v, ctx);

  for (const auto& col : first_rows.columns) {
    current_->columns.push_back(col.name);
    current_->dtypes.push_back(col.dtype);
  }
  current_->attributes.resize(current_->columns.size());
  current_->pending.resize(current_->columns.size());
  append(first_rows);
}

void EventFileWriter::create_datasets(hsize_t chunk_rows) {
  Open& t = *current_;
  const std::string ctx = fmt::format("{}: /{}", output_.destination().string(), t.name);
  t.chunk_rows = std::max<hsize_t>(1, chunk_rows);
  // Each column's filters, from its first chunk (docs/formats/events.md#layout): shuffle +
  // deflate where they shrink it to less than 1/kMinRatio, none where they do not (noisy
  // floats: deflate would save a few percent of space at the cost of decoding every read).
  constexpr double kMinRatio = 1.2;
  const std::uint64_t held = t.rows - t.written;
  const bool deflate = options_.deflate_level > 0;
  t.filters.assign(t.columns.size(), {deflate, deflate, options_.deflate_level});
  t.first_chunk.assign(t.columns.size(), {});
  if (deflate && held > 0)
    run_codec_tasks(t.columns.size(), [&](std::size_t i) {
      const std::size_t size = dtype_size(t.dtypes[i]);
      const auto raw = chunk_bytes(t.pending[i], 0, t.chunk_rows, held, size);
      encode_chunk(raw, size, t.filters[i], t.first_chunk[i]);
      if (static_cast<double>(raw.size()) < kMinRatio * static_cast<double>(t.first_chunk[i].size())) {
        t.filters[i] = {};
        t.first_chunk[i].assign(raw.begin(), raw.end());
      }
    });
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    const hsize_t zero = 0;
    const hsize_t unlimited = H5S_UNLIMITED;
    h5::Dataspace space(h5::check_write_id(H5Screate_simple(1, &zero, &unlimited), ctx, "create a dataspace"));
    h5::PropertyList create(h5::check_write_id(H5Pcreate(H5P_DATASET_CREATE), ctx, "create a property list"));
    h5::check_write_status(H5Pset_chunk(create.get(), 1, &t.chunk_rows), ctx, "set the chunk size");
    h5::check_write_status(H5Pset_obj_track_times(create.get(), false), ctx, "turn off modification times");
    if (t.filters[i].shuffle) h5::check_write_status(H5Pset_shuffle(create.get()), ctx, "enable shuffle");
    if (t.filters[i].deflate)
      h5::check_write_status(H5Pset_deflate(create.get(), t.filters[i].deflate_level), ctx, "enable deflate");
    t.datasets.emplace_back(h5::check_write_id(H5Dcreate2(t.group.get(), t.columns[i].c_str(),
                                                          h5::native_type(t.dtypes[i]), space.get(), H5P_DEFAULT,
                                                          create.get(), H5P_DEFAULT),
                                               ctx, fmt::format("create column '{}'", t.columns[i])));
    const std::string column_ctx = fmt::format("{}/{}", ctx, t.columns[i]);
    for (const auto& [k, v] : t.attributes[i]) h5::write_attribute(t.datasets.back().get(), k, v, column_ctx);
    t.attributes[i].clear();
  }
}

void EventFileWriter::write_chunks(bool including_partial) {
  Open& t = *current_;
  const std::uint64_t held = t.rows - t.written;
  const std::uint64_t whole = held / t.chunk_rows;
  const std::uint64_t chunks = whole + (including_partial && held % t.chunk_rows != 0 ? 1 : 0);
  if (chunks == 0) return;
  const std::string ctx = fmt::format("{}: /{}", output_.destination().string(), t.name);
  const std::uint64_t rows_out = std::min<std::uint64_t>(held, chunks * t.chunk_rows);
  // Encoded side by side, then written in order by this thread.
  const std::size_t columns = t.columns.size();
  std::vector<std::vector<std::byte>> encoded(columns * chunks);
  run_codec_tasks(encoded.size(), [&](std::size_t task) {
    const std::size_t column = task / chunks;
    const std::uint64_t k = task % chunks;
    if (k == 0 && !t.first_chunk[column].empty()) {
      encoded[task] = std::move(t.first_chunk[column]);
      return;
    }
    const std::size_t size = dtype_size(t.dtypes[column]);
    encode_chunk(chunk_bytes(t.pending[column], k, t.chunk_rows, held, size), size, t.filters[column],
                 encoded[task]);
  });
  for (auto& first : t.first_chunk) std::vector<std::byte>().swap(first);
  const hsize_t extent = t.written + rows_out;
  for (std::size_t column = 0; column < columns; ++column) {
    const hid_t ds = t.datasets[column].get();
    const std::string what = fmt::format("write column '{}'", t.columns[column]);
    h5::check_write_status(H5Dset_extent(ds, &extent), ctx, what);
    for (std::uint64_t k = 0; k < chunks; ++k) {
      const hsize_t offset = t.written + k * t.chunk_rows;
      const auto& bytes = encoded[column * chunks + k];
      h5::check_write_status(H5Dwrite_chunk(ds, H5P_DEFAULT, 0, &offset, bytes.size(), bytes.data()), ctx, what);
    }
    auto& pending = t.pending[column];
    pending.erase(pending.begin(),
                  pending.begin() + static_cast<std::ptrdiff_t>(rows_out * dtype_size(t.dtypes[column])));
  }
  t.written = extent;
}

void EventFileWriter::describe_column(const std::string& column, const Attributes& attributes) {
  if (!current_) throw std::logic_error("EventFileWriter::describe_column before begin_table");
  const std::string ctx = fmt::format("{}: /{}/{}", output_.destination().string(), current_->name, column);
  for (std::size_t i = 0; i < current_->columns.size(); ++i)
    if (current_->columns[i] == column) {
      set_column_attributes(i, attributes, ctx);
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
    set_column_attributes(i, {{"unit", std::string(doc->unit)}, {"description", std::string(doc->description)}}, ctx);
  }
}

void EventFileWriter::append(const HostBatch& rows) {
  h5::silence_errors();
  if (!current_) throw std::logic_error("EventFileWriter::append before begin_sample");
  const std::string ctx = fmt::format("{}: /{}", output_.destination().string(), current_->name);
  if (rows.columns.size() != current_->columns.size())
    throw std::logic_error(fmt::format("{}: appended rows have {} columns, the sample has {}", ctx,
                                       rows.columns.size(), current_->columns.size()));
  for (std::size_t i = 0; i < rows.columns.size(); ++i) {
    const auto& col = rows.columns[i];
    if (col.name != current_->columns[i] || col.dtype != current_->dtypes[i] || col.size() != rows.rows)
      throw std::logic_error(fmt::format("{}: column '{}' does not match the sample's layout", ctx, col.name));
  }
  if (rows.rows == 0) return;
  for (std::size_t i = 0; i < rows.columns.size(); ++i)
    current_->pending[i].insert(current_->pending[i].end(), rows.columns[i].bytes.begin(),
                                rows.columns[i].bytes.end());
  current_->rows += rows.rows;
  const std::uint64_t chunk = std::max<std::uint64_t>(1, options_.storage_chunk_rows);
  if (current_->datasets.empty() && current_->rows - current_->written >= chunk) create_datasets(chunk);
  if (!current_->datasets.empty()) write_chunks(false);
}

void EventFileWriter::set_column_attributes(std::size_t column, const Attributes& attributes,
                                            const std::string& ctx) {
  if (current_->datasets.empty()) {
    auto& held = current_->attributes[column];
    held.insert(held.end(), attributes.begin(), attributes.end());
    return;
  }
  for (const auto& [k, v] : attributes) h5::write_attribute(current_->datasets[column].get(), k, v, ctx);
}

void EventFileWriter::close_current() {
  if (!current_) return;
  // Closing a dataset writes the chunks HDF5 still holds of it: checked. A close that
  // fails leaves its id with the writer, for the destructor to abandon.
  const std::string ctx = fmt::format("{}: /{}", output_.destination().string(), current_->name);
  // A table shorter than a storage chunk is one chunk of its own rows.
  if (current_->datasets.empty())
    create_datasets(std::clamp<std::uint64_t>(current_->rows, 1, std::max<std::uint64_t>(1, options_.storage_chunk_rows)));
  write_chunks(true);
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
