#include "io/shard_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "darkscan/version.hpp"
#include "errors.hpp"
#include "io/event_file.hpp"
#include "io/file_checksum.hpp"
#include "io/h5.hpp"

namespace darkscan::io {

namespace {

// "2-4, 7" for the sorted numbers 2, 3, 4, 7.
std::string number_ranges(const std::vector<std::uint64_t>& numbers) {
  std::string out;
  for (std::size_t i = 0; i < numbers.size();) {
    std::size_t j = i;
    while (j + 1 < numbers.size() && numbers[j + 1] == numbers[j] + 1) ++j;
    out += fmt::format("{}{}", out.empty() ? "" : ", ",
                       j == i ? fmt::format("{}", numbers[i]) : fmt::format("{}-{}", numbers[i], numbers[j]));
    i = j + 1;
  }
  return out;
}

template <class T>
T attribute(const SampleInfo& table, const char* key, const std::string& ctx) {
  const auto* v = table.attribute(key);
  const T* x = v ? std::get_if<T>(v) : nullptr;
  if (x == nullptr) throw_input_error("{}: attribute '{}' missing or of another type (a damaged shard?)", ctx, key);
  return *x;
}

}  // namespace

std::string shard_group(std::string_view stage) { return fmt::format("{}_shard", stage); }

Attributes shard_stamp_attributes(const ShardStamp& s) {
  return {{"creator", fmt::format("darkscan {} --shard (docs/cluster.md)", s.stage)},
          {"darkscan_version", std::string(version())},
          {"fingerprint", s.fingerprint},
          {"shard", shard_name(s.shard)},
          {"shard_index", static_cast<std::int64_t>(s.shard.index)},
          {"shard_count", static_cast<std::int64_t>(s.shard.count)},
          {"backend", s.backend}};
}

std::string run_fingerprint(std::string_view stage, const Attributes& root, std::string_view backend_kind,
                            const std::vector<std::string>& lines) {
  std::string out = fmt::format("darkscan {} {}\nstage {}\n", version(), commit(), stage);
  for (const auto& [key, value] : root) {
    if (key == "backend") continue;
    if (const auto* text = std::get_if<std::string>(&value))
      out += key == "config" ? fmt::format("config sha256 {}\n", sha256_text(*text)) : fmt::format("{} {}\n", key, *text);
    else if (const auto* x = std::get_if<double>(&value)) out += fmt::format("{} {}\n", key, *x);  // shortest exact
    else out += fmt::format("{} {}\n", key, std::get<std::int64_t>(value));
  }
  for (const auto& line : lines) out += line + "\n";
  out += fmt::format("backend kind {}\n", backend_kind);
  return out;
}

Attributes read_root_attributes(const std::string& path) {
  const auto file = h5::open_file_readonly(path);
  return h5::read_attributes(file.get(), path);
}

Attributes with_backend(Attributes attributes, const std::string& backend) {
  for (auto& [key, value] : attributes)
    if (key == "backend") value = backend;
  return attributes;
}

std::pair<std::string, std::string> first_differing_lines(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    const std::size_t ie = std::min(a.find('\n', i), a.size());
    const std::size_t je = std::min(b.find('\n', j), b.size());
    std::string x = a.substr(std::min(i, a.size()), ie - std::min(i, a.size()));
    std::string y = b.substr(std::min(j, b.size()), je - std::min(j, b.size()));
    if (x != y) return {std::move(x), std::move(y)};
    i = ie + 1;
    j = je + 1;
  }
  return {};
}

std::string shard_stage(const std::string& path) {
  const auto file = h5::open_file_readonly(path);
  for (const char* stage : kShardStages)
    if (h5::link_exists(file.get(), "/" + shard_group(stage))) return stage;
  throw_input_error("{}: not a shard (no /lee_shard, /efficiency_shard, /scan_shard or /interpret_shard; darkscan "
                    "lee|efficiency|scan|interpret --shard K/N writes one)",
                    path);
}

ShardFileStamp read_shard_stamp(const std::string& path, std::string_view stage, const std::string& table) {
  const std::string group = shard_group(stage);
  {
    const auto file = h5::open_file_readonly(path);
    if (!h5::link_exists(file.get(), "/" + group))
      throw_input_error("{}: not a shard of darkscan {} (no /{}; darkscan {} --shard K/N writes one)", path, stage,
                        group, stage);
  }
  const std::string ctx = fmt::format("{}: /{}", path, group);
  const EventFile file(path, group);
  const SampleInfo& info = file.sample(table);
  ShardFileStamp out;
  out.path = path;
  out.stamp.stage = std::string(stage);
  out.stamp.fingerprint = attribute<std::string>(info, "fingerprint", ctx);
  out.stamp.backend = attribute<std::string>(info, "backend", ctx);
  const auto index = attribute<std::int64_t>(info, "shard_index", ctx), count = attribute<std::int64_t>(info, "shard_count", ctx);
  if (index < 1 || count < 1 || index > count)
    throw_input_error("{}: shard {}/{}: K must be between 1 and N (a damaged shard?)", ctx, index, count);
  out.stamp.shard = {static_cast<std::uint64_t>(index), static_cast<std::uint64_t>(count)};
  return out;
}

void write_shard_part(EventFileWriter& writer, const ShardStamp& stamp, std::uint64_t items, const Attributes& extra) {
  const IndexRange range = shard_range(stamp.shard, items);
  Attributes attributes = shard_stamp_attributes(stamp);
  attributes.emplace_back("items", static_cast<std::int64_t>(items));
  attributes.emplace_back("first_item", static_cast<std::int64_t>(range.begin));
  attributes.emplace_back("end_item", static_cast<std::int64_t>(range.end));
  attributes.insert(attributes.end(), extra.begin(), extra.end());
  HostBatch row;
  row.rows = 1;
  const std::int64_t values[3] = {static_cast<std::int64_t>(items), static_cast<std::int64_t>(range.begin),
                                  static_cast<std::int64_t>(range.end)};
  row.columns.push_back(HostColumn::from<std::int64_t>("items", std::span<const std::int64_t>(&values[0], 1)));
  row.columns.push_back(HostColumn::from<std::int64_t>("first_item", std::span<const std::int64_t>(&values[1], 1)));
  row.columns.push_back(HostColumn::from<std::int64_t>("end_item", std::span<const std::int64_t>(&values[2], 1)));
  writer.begin_table(shard_group(stamp.stage), "part", attributes, row);
  static constexpr ColumnDoc kDocs[] = {
      {"items", "", "the items of the whole run the shards split (docs/cluster.md)"},
      {"first_item", "", "the shard's first item"},
      {"end_item", "", "one past the shard's last item"},
  };
  writer.describe_columns(kDocs);
}

ShardPart read_shard_part(const std::string& path, std::string_view stage) {
  ShardPart out;
  out.file = read_shard_stamp(path, stage, "part");
  const std::string ctx = fmt::format("{}: /{}/part", path, shard_group(stage));
  const EventFile file(path, shard_group(stage));
  const SampleInfo& info = file.sample("part");
  const auto items = attribute<std::int64_t>(info, "items", ctx), first = attribute<std::int64_t>(info, "first_item", ctx),
             end = attribute<std::int64_t>(info, "end_item", ctx);
  if (items < 0 || first < 0 || end < first) throw_input_error("{}: items {} [{}, {}) (a damaged shard?)", ctx, items, first, end);
  out.items = static_cast<std::uint64_t>(items);
  out.range = {static_cast<std::uint64_t>(first), static_cast<std::uint64_t>(end)};
  // The range is the split's (work_split.hpp): anything else would leave gaps or overlaps.
  const IndexRange want = shard_range(out.file.stamp.shard, out.items);
  if (out.range != want)
    throw_input_error("{}: its items [{}, {}) are not shard {}'s of {} ([{}, {})) (a damaged shard?)", ctx,
                      out.range.begin, out.range.end, shard_name(out.file.stamp.shard), out.items, want.begin, want.end);
  return out;
}

std::vector<std::size_t> order_shards(const std::vector<ShardFileStamp>& shards) {
  if (shards.empty()) throw_input_error("merge: no shard files given");
  const ShardFileStamp& first = shards.front();
  const std::uint64_t n = first.stamp.shard.count;
  for (const auto& s : shards) {
    if (s.stamp.stage != first.stamp.stage)
      throw_input_error("merge: {} is a shard of darkscan {} and {} of darkscan {}: merge the shards of one stage",
                        first.path, first.stamp.stage, s.path, s.stamp.stage);
    if (s.stamp.shard.count != n)
      throw_input_error("merge: {} is shard {} and {} is shard {}: shards of one run have the same N", first.path,
                        shard_name(first.stamp.shard), s.path, shard_name(s.stamp.shard));
    if (s.stamp.fingerprint != first.stamp.fingerprint) {
      const auto [a, b] = first_differing_lines(first.stamp.fingerprint, s.stamp.fingerprint);
      throw_input_error("merge: {} is a shard of another run than {}: its fingerprint has '{}' where {} has '{}'",
                        s.path, first.path, b, first.path, a);
    }
  }
  std::map<std::uint64_t, std::size_t> by_index;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    const auto [it, fresh] = by_index.emplace(shards[i].stamp.shard.index, i);
    if (!fresh)
      throw_input_error("merge: {} and {} are both shard {}", shards[it->second].path, shards[i].path,
                        shard_name(shards[i].stamp.shard));
  }
  if (by_index.size() != n) {
    std::vector<std::uint64_t> missing;
    for (std::uint64_t k = 1; k <= n; ++k)
      if (!by_index.contains(k)) missing.push_back(k);
    std::string given;
    if (shards.size() <= 8)
      for (const auto& [k, i] : by_index) given += fmt::format("{}{} ({})", given.empty() ? "" : ", ", shards[i].path, k);
    else
      given = fmt::format("{} files", shards.size());
    throw_input_error("merge: shard{} {} of {} missing (given: {})", missing.size() > 1 ? "s" : "",
                      number_ranges(missing), n, given);
  }
  std::vector<std::size_t> order;
  for (const auto& [k, i] : by_index) order.push_back(i);
  return order;
}

OrderedParts read_ordered_parts(const std::vector<std::string>& paths, std::string_view stage) {
  OrderedParts out;
  for (const auto& path : paths) {
    out.parts.push_back(read_shard_part(path, stage));
    out.stamps.push_back(out.parts.back().file);
  }
  out.order = order_shards(out.stamps);
  return out;
}

std::string joined_backends(const std::vector<ShardFileStamp>& shards, const std::vector<std::size_t>& order) {
  std::vector<std::string> backends;
  for (std::size_t i : order)
    if (std::find(backends.begin(), backends.end(), shards[i].stamp.backend) == backends.end())
      backends.push_back(shards[i].stamp.backend);
  std::string out;
  for (const auto& b : backends) out += (out.empty() ? "" : "; ") + b;
  return out;
}

}  // namespace darkscan::io
