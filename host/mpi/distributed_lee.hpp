#pragma once
// The look-elsewhere stage over the ranks of an MPI job (docs/cluster.md#mpi): rank r of
// n computes shard r + 1 of n (lee::look_elsewhere_part, the split of `--shard`) with its
// own checkpoint; rank 0 gathers the parts and combines them (lee::combine_parts), so
// that its result equals one process's bit for bit, whatever the number of ranks.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "lee/look_elsewhere.hpp"
#include "mpi/mpi_world.hpp"

namespace darkscan::mpi {

struct RankedLee {
  std::optional<lee::LeeResult> result;  // rank 0's; empty on the other ranks
  // Known on rank 0: the toys every rank took from its checkpoint, and the bytes of the
  // parts the other ranks sent it (the largest one's and all together).
  std::uint64_t resumed = 0;
  std::uint64_t largest_part_bytes = 0, sent_bytes = 0;
};

// The checkpoint of `world`'s rank for an output: `<output>.shard-K-of-N.toys.partial`,
// K = rank + 1 (named by the shard, as `lee --shard K/N`'s beside its own output).
std::filesystem::path rank_checkpoint(const std::string& output, const World& world);

// Every rank calls it with the same arguments (request.shard is ignored). Before any toy,
// rank 0 compares the ranks' fingerprints (lee::shard_fingerprint) and throws InputError
// naming the first rank whose inputs, config or backend kind differ from its own, and
// the line that differs. Only rank 0 prints notes.
RankedLee look_elsewhere_on_ranks(const World& world, Backend& backend, const config::Config& config,
                                  const selection::SelectedData& data, const signal_model::SignalModel& model,
                                  const std::string& model_path, const scan::ScanTable& rows,
                                  const scan::ScanSettings& scan, lee::LeeRequest request);

}  // namespace darkscan::mpi
