#pragma once
// The signal model, the scan and the interpretation over the ranks of an MPI job
// (docs/cluster.md#mpi), as `mpirun darkscan efficiency|scan|interpret` and `mpirun
// darkscan run` take them: each rank has
// computed its shard (rank_shard) and writes it as `--shard` does; rank 0 receives every
// rank's file and merges them as `darkscan merge` does into the file one process writes.
#include <cstdint>
#include <optional>
#include <string>

#include "interpret/interpret_shard_file.hpp"
#include "io/event_writer.hpp"
#include "io/shard_file.hpp"
#include "mpi/mpi_world.hpp"
#include "scan/scan.hpp"
#include "signal_model/efficiency_shard_file.hpp"

namespace darkscan::mpi {

// What the other ranks sent rank 0: their shard files, all together and the largest.
struct PartsSent {
  std::uint64_t total_bytes = 0, largest_bytes = 0;
};

// Collective. `mine`: build_signal_model of this rank's shard; `root` and `stamp` as
// `efficiency --shard` writes them. Rank 0 writes the model to `out` (not committed; null
// on the other ranks, which get nothing back) with `backend` as the root attribute.
std::optional<signal_model::MergedSignalModel> efficiency_on_rank0(const World& world,
                                                                   const signal_model::SignalModel& mine,
                                                                   const io::Attributes& root,
                                                                   const io::ShardStamp& stamp, io::EventFileWriter* out,
                                                                   const std::string& backend, PartsSent* sent);

// Collective. `mine`: run_scan of this rank's shard; `root` and `stamp` as `scan --shard`
// writes them. Rank 0 writes the whole scan to `out` (not committed) and returns it, with
// its own statistics time and event counts; the other ranks get nothing back.
std::optional<scan::ScanResult> scan_on_rank0(const World& world, const scan::ScanResult& mine,
                                              const io::Attributes& root, const io::ShardStamp& stamp,
                                              io::EventFileWriter* out, const std::string& backend, PartsSent* sent);

// Collective. `mine`: interpret of this rank's shard; `root` and `stamp` as `interpret
// --shard` writes them. Rank 0 writes the interpretation to `out` (not committed); the
// other ranks get nothing back.
std::optional<interpret::MergedInterpretation> interpret_on_rank0(const World& world,
                                                                  const interpret::Interpretation& mine,
                                                                  const io::Attributes& root,
                                                                  const io::ShardStamp& stamp,
                                                                  io::EventFileWriter* out, const std::string& backend,
                                                                  PartsSent* sent);

// The rows of a scan, which its shards split: every window at every lifetime.
std::uint64_t scan_items(const scan::ScanResult& result);

}  // namespace darkscan::mpi
