#pragma once
// The scan's result file: /scan (one row per final state, cτ and window) and
// /scan_combined (one row per cτ and mass of the common grid), every dataset with its
// `unit` and `description` attributes (docs/formats/outputs.md#scanh5).
#include "config/config.hpp"
#include "io/event_writer.hpp"
#include "io/provenance.hpp"
#include "scan/scan.hpp"
#include "stats/stats_plan.hpp"

namespace darkscan::scan {

// The /scan rows of a scan output; InputError naming the file and the column when one
// is missing or of another length.
ScanTable read_scan_rows(const std::string& path);
// What a scan ran with, from its root attributes: the statistics settings (so that
// later stages compute as the scan did), the luminosity and the inputs' checksums.
struct ScanSettings {
  stats::StatsOptions options;
  double luminosity_fb = 0;
  double luminosity_rel_unc = 0;
  std::string data_sha256, model_sha256;
};
ScanSettings read_scan_settings(const std::string& path);

// The settings a scan with this config writes (what read_scan_settings gives back), for
// a stage handed the scan in memory.
ScanSettings scan_settings(const config::Config& config, const std::string& data_sha256,
                           const std::string& model_sha256);

// /scan and /scan_combined; root attributes: the provenance (with the inputs'
// checksums), the settings read_scan_settings reads back, and where the largest local
// excess is.
void write_scan(io::EventFileWriter& writer, const ScanResult& result, const config::Config& config,
                const io::Provenance& provenance);

// The root attributes of a scan file but where its largest excess is (which the rows of
// all shards decide: docs/cluster.md).
io::Attributes scan_root_attributes(const config::Config& config, const io::Provenance& provenance);

// write_scan with the root attributes given (scan_root_attributes'; the largest excess
// is added).
void write_scan(io::EventFileWriter& writer, const ScanResult& result, io::Attributes root);

// /scan alone: `rows` (a shard's).
void write_scan_rows(io::EventFileWriter& writer, const ScanTable& rows);

// The /scan_combined rows, likewise.
CombinedTable read_scan_combined(const std::string& path);

}  // namespace darkscan::scan
