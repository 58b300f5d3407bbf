#include "lee/lee_shard_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <span>

#include "darkscan/version.hpp"
#include "errors.hpp"
#include "io/event_file.hpp"
#include "io/shard_file.hpp"
#include "io/sample_reader.hpp"
#include "lee/lee_file.hpp"
#include "lee/toy_checkpoint.hpp"

namespace darkscan::lee {

namespace {

constexpr io::ColumnDoc kRecordColumns[] = {
    {"record", "", "the toys' outcomes as the toy checkpoint stores them: raw records of record_bytes bytes, toy "
                   "first_toy first (docs/formats/outputs.md#lee-shard)"},
};

io::HostBatch record_table(std::span<const ToyOutcome> toys) {
  const auto bytes = toy_record_bytes(toys);
  io::HostBatch table;
  table.rows = bytes.size();
  table.columns.push_back(io::HostColumn::from<std::int8_t>(
      "record", std::span<const std::int8_t>(reinterpret_cast<const std::int8_t*>(bytes.data()), bytes.size())));
  return table;
}

std::int64_t as_int(std::uint64_t v) { return static_cast<std::int64_t>(v); }

// The attributes of /lee_shard/toys: the stamp every shard carries (io/shard_file.hpp)
// and what the shard is, one per field of LeePart.
io::Attributes shard_attributes(const LeePart& p, const std::string& backend, const std::string& config_text) {
  io::Attributes a = io::shard_stamp_attributes({"lee", p.shard, p.fingerprint, backend});
  a.insert(a.end(), {{"toys", as_int(p.settings.toys)},
                     {"first_toy", as_int(p.toy_range.begin)},
                     {"end_toy", as_int(p.toy_range.end)},
                     {"coverage_toys", as_int(p.coverage_toys)},
                     {"first_coverage_toy", as_int(p.coverage_range.begin)},
                     {"end_coverage_toy", as_int(p.coverage_range.end)},
                     {"rows", as_int(p.rows)},
                     {"first_row", as_int(p.row_range.begin)},
                     {"end_row", as_int(p.row_range.end)},
                     {"seed", as_int(p.settings.seed)},
                     {"gv_level_q", p.settings.upcrossing_level},
                     {"legendre_nodes", static_cast<std::int64_t>(p.settings.legendre_nodes)},
                     {"credibility", p.credibility},
                     {"record_bytes", static_cast<std::int64_t>(sizeof(ToyOutcome))},
                     {"toy_seconds", p.toy_seconds},
                     {"expected_seconds", p.expected_seconds},
                     {"config", config_text}});
  return a;
}

// A shard's attribute, InputError naming the file when it is missing or of another type.
template <class T>
T attribute(const io::SampleInfo& table, const char* key, const std::string& ctx) {
  const auto* v = table.attribute(key);
  const T* x = v ? std::get_if<T>(v) : nullptr;
  if (x == nullptr) throw_input_error("{}: attribute '{}' missing or of another type (a damaged shard?)", ctx, key);
  return *x;
}

std::uint64_t count_attribute(const io::SampleInfo& table, const char* key, const std::string& ctx) {
  const auto v = attribute<std::int64_t>(table, key, ctx);
  if (v < 0) throw_input_error("{}: attribute '{}' = {} is negative (a damaged shard?)", ctx, key, v);
  return static_cast<std::uint64_t>(v);
}

io::HostBatch read_table(const io::EventFile& file, const char* name,
                         const std::vector<std::pair<const char*, DType>>& columns) {
  std::vector<io::ColumnRequest> requests;
  for (const auto& [column, dtype] : columns) requests.push_back({column, dtype, io::WhenMissing::fail, 0.0});
  io::SampleReader reader(file, name, {}, requests);
  return reader.read_all();
}

std::vector<ToyOutcome> read_records(const io::EventFile& file, const char* name, const std::string& ctx) {
  const auto batch = read_table(file, name, {{"record", DType::i8}});
  const auto values = batch.find("record")->values<std::int8_t>();
  auto toys = toys_from_records(std::as_bytes(values));
  if (!toys)
    throw_input_error("{}/{}: {} bytes are not a whole number of {}-byte toy records", ctx, name, values.size(),
                      sizeof(ToyOutcome));
  return std::move(*toys);
}

template <class T>
std::vector<T> column_of(const io::HostBatch& batch, const std::string& name) {
  const auto v = batch.find(name)->values<T>();
  return {v.begin(), v.end()};
}

}  // namespace

void write_lee_part(io::EventFileWriter& writer, const LeePart& part, const std::string& backend,
                    const std::string& config_text) {
  // The copied scan file may hold an earlier run's results: a shard holds none of them.
  writer.remove_group("lee");
  writer.remove_group("expected");
  writer.remove_group(kShardGroup);
  writer.begin_table(kShardGroup, "toys", shard_attributes(part, backend, config_text), record_table(part.toys));
  writer.describe_columns(kRecordColumns);
  writer.begin_table(kShardGroup, "observed", {{"record_bytes", static_cast<std::int64_t>(sizeof(ToyOutcome))}},
                     record_table({&part.observed, 1}));
  writer.describe_columns(kRecordColumns);
  write_coverage_table(writer, kShardGroup, "coverage", part.coverage, {{"first_coverage_toy", as_int(part.coverage_range.begin)},
                       {"end_coverage_toy", as_int(part.coverage_range.end)}}, false);
  write_expected_table(writer, kShardGroup, "expected",
                       {{"first_row", as_int(part.row_range.begin)}, {"end_row", as_int(part.row_range.end)}},
                       part.expected);
}

bool is_lee_shard(const std::string& path) {
  const auto file = h5::open_file_readonly(path);
  return h5::link_exists(file.get(), std::string("/") + kShardGroup);
}

ShardFile read_lee_part(const std::string& path) {
  const io::ShardFileStamp stamp = io::read_shard_stamp(path, "lee", "toys");
  const std::string ctx = fmt::format("{}: /{}", path, kShardGroup);
  const io::EventFile file(path, kShardGroup);
  const io::SampleInfo& info = file.sample("toys");
  ShardFile out;
  out.path = path;
  out.backend = stamp.stamp.backend;
  LeePart& p = out.part;
  p.fingerprint = stamp.stamp.fingerprint;
  p.shard = stamp.stamp.shard;
  p.settings.toys = count_attribute(info, "toys", ctx);
  p.settings.seed = count_attribute(info, "seed", ctx);
  p.settings.upcrossing_level = attribute<double>(info, "gv_level_q", ctx);
  p.settings.legendre_nodes = static_cast<int>(attribute<std::int64_t>(info, "legendre_nodes", ctx));
  p.coverage_toys = count_attribute(info, "coverage_toys", ctx);
  p.rows = count_attribute(info, "rows", ctx);
  p.credibility = attribute<double>(info, "credibility", ctx);
  p.toy_range = {count_attribute(info, "first_toy", ctx), count_attribute(info, "end_toy", ctx)};
  p.coverage_range = {count_attribute(info, "first_coverage_toy", ctx), count_attribute(info, "end_coverage_toy", ctx)};
  p.row_range = {count_attribute(info, "first_row", ctx), count_attribute(info, "end_row", ctx)};
  p.toy_seconds = attribute<double>(info, "toy_seconds", ctx);
  p.expected_seconds = attribute<double>(info, "expected_seconds", ctx);
  // The ranges are those of the split (work_split.hpp): anything else is not a shard
  // this darkscan wrote, and merging it would leave gaps or overlaps.
  const auto check_range = [&](const char* what, IndexRange stated, std::uint64_t items) {
    const IndexRange want = shard_range(p.shard, items);
    if (stated != want)
      throw_input_error("{}: its {} [{}, {}) are not shard {}'s of {} ([{}, {})) (a damaged shard?)", ctx, what,
                        stated.begin, stated.end, shard_name(p.shard), items, want.begin, want.end);
  };
  check_range("toys", p.toy_range, p.settings.toys);
  check_range("coverage toys", p.coverage_range, p.coverage_toys);
  check_range("rows", p.row_range, p.rows);

  p.toys = read_records(file, "toys", ctx);
  if (p.toys.size() != p.toy_range.size())
    throw_input_error("{}/toys: {} toy records, its range [{}, {}) has {}", ctx, p.toys.size(), p.toy_range.begin,
                      p.toy_range.end, p.toy_range.size());
  const auto observed = read_records(file, "observed", ctx);
  if (observed.size() != 1) throw_input_error("{}/observed: {} records, not 1", ctx, observed.size());
  p.observed = observed[0];

  const auto cov = read_table(file, "coverage",
                              {{"row", DType::i64}, {"signal_over_median_expected", DType::f64},
                               {"true_events", DType::f64}, {"true_sideband_events", DType::f64},
                               {"toys", DType::i64}, {"covered", DType::i64}});
  for (std::uint64_t j = 0; j < cov.rows; ++j) {
    CoveragePoint c;
    c.row = static_cast<std::size_t>(cov.find("row")->values<std::int64_t>()[j]);
    c.signal_factor = cov.find("signal_over_median_expected")->values<double>()[j];
    c.true_events = cov.find("true_events")->values<double>()[j];
    c.true_background = cov.find("true_sideband_events")->values<double>()[j];
    c.toys = static_cast<std::uint64_t>(cov.find("toys")->values<std::int64_t>()[j]);
    c.covered = static_cast<std::uint64_t>(cov.find("covered")->values<std::int64_t>()[j]);
    p.coverage.push_back(c);
  }

  std::vector<std::pair<const char*, DType>> expected_columns;
  std::vector<std::string> names;
  for (const char* prefix : {"n_obs_", "ul_events_", "ul_xsec_fb_"})
    for (int b = 0; b < kBands; ++b) names.push_back(std::string(prefix) + kBandNames[b]);
  for (std::size_t k = 0; k < names.size(); ++k)
    expected_columns.emplace_back(names[k].c_str(), k < static_cast<std::size_t>(kBands) ? DType::i64 : DType::f64);
  const auto expected = read_table(file, "expected", expected_columns);
  if (expected.rows != p.row_range.size())
    throw_input_error("{}/expected: {} rows, its range [{}, {}) has {}", ctx, expected.rows, p.row_range.begin,
                      p.row_range.end, p.row_range.size());
  for (int b = 0; b < kBands; ++b) {
    p.expected.n_obs[b] = column_of<std::int64_t>(expected, names[b]);
    p.expected.ul_events[b] = column_of<double>(expected, names[kBands + b]);
    p.expected.ul_xsec_fb[b] = column_of<double>(expected, names[2 * kBands + b]);
  }
  return out;
}

LeeResult merge_lee_shards(const std::vector<std::string>& paths, std::string& backend) {
  std::vector<io::ShardFileStamp> stamps;
  for (const auto& path : paths) stamps.push_back(io::read_shard_stamp(path, "lee", "toys"));
  const auto order = io::order_shards(stamps);
  std::vector<ShardFile> shards;
  for (std::size_t i : order) shards.push_back(read_lee_part(paths[i]));
  // The coverage points follow from the scan and the expected limits at their rows, the
  // same in every shard of one run: a difference is a damaged file.
  const ShardFile& first = shards.front();
  for (const auto& s : shards) {
    const auto& a = first.part.coverage;
    const auto& b = s.part.coverage;
    bool same = a.size() == b.size();
    for (std::size_t j = 0; same && j < a.size(); ++j)
      same = a[j].row == b[j].row && a[j].signal_factor == b[j].signal_factor &&
             a[j].true_events == b[j].true_events && a[j].true_background == b[j].true_background;
    if (!same)
      throw_input_error("merge: {}: its coverage points differ from those of {} (a damaged shard?)", s.path,
                        first.path);
  }
  backend = io::joined_backends(stamps, order);
  std::vector<LeePart> parts;
  for (auto& s : shards) parts.push_back(std::move(s.part));
  return combine_parts(std::move(parts));
}

}  // namespace darkscan::lee
