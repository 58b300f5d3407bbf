#pragma once
// A shard of the interpretation (`darkscan interpret --shard K/N`, docs/cluster.md#interpret-shards)
// on disk and the merge of a run's shards into the file one process writes (`darkscan
// merge`). The stage's items are its grid masses, then its (m(chi1), point) pairs of the
// y limit (InterpretWork); a shard file is an interpretation file of its items
// (write_interpretation of its part: its masses' rows of /combined_limits and /sin_theta,
// its pairs' of /y_limit, every model point in /model_points with its counts of them)
// with /interpret_shard/part (io/shard_file.hpp), which says how the items divide. The
// merge puts every table's rows in the order one process writes them: /combined_limits
// lifetime by lifetime, /sin_theta point by point, each the shards' masses in turn;
// /y_limit the shards' rows one after another; /model_points' counts added up.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "interpret/interpretation.hpp"
#include "io/event_writer.hpp"
#include "io/shard_file.hpp"

namespace darkscan::interpret {

// What every shard of one interpretation shares (docs/cluster.md#interpret-shards): the
// root attributes (provenance, config), the backend's kind, the SHA-256 of the model and
// of each theory table of `request` (or "none"), and whether it takes the benchmark points.
std::string interpret_fingerprint(const io::Attributes& root, std::string_view backend_kind,
                                  const InterpretRequest& request, const std::string& model_path);

// `part`: interpret of the shard; `root`: the output's root attributes (its provenance,
// with this shard's backend).
void write_interpret_part(io::EventFileWriter& writer, const Interpretation& part, const io::Attributes& root,
                          const io::ShardStamp& stamp);

struct MergedInterpretation {
  InterpretWork work;
  std::size_t shards = 0;
  std::uint64_t combined_rows = 0, y_rows = 0;  // rows of /combined_limits and /y_limit/masses
};

// The shards of one run checked (io::order_shards) and written to `writer` as the one
// file; InputError, one line naming the files, as io::order_shards says, and for a
// shard whose tables do not hold its items' rows. The root attributes are the first
// shard's with `backend`, or the shards' backends joined where it is empty.
MergedInterpretation merge_interpret_shards(const std::vector<std::string>& paths, io::EventFileWriter& writer,
                                            const std::string& backend = "");

}  // namespace darkscan::interpret
