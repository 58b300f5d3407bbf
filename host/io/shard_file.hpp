#pragma once
// What every shard file says of itself, and the checks `darkscan merge` makes of a set of
// them, written once for every stage that splits (docs/cluster.md): a shard of stage S
// holds /S_shard, whose table `table` carries as attributes the stage, the shard K/N, the
// fingerprint every shard of one run shares and the backend it ran on. The stage's own
// records (lee's toys, scan's rows, efficiency's points, ...) are the stage's business.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/event_writer.hpp"
#include "work_split.hpp"

namespace darkscan::io {

// The stages that write shards, as `darkscan merge` tells them apart: by their group.
inline constexpr const char* kShardStages[] = {"lee", "efficiency", "scan", "interpret"};

// "/<stage>_shard" without the slash.
std::string shard_group(std::string_view stage);

struct ShardStamp {
  std::string stage;
  Shard shard;
  std::string fingerprint;  // equal for every shard of one run and for nothing else
  std::string backend;      // the backend's description the shard ran on
};

// The attributes naming the shard (creator, darkscan_version, fingerprint, shard,
// shard_index, shard_count, backend), for the stamped table.
Attributes shard_stamp_attributes(const ShardStamp& stamp);

// A run's fingerprint, one "what value" line each: darkscan's version and commit, the
// stage, what the stage's result depends on and the backend's kind.
// `root`: the output's root attributes (its provenance: inputs and their checksums,
// settings, the config, whose SHA-256 stands for it; the backend is left out).
std::string run_fingerprint(std::string_view stage, const Attributes& root, std::string_view backend_kind,
                            const std::vector<std::string>& lines = {});

// The root attributes of a file.
Attributes read_root_attributes(const std::string& path);

// `attributes` with `backend` set to `backend`.
Attributes with_backend(Attributes attributes, const std::string& backend);

// The first line in which two fingerprints differ, as {line of `a`, line of `b`} ("" for
// a line one of them lacks); both empty when they are equal.
std::pair<std::string, std::string> first_differing_lines(const std::string& a, const std::string& b);

// The stage a file is a shard of; InputError naming the file when it is none (or not
// readable HDF5).
std::string shard_stage(const std::string& path);

struct ShardFileStamp {
  std::string path;
  ShardStamp stamp;
};

// The stamp of /<stage>_shard/<table>; InputError naming the file when it is missing or
// damaged (K not within 1..N).
ShardFileStamp read_shard_stamp(const std::string& path, std::string_view stage, const std::string& table);

// /<stage>_shard/part of a stage whose work is `items` numbered items (scan's rows,
// efficiency's signal points, interpret's model points): the stamp and the shard's range
// of them (shard_range), as attributes and as its one row; `extra`: attributes the stage
// adds (how its items divide into kinds).
void write_shard_part(EventFileWriter& writer, const ShardStamp& stamp, std::uint64_t items,
                      const Attributes& extra = {});

struct ShardPart {
  ShardFileStamp file;
  std::uint64_t items = 0;
  IndexRange range;
};

// The part's stamp and range; InputError naming the file when the range is not its
// shard's (a damaged shard).
ShardPart read_shard_part(const std::string& path, std::string_view stage);

// The shards of one run, in shard order 1..N (indices into `shards`). InputError, one line
// naming the files: shards of different counts N, a shard of another run (the first
// fingerprint line that differs), a shard given twice, missing shards (which K).
std::vector<std::size_t> order_shards(const std::vector<ShardFileStamp>& shards);

struct OrderedParts {
  std::vector<ShardPart> parts;        // as the paths were given
  std::vector<ShardFileStamp> stamps;  // the parts' stamps
  std::vector<std::size_t> order;      // order_shards of them
};

// The parts of `paths`, shards of `stage` whose work is numbered items, read and checked
// (read_shard_part, order_shards).
OrderedParts read_ordered_parts(const std::vector<std::string>& paths, std::string_view stage);

// The backends of the shards in shard order, each once, joined by "; " (the merged file's
// `backend`: docs/cluster.md).
std::string joined_backends(const std::vector<ShardFileStamp>& shards, const std::vector<std::size_t>& order);

}  // namespace darkscan::io
