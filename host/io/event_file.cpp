#include "io/event_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "darkscan/events/schema.hpp"
#include "errors.hpp"

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

// ---------------------------------------------------------------------------------
// Indexing

EventFile::EventFile(std::string path) : path_(std::move(path)), file_(h5::open_file_readonly(path_)) {
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
    : path_(std::move(path)), file_(h5::open_file_readonly(path_)) {
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
hsize_t dataset_length(hid_t dataset, int* rank, std::string_view context) {
  h5::Dataspace space(h5::check_id(H5Dget_space(dataset), context, "read the dataspace"));
  *rank = H5Sget_simple_extent_ndims(space.get());
  if (*rank != 1) return 0;
  hsize_t dim = 0;
  H5Sget_simple_extent_dims(space.get(), &dim, nullptr);
  return dim;
}

void check_kind(const SampleInfo& info, const std::string& file) {
  if (info.kind.empty() || info.kind == "data" || info.kind == "signal" || info.kind == "background") return;
  throw_input_error("{}: sample '{}': attribute kind = '{}' is not one of data, signal, background", file,
                    info.name, info.kind);
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

std::string kind_attribute(const std::vector<std::pair<std::string, h5::AttributeValue>>& attrs) {
  for (const auto& [k, v] : attrs)
    if (k == "kind") {
      if (const auto* s = std::get_if<std::string>(&v)) return *s;
      return "<not a string>";
    }
  return {};
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
    info.columns.push_back({member_name, h5::describe_type(member_type.get()), 1});
    H5free_memory(member_name);
  }
  for (auto& a : sample_attributes(dataset, context)) attributes.push_back(std::move(a));
  info.attributes = std::move(attributes);
  info.kind = kind_attribute(info.attributes);
  check_kind(info, path_);
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
    const hsize_t length = dataset_length(ds.get(), &rank, fmt::format("{}/{}", context, child));
    info.columns.push_back({child, h5::describe_type(dt.get()), rank});
    if (rank != 1) continue;
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
  info.kind = kind_attribute(info.attributes);
  check_kind(info, path_);
  return info;
}

// ---------------------------------------------------------------------------------
// The schema

std::vector<ColumnRequest> schema_request(std::string_view kind) {
  std::vector<ColumnRequest> out;
  const bool mc = kind == "signal" || kind == "background";
  for (const auto& c : events::kColumns) {
    ColumnRequest r{std::string(c.name), c.dtype, WhenMissing::fail, 0.0};
    switch (c.role) {
      case events::ColumnRole::key:
      case events::ColumnRole::detector: break;
      case events::ColumnRole::mc_truth:
        if (!mc) continue;
        r.when_missing = kind == "signal" ? WhenMissing::fail : WhenMissing::skip;
        break;
      case events::ColumnRole::mc_weight:
        if (!mc) continue;
        r.when_missing = WhenMissing::fill;
        r.fill_value = 1.0;
        break;
    }
    out.push_back(std::move(r));
  }
  return out;
}

// ---------------------------------------------------------------------------------
// Reading

namespace {

// How a stored column reaches its in-memory type: directly through HDF5's
// conversion when that is exact, or through a wide staging type that darkscan then
// checks (an integer column stored as float, as basf2 writes every variable, must
// hold integers; a wide integer must fit).
enum class Staging { direct, via_double, via_int64, fill };

Staging choose_staging(const h5::StoredType& stored, DType logical, std::size_t stored_size, bool stored_signed,
                       const std::string& context) {
  if (!stored.dtype)
    throw_input_error("{}: has type {}; expected {}", context, stored.description, dtype_name(logical));
  const bool stored_float = dtype_is_float(*stored.dtype);
  if (dtype_is_float(logical)) {
    if (!stored_float)
      throw_input_error("{}: has type {}; expected a floating-point column ({})", context, stored.description,
                        dtype_name(logical));
    return Staging::direct;
  }
  if (stored_float) return Staging::via_double;
  const std::size_t bits = 8 * stored_size;
  const std::size_t logical_bits = 8 * dtype_size(logical);
  const bool fits = stored_signed ? bits <= logical_bits : bits < logical_bits;
  return fits ? Staging::direct : Staging::via_int64;
}

template <class T>
void narrow_checked(const void* src, Staging staging, void* dst, std::uint64_t count, std::uint64_t first,
                    const std::string& context) {
  auto* out = static_cast<T*>(dst);
  constexpr double lo = static_cast<double>(std::numeric_limits<T>::min());
  constexpr double hi = static_cast<double>(std::numeric_limits<T>::max());
  for (std::uint64_t i = 0; i < count; ++i) {
    const double v = staging == Staging::via_double ? static_cast<const double*>(src)[i]
                                                    : static_cast<double>(static_cast<const std::int64_t*>(src)[i]);
    if (!(v >= lo && v <= hi && v == std::trunc(v)))
      throw_input_error("{}: value {} at row {} is not an integer in the {} range", context, v, first + i,
                        dtype_name(dtype_of<T>()));
    out[i] = static_cast<T>(v);
  }
}

void narrow_column(const void* src, Staging staging, DType logical, void* dst, std::uint64_t count,
                   std::uint64_t first, const std::string& context) {
  switch (logical) {
    case DType::i8: return narrow_checked<std::int8_t>(src, staging, dst, count, first, context);
    case DType::i32: return narrow_checked<std::int32_t>(src, staging, dst, count, first, context);
    case DType::i64: return narrow_checked<std::int64_t>(src, staging, dst, count, first, context);
    default: break;
  }
}

void fill_column(void* dst, DType dtype, std::uint64_t count, double value) {
  switch (dtype) {
    case DType::f32: std::fill_n(static_cast<float*>(dst), count, static_cast<float>(value)); break;
    case DType::f64: std::fill_n(static_cast<double*>(dst), count, value); break;
    case DType::i8: std::fill_n(static_cast<std::int8_t*>(dst), count, static_cast<std::int8_t>(value)); break;
    case DType::i32: std::fill_n(static_cast<std::int32_t*>(dst), count, static_cast<std::int32_t>(value)); break;
    case DType::i64: std::fill_n(static_cast<std::int64_t*>(dst), count, static_cast<std::int64_t>(value)); break;
  }
}

// out[r] = the `width`-byte field at in + r * stride, for r < count. The width is a
// compile-time constant in each branch, so each copy is one load and one store.
template <std::size_t W>
void gather_fixed(const std::byte* in, std::size_t stride, std::uint64_t count, std::byte* out) {
  for (std::uint64_t r = 0; r < count; ++r) std::memcpy(out + r * W, in + r * stride, W);
}

void gather_field(const std::byte* in, std::size_t stride, std::uint64_t count, std::size_t width, std::byte* out) {
  switch (width) {
    case 1: return gather_fixed<1>(in, stride, count, out);
    case 4: return gather_fixed<4>(in, stride, count, out);
    case 8: return gather_fixed<8>(in, stride, count, out);
    default:
      for (std::uint64_t r = 0; r < count; ++r) std::memcpy(out + r * width, in + r * stride, width);
  }
}

DType staging_dtype(Staging s, DType logical) {
  return s == Staging::via_double ? DType::f64 : s == Staging::via_int64 ? DType::i64 : logical;
}

}  // namespace

struct SampleReader::Impl {
  struct Column {
    std::string stored_name;
    Staging staging = Staging::direct;
    h5::Dataset dataset;        // columns layout
    std::size_t offset = 0;     // compound layout: offset in a staged row
  };
  std::vector<Column> columns;
  h5::Dataset table;            // compound layout
  h5::Datatype row_type;        // compound layout: packed memory type of the staged row
  std::size_t row_size = 0;
  std::vector<std::byte> staging;  // reused between reads
};

SampleReader::SampleReader(const EventFile& file, std::string_view sample, const ColumnMapping& mapping,
                           std::vector<ColumnRequest> requests)
    : info_(&file.sample(sample)),
      context_(fmt::format("{}: sample '{}'", file.path(), info_->name)),
      impl_(std::make_unique<Impl>()) {
  if (info_->rows == 0) throw_input_error("{}: is empty (0 rows)", context_);

  const bool compound = info_->layout == SampleLayout::compound_table;
  if (compound) {
    h5::PropertyList access(H5Pcreate(H5P_DATASET_ACCESS));
    // A compound chunk holds every column: keep several in the cache so that reading
    // a range that straddles chunks does not decompress one twice.
    H5Pset_chunk_cache(access.get(), 521, std::size_t{64} << 20, 1.0);
    impl_->table = h5::Dataset(
        h5::check_id(H5Dopen2(file.id(), info_->path.c_str(), access.get()), context_, "open the table"));
  }
  h5::Datatype table_type;
  if (compound) table_type = h5::Datatype(h5::check_id(H5Dget_type(impl_->table.get()), context_, "read its type"));

  for (auto& req : requests) {
    const std::string& stored_name = mapping.stored_name(req.logical);
    const std::string where = stored_name == req.logical
                                  ? fmt::format("{}: column '{}'", context_, req.logical)
                                  : fmt::format("{}: column '{}' (stored as '{}')", context_, req.logical, stored_name);
    const StoredColumn* stored = info_->find_column(stored_name);
    Impl::Column col;
    col.stored_name = stored_name;
    if (stored == nullptr) {
      if (req.when_missing == WhenMissing::skip) continue;
      if (req.when_missing == WhenMissing::fail) {
        throw_input_error("{}: not found{}", where,
                          mapping.is_mapped(req.logical)
                              ? ""
                              : fmt::format(" (map it with [columns] {} = \"<stored name>\" in the config)",
                                            req.logical));
      }
      col.staging = Staging::fill;
    } else {
      if (stored->rank != 1) throw_input_error("{}: is {}-dimensional; columns must be 1-D", where, stored->rank);
      std::size_t stored_size = 0;
      bool stored_signed = true;
      if (stored->type.dtype) {
        h5::Datatype t;
        if (compound) {
          const int idx = H5Tget_member_index(table_type.get(), stored_name.c_str());
          t = h5::Datatype(H5Tget_member_type(table_type.get(), static_cast<unsigned>(idx)));
        } else {
          col.dataset = h5::Dataset(h5::check_id(
              H5Dopen2(file.id(), (info_->path + "/" + stored_name).c_str(), H5P_DEFAULT), where, "open it"));
          t = h5::Datatype(H5Dget_type(col.dataset.get()));
        }
        stored_size = H5Tget_size(t.get());
        stored_signed = H5Tget_class(t.get()) != H5T_INTEGER || H5Tget_sign(t.get()) == H5T_SGN_2;
      }
      col.staging = choose_staging(stored->type, req.dtype, stored_size, stored_signed, where);
    }
    columns_.push_back(std::move(req));
    impl_->columns.push_back(std::move(col));
  }

  if (compound) {
    // One packed memory row holding every delivered stored field: the whole range is
    // read by one H5Dread (HDF5 matches compound members by name and converts them).
    std::size_t size = 0;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (impl_->columns[i].staging == Staging::fill) continue;
      impl_->columns[i].offset = size;
      size += dtype_size(staging_dtype(impl_->columns[i].staging, columns_[i].dtype));
    }
    impl_->row_size = size;
    if (size > 0) {
      impl_->row_type = h5::Datatype(h5::check_id(H5Tcreate(H5T_COMPOUND, size), context_, "build a row type"));
      for (std::size_t i = 0; i < columns_.size(); ++i) {
        const auto& c = impl_->columns[i];
        if (c.staging == Staging::fill) continue;
        // A name may be requested twice under two logical names; insert it once.
        if (H5Tget_member_index(impl_->row_type.get(), c.stored_name.c_str()) >= 0) continue;
        h5::check_status(H5Tinsert(impl_->row_type.get(), c.stored_name.c_str(), c.offset,
                                   h5::native_type(staging_dtype(c.staging, columns_[i].dtype))),
                         context_, fmt::format("build a row type with '{}'", c.stored_name));
      }
    }
  }
}

SampleReader::~SampleReader() = default;
SampleReader::SampleReader(SampleReader&&) noexcept = default;

std::size_t SampleReader::row_bytes() const {
  std::size_t n = 0;
  for (const auto& c : columns_) n += dtype_size(c.dtype);
  return n;
}

std::string SampleReader::column_context(std::size_t i) const {
  const auto& stored = impl_->columns[i].stored_name;
  const auto& logical = columns_[i].logical;
  return stored == logical ? fmt::format("{}: column '{}'", context_, logical)
                           : fmt::format("{}: column '{}' (stored as '{}')", context_, logical, stored);
}

void SampleReader::read(std::uint64_t first, std::uint64_t count, std::span<void* const> dst) {
  if (dst.size() != columns_.size())
    throw std::logic_error("SampleReader::read: one destination per delivered column is needed");
  if (first > rows() || count > rows() - first)
    throw std::out_of_range(fmt::format("{}: rows [{}, {}) are outside its {} rows", context_, first,
                                        first + count, rows()));
  if (count == 0) return;

  const hsize_t start = first;
  const hsize_t n = count;
  h5::Dataspace mem_space(h5::check_id(H5Screate_simple(1, &n, nullptr), context_, "create a dataspace"));
  const std::string what = fmt::format("read rows {}..{}", first, first + count);

  if (info_->layout == SampleLayout::compound_table) {
    // Large ranges go through the packed staging buffer in pieces, which keeps it
    // small (cache-resident) whatever the caller's chunk size.
    constexpr std::uint64_t kPieceRows = 32768;
    if (count > kPieceRows) {
      std::vector<void*> piece(dst.size());
      for (std::uint64_t done = 0; done < count; done += kPieceRows) {
        for (std::size_t i = 0; i < dst.size(); ++i)
          piece[i] = static_cast<std::byte*>(dst[i]) + done * dtype_size(columns_[i].dtype);
        read(first + done, std::min(kPieceRows, count - done), piece);
      }
      return;
    }
    if (impl_->row_size > 0) {
      h5::Dataspace file_space(h5::check_id(H5Dget_space(impl_->table.get()), context_, what));
      h5::check_status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &n, nullptr),
                       context_, what);
      impl_->staging.resize(impl_->row_size * count);
      h5::check_status(H5Dread(impl_->table.get(), impl_->row_type.get(), mem_space.get(), file_space.get(),
                               H5P_DEFAULT, impl_->staging.data()),
                       context_, what);
    }
    // Transpose the fields out of the packed rows, a tile of rows at a time so that the
    // tile stays in cache while every column takes its field from it.
    std::vector<std::vector<std::byte>> wide(columns_.size());
    std::vector<std::byte*> targets(columns_.size());
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const auto& c = impl_->columns[i];
      if (c.staging == Staging::fill) {
        fill_column(dst[i], columns_[i].dtype, count, columns_[i].fill_value);
        continue;
      }
      targets[i] = static_cast<std::byte*>(dst[i]);
      if (c.staging != Staging::direct) {
        wide[i].resize(dtype_size(staging_dtype(c.staging, columns_[i].dtype)) * count);
        targets[i] = wide[i].data();
      }
    }
    constexpr std::uint64_t kTileRows = 1024;
    for (std::uint64_t tile = 0; tile < count; tile += kTileRows) {
      const std::uint64_t n_rows = std::min(kTileRows, count - tile);
      const std::byte* rows_in = impl_->staging.data() + tile * impl_->row_size;
      for (std::size_t i = 0; i < columns_.size(); ++i) {
        const auto& c = impl_->columns[i];
        if (c.staging == Staging::fill) continue;
        const std::size_t width = dtype_size(staging_dtype(c.staging, columns_[i].dtype));
        gather_field(rows_in + c.offset, impl_->row_size, n_rows, width, targets[i] + tile * width);
      }
    }
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const auto& c = impl_->columns[i];
      if (c.staging != Staging::direct && c.staging != Staging::fill)
        narrow_column(wide[i].data(), c.staging, columns_[i].dtype, dst[i], count, first, column_context(i));
    }
    return;
  }

  for (std::size_t i = 0; i < columns_.size(); ++i) {
    auto& c = impl_->columns[i];
    if (c.staging == Staging::fill) {
      fill_column(dst[i], columns_[i].dtype, count, columns_[i].fill_value);
      continue;
    }
    const DType mem = staging_dtype(c.staging, columns_[i].dtype);
    void* target = dst[i];
    if (c.staging != Staging::direct) {
      impl_->staging.resize(dtype_size(mem) * count);
      target = impl_->staging.data();
    }
    h5::Dataspace file_space(h5::check_id(H5Dget_space(c.dataset.get()), column_context(i), what));
    h5::check_status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &n, nullptr),
                     column_context(i), what);
    h5::check_status(
        H5Dread(c.dataset.get(), h5::native_type(mem), mem_space.get(), file_space.get(), H5P_DEFAULT, target),
        column_context(i), what);
    if (c.staging != Staging::direct)
      narrow_column(impl_->staging.data(), c.staging, columns_[i].dtype, dst[i], count, first, column_context(i));
  }
}

HostBatch SampleReader::read(std::uint64_t first, std::uint64_t count) {
  HostBatch batch;
  batch.first_row = first;
  batch.rows = count;
  std::vector<void*> dst;
  batch.columns.reserve(columns_.size());
  for (const auto& c : columns_) {
    batch.columns.push_back({c.logical, c.dtype, std::vector<std::byte>(count * dtype_size(c.dtype))});
    dst.push_back(batch.columns.back().data());
  }
  read(first, count, dst);
  return batch;
}

}  // namespace darkscan::io
