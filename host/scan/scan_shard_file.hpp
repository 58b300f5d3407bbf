#pragma once
// A shard of the scan (`darkscan scan --shard K/N`, docs/cluster.md) on disk and the merge
// of a run's shards into the file one process writes (`darkscan merge`). A shard file
// holds the root attributes the scan's file carries but where its largest excess is, its
// rows of /scan (every column, the statistics of those rows computed) and
// /scan_shard/part (io/shard_file.hpp). The merge joins the rows in shard order and
// computes the combination from them (merge_scan_rows), as one process does.
#include <string>
#include <vector>

#include "io/event_writer.hpp"
#include "io/shard_file.hpp"
#include "scan/scan.hpp"

namespace darkscan::scan {

// `root`: scan_root_attributes of the run (with this shard's backend); `rows`: the rows
// of the whole scan, of which `part` holds the shard's.
void write_scan_part(io::EventFileWriter& writer, const ScanResult& part, const io::Attributes& root,
                     const io::ShardStamp& stamp, std::uint64_t rows);

// The shards of one run checked (io::order_shards) and joined; InputError, one line
// naming the files, as io::order_shards says, and for a shard whose rows are not its
// range's. `root`: the output's root attributes (the shards' backends joined).
ScanResult merge_scan_shards(const std::vector<std::string>& paths, io::Attributes& root);

}  // namespace darkscan::scan
