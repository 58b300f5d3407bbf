#include "interpret/interpret_shard_file.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "errors.hpp"
#include "interpret/interpret_file.hpp"
#include "io/event_file.hpp"
#include "io/file_checksum.hpp"
#include "io/h5.hpp"
#include "io/h5_storage.hpp"

namespace darkscan::interpret {

namespace {

constexpr const char* kStage = "interpret";

// The columns of /model_points that count a point's rows of the other tables: the
// merge adds up the shards' counts.
constexpr std::string_view kCountColumns[] = {"sin_theta_excluded_masses", "y_masses", "y_excluded_masses"};

// A table of a shard as stored: its attributes and its layout's columns.
struct StoredTable {
  io::Attributes attributes;
  io::HostBatch rows;
};

std::string table_path(const TableLayout& t) {
  return t.parent.empty() ? fmt::format("/{}", t.name) : fmt::format("/{}/{}", t.parent, t.name);
}

StoredTable read_table(const std::string& path, hid_t file, const TableLayout& t) {
  const std::string where = table_path(t);
  const std::string ctx = fmt::format("{}: {}", path, where);
  if (!h5::link_exists(file, where)) throw_input_error("{}: missing (a damaged shard?)", ctx);
  const h5::Group group(h5::check_id(H5Gopen2(file, where.c_str(), H5P_DEFAULT), path, "open " + where));
  StoredTable out;
  out.attributes = h5::read_attributes(group.get(), ctx);
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    const std::string name(t.columns[c].name), column = where + "/" + name;
    if (!h5::link_exists(file, column)) throw_input_error("{}: no column '{}' (a damaged shard?)", ctx, name);
    const h5::Dataset ds(h5::check_id(H5Dopen2(file, column.c_str(), H5P_DEFAULT), path, "open " + column));
    const h5::Datatype type(h5::check_id(H5Dget_type(ds.get()), path, "read " + column));
    const auto stored = h5::describe_type(type.get());
    const h5::Dataspace space(h5::check_id(H5Dget_space(ds.get()), path, "read " + column));
    hsize_t n = 0;
    if (!stored.dtype || H5Sget_simple_extent_ndims(space.get()) != 1 ||
        H5Sget_simple_extent_dims(space.get(), &n, nullptr) != 1 || (c > 0 && n != out.rows.rows))
      throw_input_error("{}: column '{}' is not a 1-D numeric column of the table's rows (a damaged shard?)", ctx,
                        name);
    h5::check_rows_stored(ds.get(), n, fmt::format("{}/{}", ctx, name));  // before the rows are allocated
    out.rows.rows = n;
    io::HostColumn column_data{name, *stored.dtype, std::vector<std::byte>(n * dtype_size(*stored.dtype))};
    if (n > 0)
      h5::check_status(H5Dread(ds.get(), h5::native_type(column_data.dtype), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                               column_data.bytes.data()),
                       path, "read " + column);
    out.rows.columns.push_back(std::move(column_data));
  }
  return out;
}

// The columns of `like`, without rows.
io::HostBatch no_rows(const io::HostBatch& like) {
  io::HostBatch out;
  for (const auto& c : like.columns) out.columns.push_back({c.name, c.dtype, {}});
  return out;
}

// Rows [begin, end) of `from` after those of `to` (the same columns).
void append_rows(io::HostBatch& to, const io::HostBatch& from, std::uint64_t begin, std::uint64_t end) {
  for (std::size_t c = 0; c < to.columns.size(); ++c) {
    const std::size_t size = dtype_size(from.columns[c].dtype);
    const auto& bytes = from.columns[c].bytes;
    to.columns[c].bytes.insert(to.columns[c].bytes.end(), bytes.begin() + static_cast<std::ptrdiff_t>(begin * size),
                               bytes.begin() + static_cast<std::ptrdiff_t>(end * size));
  }
  to.rows += end - begin;
}

std::vector<std::int32_t> int32_column(const StoredTable& t, std::string_view name, const std::string& ctx) {
  const auto* c = t.rows.find(name);
  if (c == nullptr || c->dtype != DType::i32)
    throw_input_error("{}: column '{}' is not int32 (a damaged shard?)", ctx, name);
  const auto v = c->values<std::int32_t>();
  return {v.begin(), v.end()};
}

// One shard's items and tables.
struct ShardTables {
  std::string path;
  IndexRange masses, pairs;
  std::vector<StoredTable> tables;  // as interpretation_tables() lists them (/y_limit's where made)
};

const StoredTable& table(const ShardTables& s, std::size_t t) { return s.tables[t]; }

}  // namespace

std::string interpret_fingerprint(const io::Attributes& root, std::string_view backend_kind,
                                  const InterpretRequest& request, const std::string& model_path) {
  auto file = [](const char* what, const std::string& path) {
    return path.empty() ? fmt::format("{} none", what) : fmt::format("{} sha256 {}", what, io::sha256_file(path));
  };
  return io::run_fingerprint("interpret", root, backend_kind,
                             {file("model", model_path), file("widths table", request.widths_table),
                              file("xsec table", request.xsec_table), file("chi2 table", request.chi2_table),
                              fmt::format("benchmark points {}", request.benchmark_points)});
}

void write_interpret_part(io::EventFileWriter& writer, const Interpretation& part, const io::Attributes& root,
                          const io::ShardStamp& stamp) {
  write_interpretation(writer, part, root);
  io::write_shard_part(writer, stamp, part.work.items(),
                       {{"grid_masses", static_cast<std::int64_t>(part.work.grid_masses)},
                        {"y_pairs", static_cast<std::int64_t>(part.work.y_pairs)}});
}

MergedInterpretation merge_interpret_shards(const std::vector<std::string>& paths, io::EventFileWriter& writer,
                                            const std::string& backend) {
  const auto [parts, stamps, order] = io::read_ordered_parts(paths, kStage);
  const auto layouts = interpretation_tables();
  MergedInterpretation out;
  out.shards = paths.size();
  std::vector<ShardTables> shards;
  for (std::size_t n = 0; n < order.size(); ++n) {
    const std::size_t i = order[n];
    const std::string& path = paths[i];
    const std::string ctx = fmt::format("{}: /{}/part", path, io::shard_group(kStage));
    InterpretWork work;
    {
      const io::EventFile file(path, io::shard_group(kStage));
      const auto& part = file.sample("part");
      work.grid_masses = static_cast<std::uint64_t>(part.number("grid_masses", ctx));
      work.y_pairs = static_cast<std::uint64_t>(part.number("y_pairs", ctx));
    }
    if (work.items() != parts[i].items ||
        (n > 0 && (work.grid_masses != out.work.grid_masses || work.y_pairs != out.work.y_pairs)))
      throw_input_error("{}: {} grid masses and {} y pairs are not its {} items or not the other shards' (a damaged "
                        "shard?)",
                        ctx, work.grid_masses, work.y_pairs, parts[i].items);
    out.work = work;
    ShardTables s{path, work.masses(stamps[i].stamp.shard), work.pairs(stamps[i].stamp.shard), {}};
    const auto file = h5::open_file_readonly(path);
    const bool y_limit = h5::link_exists(file.get(), "/y_limit");
    if (n > 0 && y_limit != (shards.front().tables.size() == layouts.size()))
      throw_input_error("{}: {} /y_limit where {} {} (a damaged shard?)", path, y_limit ? "has" : "has no",
                        shards.front().path, y_limit ? "has none" : "has one");
    for (const auto& layout : layouts)
      if (layout.parent != "y_limit" || y_limit) s.tables.push_back(read_table(path, file.get(), layout));
    for (std::size_t t = 0; n > 0 && t < s.tables.size(); ++t)
      for (std::size_t c = 0; c < s.tables[t].rows.columns.size(); ++c)
        if (s.tables[t].rows.columns[c].dtype != shards.front().tables[t].rows.columns[c].dtype)
          throw_input_error("{}: {}: column '{}' is of another type than in {} (a damaged shard?)", path,
                            table_path(layouts[t]), s.tables[t].rows.columns[c].name, shards.front().path);
    shards.push_back(std::move(s));
  }

  // /model_points: every shard's rows are every point's; the counts of each shard's rows add up.
  enum : std::size_t { kModelPoints, kCombined, kSinThetaMasses, kSinThetaIntervals, kYMasses, kYIntervals, kYCurve };
  std::vector<io::HostBatch> merged;
  for (const auto& t : shards.front().tables) merged.push_back(no_rows(t.rows));
  const std::uint64_t points = table(shards.front(), kModelPoints).rows.rows;
  append_rows(merged[kModelPoints], table(shards.front(), kModelPoints).rows, 0, points);
  for (const auto name : kCountColumns) {
    std::vector<std::int32_t> sum(points, 0);
    for (const auto& s : shards) {
      const auto counts = int32_column(table(s, kModelPoints), name, s.path + ": /model_points");
      if (counts.size() != points)
        throw_input_error("{}: /model_points has {} points where {} has {} (a damaged shard?)", s.path, counts.size(),
                          shards.front().path, points);
      for (std::size_t k = 0; k < points; ++k) sum[k] += counts[k];
    }
    auto& column = *std::find_if(merged[kModelPoints].columns.begin(), merged[kModelPoints].columns.end(),
                                 [&](const io::HostColumn& c) { return c.name == name; });
    column = io::HostColumn::from<std::int32_t>(std::string(name), sum);
  }

  // /combined_limits: each shard's masses at every lifetime, lifetime-major.
  std::uint64_t lifetimes = 0;
  for (const auto& s : shards) {
    const std::uint64_t rows = table(s, kCombined).rows.rows, masses = s.masses.size();
    const std::uint64_t own = masses ? rows / masses : 0;
    if (masses > 0 && lifetimes == 0) lifetimes = own;
    if ((masses == 0 && rows != 0) || (masses > 0 && (rows % masses != 0 || own != lifetimes)))
      throw_input_error("{}: /combined_limits has {} rows, not {} lifetimes of its {} grid masses (a damaged shard?)",
                        s.path, rows, lifetimes, masses);
  }
  for (std::uint64_t j = 0; j < lifetimes; ++j)
    for (const auto& s : shards)
      append_rows(merged[kCombined], table(s, kCombined).rows, j * s.masses.size(), (j + 1) * s.masses.size());

  // /sin_theta: point-major; each point's masses from the shards in turn.
  std::vector<std::vector<std::int32_t>> interval_points;
  for (const auto& s : shards) {
    if (table(s, kSinThetaMasses).rows.rows != points * s.masses.size())
      throw_input_error("{}: /sin_theta/masses has {} rows, not {} points at its {} grid masses (a damaged shard?)",
                        s.path, table(s, kSinThetaMasses).rows.rows, points, s.masses.size());
    interval_points.push_back(
        int32_column(table(s, kSinThetaIntervals), "model_point", s.path + ": /sin_theta/intervals"));
    if (!std::is_sorted(interval_points.back().begin(), interval_points.back().end()))
      throw_input_error("{}: /sin_theta/intervals is not in the order of its points (a damaged shard?)", s.path);
  }
  for (std::uint64_t k = 0; k < points; ++k)
    for (std::size_t n = 0; n < shards.size(); ++n) {
      const auto& s = shards[n];
      append_rows(merged[kSinThetaMasses], table(s, kSinThetaMasses).rows, k * s.masses.size(),
                  (k + 1) * s.masses.size());
      const auto& p = interval_points[n];
      const auto [lo, hi] = std::equal_range(p.begin(), p.end(), static_cast<std::int32_t>(k));
      append_rows(merged[kSinThetaIntervals], table(s, kSinThetaIntervals).rows,
                  static_cast<std::uint64_t>(lo - p.begin()), static_cast<std::uint64_t>(hi - p.begin()));
    }

  // /y_limit: the shards' pairs follow one another. Its attributes name the window of
  // m(h') its rows use, which a shard without rows does not know: they are taken from the
  // first shard with rows.
  const ShardTables* y_from = &shards.front();
  for (std::size_t t = kYMasses; t < merged.size(); ++t)
    for (const auto& s : shards) append_rows(merged[t], table(s, t).rows, 0, table(s, t).rows.rows);
  if (merged.size() > kYMasses) {
    for (const auto& s : shards)
      if (table(s, kYMasses).rows.rows > s.pairs.size())
        throw_input_error("{}: /y_limit/masses has {} rows, more than its {} pairs (a damaged shard?)", s.path,
                          table(s, kYMasses).rows.rows, s.pairs.size());
    const auto with_rows = std::find_if(shards.begin(), shards.end(),
                                        [](const ShardTables& s) { return table(s, kYMasses).rows.rows > 0; });
    if (with_rows != shards.end()) y_from = &*with_rows;
    out.y_rows = merged[kYMasses].rows;
  }
  out.combined_rows = merged[kCombined].rows;

  io::Attributes root = io::read_root_attributes(paths[order.front()]);
  writer.set_root_attributes(io::with_backend(root, backend.empty() ? io::joined_backends(stamps, order) : backend));
  for (std::size_t t = 0; t < merged.size(); ++t) {
    const auto& from = t >= kYMasses ? *y_from : shards.front();
    writer.begin_table(std::string(layouts[t].parent), std::string(layouts[t].name), table(from, t).attributes,
                       merged[t]);
    writer.describe_columns(layouts[t].columns);
  }
  return out;
}

}  // namespace darkscan::interpret
