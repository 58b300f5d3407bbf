#pragma once
// A shard of the look-elsewhere stage on disk (`darkscan lee --shard K/N`,
// docs/formats/outputs.md#lee-shard) and the merge of a run's shards into the file one
// process writes (`darkscan merge`, docs/commands/merge.md). A shard file is a copy of the
// scan file, as the stage's output is, with /lee_shard: the part's records
// (look_elsewhere.hpp LeePart) and, as attributes, what it belongs to.
#include <string>
#include <vector>

#include "io/event_writer.hpp"
#include "lee/look_elsewhere.hpp"

namespace darkscan::lee {

inline constexpr const char* kShardGroup = "lee_shard";

// /lee_shard/toys, /lee_shard/observed, /lee_shard/coverage and /lee_shard/expected;
// /lee and /expected of an earlier run of the copied file are removed.
void write_lee_part(io::EventFileWriter& writer, const LeePart& part, const std::string& backend,
                    const std::string& config_text);

struct ShardFile {
  std::string path;
  LeePart part;
  std::string backend;  // the backend's description the shard ran on
};

// True when the file holds /lee_shard (InputError when it is not a readable HDF5 file).
bool is_lee_shard(const std::string& path);

// The part a shard file holds; InputError naming the file when it is not a shard or its
// records do not match what it says of itself.
ShardFile read_lee_part(const std::string& path);

// The shards of one run, checked and combined (combine_parts). InputError, one line
// naming the files, for a file that is not a shard, shards of different counts N, a
// shard of another run (the first fingerprint line that differs), a shard given twice,
// and missing shards (which K). `backend`: the shards' backends, each once, in shard order.
LeeResult merge_lee_shards(const std::vector<std::string>& paths, std::string& backend);

}  // namespace darkscan::lee
