#pragma once
// The look-elsewhere stage (`darkscan lee`, docs/physics/look-elsewhere.md): background-only toys
// of the whole scan (checkpointed after every batch, so that an interrupted run resumes
// where it stopped), the global significance beside the Gross–Vitells estimate, the
// expected limits of every scan row and the coverage of the limits. lee_file.hpp writes
// the result.
#include <cstdint>
#include <filesystem>
#include <string>
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

namespace darkscan::lee {

struct LeeRequest {
  LeeSettings settings;
  std::uint64_t coverage_toys = 2000;  // signal-plus-background toys per coverage point
  std::filesystem::path checkpoint;    // empty: no checkpoint
  // How errors name the toys' and the batch's settings ("--toys", "key 'run.toys'").
  std::string toys_name = "--toys", batch_name = "--batch";
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

// The checkpoint's fingerprint, one "what value" line each: what the toys depend on
// (version, seed, the scan's inputs, the config, the windows, the toys' settings, the
// record layout), so that another run's toys are never merged.
std::string checkpoint_fingerprint(const LeeSettings& settings, const scan::ScanSettings& scan,
                                   const config::Config& config, const Windows& windows);

// `scan` and `rows` are the scan of `data` with `model` (the caller checks them);
// `model_path` names the model in errors. The checkpoint is removed by the caller once
// the result is written.
LeeResult look_elsewhere(Backend& backend, const config::Config& config, const selection::SelectedData& data,
                         const signal_model::SignalModel& model, const std::string& model_path,
                         const scan::ScanTable& rows, const scan::ScanSettings& scan, const LeeRequest& request);

}  // namespace darkscan::lee
