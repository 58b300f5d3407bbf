#pragma once
// A stage over the ranks of an MPI job by way of its shards (docs/cluster.md#mpi): rank r
// of n computes shard r + 1 of n and writes it as `--shard` does, to a file of its node's
// temporary folder; rank 0 receives every rank's file as one message and merges them as
// `darkscan merge` does, so that its output equals one process's bit for bit.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "io/event_writer.hpp"
#include "mpi/mpi_world.hpp"
#include "work_split.hpp"

namespace darkscan::mpi {

// The shard of `world`'s rank: rank + 1 of size.
Shard rank_shard(const World& world);

// Collective, before any work. On rank 0: InputError naming the first rank whose
// fingerprint is not rank 0's and the line that differs (`job` names the stage's job).
void check_same_run(const World& world, const std::string& fingerprint, std::string_view job);

// Where this rank writes its shard: the node's temporary folder, named by the job's
// stage, the rank's shard and its process.
std::filesystem::path rank_shard_path(const World& world, std::string_view stage);

struct GatheredShards {
  std::vector<std::filesystem::path> paths;  // rank 0: every rank's shard file, in rank order
  std::uint64_t sent_bytes = 0, largest_bytes = 0;  // the other ranks' files sent to rank 0
  std::vector<std::filesystem::path> received;      // removed with the object that holds them

  GatheredShards() = default;
  ~GatheredShards();  // removes the files received
  // Move-only: the files go with the object that holds them (a copy would remove them
  // while the original still names them).
  GatheredShards(GatheredShards&& other) noexcept;
  GatheredShards& operator=(GatheredShards&& other) noexcept;
  GatheredShards(const GatheredShards&) = delete;
  GatheredShards& operator=(const GatheredShards&) = delete;

  std::vector<std::string> path_names() const;  // `paths` as text, for the stages' merges
};

// Collective: every rank hands the shard file it wrote (which is removed once sent);
// rank 0 gets them all.
GatheredShards gather_shard_files(const World& world, const std::filesystem::path& mine);

// Collective: this rank's shard of `stage` written by `write` to rank_shard_path, as
// `--shard` writes it, and gathered (gather_shard_files).
GatheredShards gather_written_shards(const World& world, std::string_view stage,
                                     const std::function<void(io::EventFileWriter&)>& write);

}  // namespace darkscan::mpi
