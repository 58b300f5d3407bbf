#include "io/sample_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>

#include "darkscan/events/schema.hpp"
#include "errors.hpp"
#include "io/chunk_codec.hpp"

namespace darkscan::io {

std::vector<ColumnRequest> schema_request(std::string_view kind) {
  std::vector<ColumnRequest> out;
  const bool mc = kind == "signal" || kind == "background";
  for (const auto& c : events::kColumns) {
    ColumnRequest r{std::string(c.name), c.dtype, WhenMissing::fail, 0.0, column_rule(c.name)};
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

namespace {

// How a stored column reaches its in-memory type: directly through HDF5's
// conversion when that is exact, or through a wide staging type that darkscan then
// checks (an integer column stored as float, as basf2 writes every variable, must
// hold integers; a wide integer must fit). uint64 is staged as itself: through int64,
// HDF5 would clip a value above the int64 range to its largest value, silently.
enum class Staging { direct, via_double, via_int64, via_uint64, fill };

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
  if (!stored_signed && stored_size == 8) return Staging::via_uint64;
  const std::size_t bits = 8 * stored_size;
  const std::size_t logical_bits = 8 * dtype_size(logical);
  const bool fits = stored_signed ? bits <= logical_bits : bits < logical_bits;
  return fits ? Staging::direct : Staging::via_int64;
}

template <class T>
[[noreturn]] void not_in_range(const std::string& context, const auto& value, std::uint64_t row) {
  throw_input_error("{}: value {} at row {} is not an integer in the {} range", context, value, row,
                    dtype_name(dtype_of<T>()));
}

template <class T>
void narrow_checked(const void* src, Staging staging, void* dst, std::uint64_t count, std::uint64_t first,
                    const std::string& context) {
  auto* out = static_cast<T*>(dst);
  using limits = std::numeric_limits<T>;
  if (staging == Staging::via_double) {
    // [min, max + 1) in double: both ends are powers of two, exact, where max itself
    // (2^63 - 1 for int64) is not, and a value of 2^63 would pass `v <= max`.
    constexpr double lo = static_cast<double>(limits::min());
    constexpr double end = -lo;
    const auto* in = static_cast<const double*>(src);
    for (std::uint64_t i = 0; i < count; ++i) {
      const double v = in[i];
      if (!(v >= lo && v < end && v == std::trunc(v))) not_in_range<T>(context, v, first + i);
      out[i] = static_cast<T>(v);
    }
  } else if (staging == Staging::via_uint64) {
    const auto* in = static_cast<const std::uint64_t*>(src);
    for (std::uint64_t i = 0; i < count; ++i) {
      if (in[i] > static_cast<std::uint64_t>(limits::max())) not_in_range<T>(context, in[i], first + i);
      out[i] = static_cast<T>(in[i]);
    }
  } else {
    const auto* in = static_cast<const std::int64_t*>(src);
    for (std::uint64_t i = 0; i < count; ++i) {
      if constexpr (sizeof(T) < sizeof(std::int64_t))
        if (in[i] < limits::min() || in[i] > limits::max()) not_in_range<T>(context, in[i], first + i);
      out[i] = static_cast<T>(in[i]);
    }
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

// Bytes of one staged value, and its HDF5 memory type.
std::size_t staging_size(Staging s, DType logical) {
  return s == Staging::via_double || s == Staging::via_int64 || s == Staging::via_uint64 ? 8 : dtype_size(logical);
}

hid_t staging_type(Staging s, DType logical) {
  switch (s) {
    case Staging::via_double: return H5T_NATIVE_DOUBLE;
    case Staging::via_int64: return H5T_NATIVE_INT64;
    case Staging::via_uint64: return H5T_NATIVE_UINT64;
    default: return h5::native_type(logical);
  }
}

// The darkscan type of the bytes a staging step reads: a chunk table whose native type is
// this one can be decoded straight into the staging buffer (uint64 has none).
std::optional<DType> staged_dtype(Staging s, DType logical) {
  switch (s) {
    case Staging::direct: return logical;
    case Staging::via_double: return DType::f64;
    case Staging::via_int64: return DType::i64;
    default: return std::nullopt;
  }
}

// A chunk of one column to read and decode.
struct ChunkRead {
  std::size_t column = 0;
  hsize_t chunk = 0;
};

// Reads and decodes, on every core the codec may use, the chunks of the columns'
// tables that rows [first, first + count) touch, into the columns' targets. A chunk
// wholly inside the range decodes straight into its place, one at an end into a scratch
// buffer first.
void read_chunks(const RawFile& file, const std::vector<const ChunkTable*>& tables, std::uint64_t first,
                 std::uint64_t count, const std::vector<std::byte*>& targets, const std::vector<std::string>& contexts,
                 const std::string& what) {
  std::vector<ChunkRead> chunks;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    if (tables[i] == nullptr) continue;
    const hsize_t rows = tables[i]->chunk_rows;
    for (hsize_t k = first / rows; k <= (first + count - 1) / rows; ++k) chunks.push_back({i, k});
  }
  if (chunks.empty()) return;
  std::vector<std::string> failed(chunks.size());
  run_codec_tasks(chunks.size(), [&](std::size_t t) {
    const ChunkRead& c = chunks[t];
    const ChunkTable& table = *tables[c.column];
    const StoredChunk& stored = table.chunks[c.chunk];
    const std::uint64_t chunk_first = c.chunk * table.chunk_rows;
    const std::uint64_t lo = std::max<std::uint64_t>(first, chunk_first);
    const std::uint64_t hi = std::min<std::uint64_t>(first + count, chunk_first + table.chunk_rows);
    const std::size_t size = table.element_size;
    std::byte* place = targets[c.column] + (lo - first) * size;
    const bool whole = lo == chunk_first && hi == chunk_first + table.chunk_rows;
    thread_local std::vector<std::byte> bytes, scratch;
    std::span<std::byte> out(place, table.chunk_rows * size);
    if (!whole) {
      scratch.resize(table.chunk_rows * size);
      out = scratch;
    }
    // A column stored without filters holds its chunks' raw bytes: read into their place.
    const bool unfiltered = !table.filters.shuffle && !table.filters.deflate && stored.bytes == out.size();
    std::span<std::byte> source = out;
    if (!unfiltered) {
      bytes.resize(stored.bytes);
      source = bytes;
    }
    const std::string why = file.read(stored.address, source);
    if (!why.empty()) {
      failed[t] = fmt::format("the chunk of rows {}..{} cannot be read: {}", chunk_first,
                              chunk_first + table.chunk_rows, why);
      return;
    }
    if (!unfiltered && !decode_chunk(bytes, stored.filter_mask, size, table.filters, out)) {
      failed[t] = fmt::format("the chunk of rows {}..{} does not decode (damaged?)", chunk_first,
                              chunk_first + table.chunk_rows);
      return;
    }
    if (!whole) std::memcpy(place, scratch.data() + (lo - chunk_first) * size, (hi - lo) * size);
  });
  for (std::size_t t = 0; t < chunks.size(); ++t)
    if (!failed[t].empty()) throw_input_error("{}: cannot {} ({})", contexts[chunks[t].column], what, failed[t]);
}

}  // namespace

struct SampleReader::Impl {
  struct Column {
    std::string stored_name;
    Staging staging = Staging::direct;
    h5::Dataset dataset;        // columns layout, read by HDF5 (not opened when `chunks` is set)
    std::size_t offset = 0;     // compound layout: offset in a staged row
  };
  std::vector<Column> columns;
  // Columns layout: the chunk tables of the columns darkscan reads and decodes itself, on
  // every core (io/chunk_table.hpp); nullptr where HDF5 reads the column.
  std::vector<const ChunkTable*> chunks;
  const RawFile* raw_file = nullptr;
  h5::Dataset table;            // compound layout
  h5::Datatype row_type;        // compound layout: packed memory type of the staged row
  std::size_t row_size = 0;
  std::vector<std::byte> staging;  // reused between reads
  std::vector<std::string> contexts;  // column_context of each delivered column
  // The events of the rows read so far in order from row 0 (io/sample_rules.hpp), for
  // n_generated: counted from the delivered `event` column that carries its rule.
  std::string file;
  std::size_t event_column = SIZE_MAX;
  std::uint64_t next_row = 0;
  bool in_order = false;
  EventCounter events;
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
    const ChunkTable* table = nullptr;  // set where darkscan reads the column itself
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
      col.staging = choose_staging(stored->type, req.dtype, stored->type.size, stored->type.is_signed, where);
      if (!compound && stored->chunks && file.raw().usable() &&
          staged_dtype(col.staging, req.dtype) == stored->chunks->native)
        table = &*stored->chunks;
      else if (!compound)
        col.dataset = h5::Dataset(h5::check_id(
            H5Dopen2(file.id(), (info_->path + "/" + stored_name).c_str(), H5P_DEFAULT), where, "open it"));
    }
    impl_->chunks.push_back(table);
    columns_.push_back(std::move(req));
    impl_->columns.push_back(std::move(col));
  }
  impl_->raw_file = &file.raw();

  if (compound) {
    // One packed memory row holding every delivered stored field: the whole range is
    // read by one H5Dread (HDF5 matches compound members by name and converts them).
    std::size_t size = 0;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (impl_->columns[i].staging == Staging::fill) continue;
      impl_->columns[i].offset = size;
      size += staging_size(impl_->columns[i].staging, columns_[i].dtype);
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
                                   staging_type(c.staging, columns_[i].dtype)),
                         context_, fmt::format("build a row type with '{}'", c.stored_name));
      }
    }
  }

  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const auto& stored = impl_->columns[i].stored_name;
    const auto& logical = columns_[i].logical;
    impl_->contexts.push_back(stored == logical
                                  ? fmt::format("{}: column '{}'", context_, logical)
                                  : fmt::format("{}: column '{}' (stored as '{}')", context_, logical, stored));
    if (columns_[i].rule == ValueRule::event_number && impl_->columns[i].staging != Staging::fill)
      impl_->event_column = i;
  }
  impl_->file = file.path();
}

SampleReader::~SampleReader() = default;
SampleReader::SampleReader(SampleReader&&) noexcept = default;

std::size_t SampleReader::row_bytes() const {
  std::size_t n = 0;
  for (const auto& c : columns_) n += dtype_size(c.dtype);
  return n;
}

std::string SampleReader::column_context(std::size_t i) const { return impl_->contexts.at(i); }

bool SampleReader::reads_through_hdf5() const {
  for (const auto& c : impl_->columns)
    if (c.staging != Staging::fill && (info_->layout == SampleLayout::compound_table || c.dataset)) return true;
  return false;
}

void SampleReader::read(std::uint64_t first, std::uint64_t count, std::span<void* const> dst) {
  if (dst.size() != columns_.size())
    throw std::logic_error("SampleReader::read: one destination per delivered column is needed");
  if (first > rows() || count > rows() - first)
    throw std::out_of_range(fmt::format("{}: rows [{}, {}) are outside its {} rows", context_, first,
                                        first + count, rows()));
  if (count == 0) return;
  read_stored(first, count, dst);

  // The rules, on the values in host memory before any backend sees them.
  for (std::size_t i = 0; i < columns_.size(); ++i)
    if (impl_->columns[i].staging != Staging::fill)
      check_values(columns_[i].rule, columns_[i].dtype, dst[i], count, first, impl_->contexts[i]);

  auto& k = *impl_;
  if (k.event_column == SIZE_MAX) return;
  if (first == 0) {
    k.events = EventCounter{};
    k.in_order = true;
  } else if (first != k.next_row) {
    k.in_order = false;
  }
  if (!k.in_order) return;
  k.events.add(static_cast<const std::int64_t*>(dst[k.event_column]), count);
  k.next_row = first + count;
  if (k.next_row == rows()) check_generated_events(k.file, *info_, k.events.events());
}

void SampleReader::read_stored(std::uint64_t first, std::uint64_t count, std::span<void* const> dst) {
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
        read_stored(first + done, std::min(kPieceRows, count - done), piece);
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
        wide[i].resize(staging_size(c.staging, columns_[i].dtype) * count);
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
        const std::size_t width = staging_size(c.staging, columns_[i].dtype);
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

  // Each column lands in its destination, or in a staging buffer of its own when it is
  // narrowed after (the chunks of all columns are decoded side by side).
  std::vector<std::vector<std::byte>> wide(columns_.size());
  std::vector<std::byte*> targets(columns_.size());
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    auto& c = impl_->columns[i];
    if (c.staging == Staging::fill) {
      fill_column(dst[i], columns_[i].dtype, count, columns_[i].fill_value);
      continue;
    }
    targets[i] = static_cast<std::byte*>(dst[i]);
    if (c.staging != Staging::direct) {
      wide[i].resize(staging_size(c.staging, columns_[i].dtype) * count);
      targets[i] = wide[i].data();
    }
    if (impl_->chunks[i] != nullptr) continue;  // read below, with the other tables' chunks
    h5::Dataspace file_space(h5::check_id(H5Dget_space(c.dataset.get()), column_context(i), what));
    h5::check_status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &n, nullptr),
                     column_context(i), what);
    h5::check_status(
        H5Dread(c.dataset.get(), staging_type(c.staging, columns_[i].dtype), mem_space.get(), file_space.get(),
                H5P_DEFAULT, targets[i]),
        column_context(i), what);
  }
  read_chunks(*impl_->raw_file, impl_->chunks, first, count, targets, impl_->contexts, what);
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const auto& c = impl_->columns[i];
    if (c.staging != Staging::direct && c.staging != Staging::fill)
      narrow_column(wide[i].data(), c.staging, columns_[i].dtype, dst[i], count, first, column_context(i));
  }
}

HostBatch SampleReader::read(std::uint64_t first, std::uint64_t count) {
  HostBatch batch = allocate_batch(*this, count);
  batch.first_row = first;
  std::vector<void*> dst;
  for (auto& c : batch.columns) dst.push_back(c.data());
  read(first, count, dst);
  return batch;
}

void fit_batch(HostBatch& batch, const SampleReader& reader, std::uint64_t rows) {
  const auto& columns = reader.columns();
  batch.first_row = 0;
  batch.rows = rows;
  batch.columns.resize(columns.size());
  for (std::size_t i = 0; i < columns.size(); ++i) {
    auto& c = batch.columns[i];
    c.name = columns[i].logical;
    c.dtype = columns[i].dtype;
    c.bytes.resize(rows * dtype_size(c.dtype));
  }
}

HostBatch allocate_batch(const SampleReader& reader, std::uint64_t rows) {
  HostBatch batch;
  batch.rows = rows;
  batch.columns.reserve(reader.columns().size());
  for (const auto& c : reader.columns())
    batch.columns.push_back({c.logical, c.dtype, std::vector<std::byte>(rows * dtype_size(c.dtype))});
  return batch;
}

}  // namespace darkscan::io
