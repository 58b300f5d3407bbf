#pragma once
// The look-elsewhere stage (`darkscan lee`, docs/physics/look-elsewhere.md): background-only toys
// of the whole scan (checkpointed after every batch, so that an interrupted run resumes
// where it stopped), the global significance beside the Gross–Vitells estimate, the
// expected limits of every scan row and the coverage of the limits. lee_file.hpp writes
// the result.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "backend/backend.hpp"
#include "config/config.hpp"
#include "lee/coverage.hpp"
#include "lee/expected_limits.hpp"
#include "lee/lee.hpp"
#include "scan/scan.hpp"
#include "scan/scan_file.hpp"
#include "selection/selected_data.hpp"
#include "signal_model/signal_model.hpp"
#include "work_split.hpp"

namespace darkscan::lee {

struct LeeRequest {
  LeeSettings settings;
  std::uint64_t coverage_toys = 2000;  // signal-plus-background toys per coverage point
  std::filesystem::path checkpoint;    // empty: no checkpoint
  // The part of the work this run does (docs/cluster.md): shard K of N computes the toys,
  // the coverage toys and the expected limits of the rows in its ranges (shard_range).
  Shard shard;
  std::string scan_sha256;  // the scan file's, named by the shard's fingerprint ("" when none)
  // How errors name the toys' and the batch's settings ("--toys", "key 'run.toys'").
  std::string toys_name = "--toys", batch_name = "--batch";
  // No notes or progress on stderr: the ranks of an MPI run but the first, which print
  // nothing but errors (docs/cluster.md#mpi).
  bool quiet = false;
};

struct LeeResult {
  LeeSettings settings;
  Windows windows;
  ToyOutcome observed;
  std::vector<ToyOutcome> toys;
  std::uint64_t resumed = 0;  // toys taken from the checkpoint
  LeeSummary summary;
  ExpectedLimits expected;
  std::vector<CoveragePoint> coverage;
  double credibility = 0;
  double toy_seconds = 0, expected_seconds = 0;
};

// What one shard of a run computes (the whole run is shard 1/1): the records merging
// needs, in index order. Merged in shard order by combine_parts, these give the result
// of one process bit for bit, whatever the split (docs/cluster.md).
struct LeePart {
  Shard shard;
  std::string fingerprint;  // shard_fingerprint: what every shard of one run shares
  LeeSettings settings;     // toys: the run's, all shards together
  std::uint64_t coverage_toys = 0;  // per coverage point, all shards together
  std::uint64_t rows = 0;           // the /scan rows, all shards together
  IndexRange toy_range, coverage_range, row_range;
  ToyOutcome observed;
  std::vector<ToyOutcome> toys;  // the toys of toy_range
  ExpectedLimits expected;       // the rows of row_range
  // Every coverage point (the same in every shard), its toys and covered counted over
  // coverage_range only; coverage and coverage_unc are left to combine_parts.
  std::vector<CoveragePoint> coverage;
  double credibility = 0;
  // This process's own, not merged: the windows, the toys taken from the checkpoint, times.
  Windows windows;
  std::uint64_t resumed = 0;
  double toy_seconds = 0, expected_seconds = 0;
};

// The checkpoint's fingerprint, one "what value" line each: what the toys depend on
// (version, seed, the scan's inputs, the config, the windows, the toys' settings, the
// record layout, the first toy), so that another run's toys are never merged.
std::string checkpoint_fingerprint(const LeeSettings& settings, const scan::ScanSettings& scan,
                                   const config::Config& config, const Windows& windows, std::uint64_t first_toy = 0);

// The shard's fingerprint: the checkpoint's (from toy 0) and what the expected limits and
// coverage depend on beside it (the scan file, the backend's kind) and the run's sizes
// (toys, coverage toys, rows); equal for every shard of one run and for nothing else.
std::string shard_fingerprint(const std::string& checkpoint_fingerprint, const std::string& scan_sha256,
                              std::string_view backend, std::uint64_t toys, std::uint64_t coverage_toys,
                              std::uint64_t rows);

// The part of `request.shard`, checkpointed as look_elsewhere is.
LeePart look_elsewhere_part(Backend& backend, const config::Config& config, const selection::SelectedData& data,
                            const signal_model::SignalModel& model, const std::string& model_path,
                            const scan::ScanTable& rows, const scan::ScanSettings& scan, const LeeRequest& request);

// The result of every part of one run, given in shard order 1..N (the caller has checked
// that they belong together: lee_shard_file.hpp for files): the toys, the expected
// limits' rows and the coverage counts joined, then the summary and the coverage as one
// process computes them. The windows and resumed toys are the first part's, the times
// the parts' sums.
LeeResult combine_parts(std::vector<LeePart> parts);

// The whole run: combine_parts of its only part, shard 1/1 (request.shard is ignored).
// `scan` and `rows` are the scan of `data` with `model` (the caller checks them);
// `model_path` names the model in errors. The checkpoint is removed by the caller once
// the result is written.
LeeResult look_elsewhere(Backend& backend, const config::Config& config, const selection::SelectedData& data,
                         const signal_model::SignalModel& model, const std::string& model_path,
                         const scan::ScanTable& rows, const scan::ScanSettings& scan, const LeeRequest& request);

}  // namespace darkscan::lee
