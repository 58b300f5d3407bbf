#include "mpi/ranked_stages.hpp"

#include <filesystem>
#include <vector>

#include "mpi/distributed_shards.hpp"
#include "scan/scan_file.hpp"
#include "scan/scan_shard_file.hpp"

namespace darkscan::mpi {

namespace {

std::vector<std::string> paths_on_rank0(const GatheredShards& gathered, PartsSent* sent) {
  if (sent) *sent = {gathered.sent_bytes, gathered.largest_bytes};
  return gathered.path_names();
}

}  // namespace

std::uint64_t scan_items(const scan::ScanResult& result) {
  std::uint64_t rows = 0;
  for (const auto& w : result.windows) rows += w.size() * result.ctau_cm.size();
  return rows;
}

std::optional<signal_model::MergedSignalModel> efficiency_on_rank0(const World& world,
                                                                   const signal_model::SignalModel& mine,
                                                                   const io::Attributes& root,
                                                                   const io::ShardStamp& stamp, io::EventFileWriter* out,
                                                                   const std::string& backend, PartsSent* sent) {
  const GatheredShards gathered = gather_written_shards(world, "efficiency", [&](io::EventFileWriter& part) {
    signal_model::write_efficiency_part(part, mine, root, stamp);
  });
  const auto paths = paths_on_rank0(gathered, sent);
  if (world.rank() != 0) return std::nullopt;
  // One process's root attributes: its own backend (every rank runs one kind).
  return signal_model::merge_efficiency_shards(paths, *out, backend);
}

std::optional<scan::ScanResult> scan_on_rank0(const World& world, const scan::ScanResult& mine,
                                              const io::Attributes& root, const io::ShardStamp& stamp,
                                              io::EventFileWriter* out, const std::string& backend, PartsSent* sent) {
  const GatheredShards gathered = gather_written_shards(world, "scan", [&](io::EventFileWriter& part) {
    scan::write_scan_part(part, mine, io::with_backend(root, backend), stamp, scan_items(mine));
  });
  const auto paths = paths_on_rank0(gathered, sent);
  if (world.rank() != 0) return std::nullopt;
  io::Attributes merged_root;
  auto whole = scan::merge_scan_shards(paths, merged_root);
  whole.statistics_seconds = mine.statistics_seconds;
  whole.events = mine.events;  // counted by every rank, kept by none of the files
  scan::write_scan(*out, whole, io::with_backend(merged_root, backend));
  return whole;
}

std::optional<interpret::MergedInterpretation> interpret_on_rank0(const World& world,
                                                                  const interpret::Interpretation& mine,
                                                                  const io::Attributes& root,
                                                                  const io::ShardStamp& stamp,
                                                                  io::EventFileWriter* out, const std::string& backend,
                                                                  PartsSent* sent) {
  const GatheredShards gathered = gather_written_shards(world, "interpret", [&](io::EventFileWriter& part) {
    interpret::write_interpret_part(part, mine, root, stamp);
  });
  const auto paths = paths_on_rank0(gathered, sent);
  if (world.rank() != 0) return std::nullopt;
  // One process's root attributes: its own backend (every rank runs one kind).
  return interpret::merge_interpret_shards(paths, *out, backend);
}

}  // namespace darkscan::mpi
