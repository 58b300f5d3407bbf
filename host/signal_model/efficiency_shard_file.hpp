#pragma once
// A shard of the signal model (`darkscan efficiency --shard K/N`,
// docs/cluster.md) on disk and the merge of a run's shards into the file one
// process writes (`darkscan merge`). The stage's items are the signal points in
// the order it takes them (point_key); a shard file is a signal model file of
// its range of points (their /points, /efficiency_chi2, and their samples'
// /efficiency and /resolution tables, /maps of them) with
// /efficiency_shard/part (io/shard_file.hpp). The merge copies the per-point
// and per-sample tables as they are and writes /maps from every shard's points
// in the model's order, by the code one process runs (write_maps).
#include <string>
#include <string_view>
#include <vector>

#include "io/event_writer.hpp"
#include "io/shard_file.hpp"
#include "signal_model/signal_model.hpp"

namespace darkscan::signal_model {

// What every shard of one model shares (docs/cluster.md): the root attributes, which
// name the input and the config, the backend's kind and the input's SHA-256.
std::string efficiency_fingerprint(const io::Attributes &root, std::string_view backend_kind,
                                   const std::string &input);

// `root`: signal_model_root_attributes of the run (with this shard's backend);
// `model`: build_signal_model of the shard.
void write_efficiency_part(io::EventFileWriter &writer, const SignalModel &model, const io::Attributes &root,
                           const io::ShardStamp &stamp);

struct MergedSignalModel {
  std::vector<SignalPointModel> points;  // in the model's order, as read back from the shards
  std::size_t lifetimes = 0;
  std::size_t shards = 0;
};

// The shards of one run checked (io::order_shards) and written to `writer` as
// the one file; InputError, one line naming the files, as io::order_shards
// says, and for a shard whose points are not its range's. The root attributes
// are the first shard's with `backend`, or the shards' backends joined where it
// is empty.
MergedSignalModel merge_efficiency_shards(const std::vector<std::string> &paths, io::EventFileWriter &writer,
                                          const std::string &backend = "");

}  // namespace darkscan::signal_model
