#include "lee/look_elsewhere.hpp"

#include <fmt/format.h>

#include <chrono>
#include <functional>

#include "darkscan/version.hpp"
#include "errors.hpp"
#include "lee/toy_checkpoint.hpp"
#include "progress.hpp"

namespace darkscan::lee {

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }
}  // namespace

std::string checkpoint_fingerprint(const LeeSettings& settings, const scan::ScanSettings& scan,
                                   const config::Config& config) {
  return fmt::format("darkscan {} seed {} data {} model {} config {} level {} nodes {}", version(), settings.seed,
                     scan.data_sha256, scan.model_sha256, std::hash<std::string>{}(config.text),
                     settings.upcrossing_level, settings.legendre_nodes);
}

LeeResult look_elsewhere(Backend& backend, const config::Config& config, const selection::SelectedData& data,
                         const signal_model::SignalModel& model, const std::string& model_path,
                         const scan::ScanTable& rows, const scan::ScanSettings& scan, const LeeRequest& request) {
  LeeResult r;
  r.settings = request.settings;
  r.credibility = scan.options.credibility;
  if (r.settings.toys == 0) throw_input_error("toys: must be positive");
  r.windows = scan::scan_windows(config, model, model_path);
  const auto regions = toy_regions(config, data);
  r.observed = scan_observed(data, r.windows, r.settings);

  const std::string fingerprint = checkpoint_fingerprint(r.settings, scan, config);
  if (!request.checkpoint.empty()) r.toys = read_checkpoint(request.checkpoint, fingerprint);
  if (r.toys.size() > r.settings.toys) r.toys.resize(r.settings.toys);
  r.resumed = r.toys.size();
  if (r.resumed > 0)
    fmt::print(stderr, "resuming after {} toys kept in {}\n", r.resumed, request.checkpoint.string());
  const auto toy_start = Clock::now();
  {
    Progress progress("lee", r.settings.toys - r.resumed, "toys");
    // The toys the checkpoint holds: those of the last write that succeeded, which is
    // what a failure reports (the toys in memory may be more).
    std::size_t kept = r.resumed;
    try {
      run_toys(backend, regions, r.windows, r.settings, r.resumed, r.settings.toys - r.resumed, r.toys, &progress,
               [&](const std::vector<ToyOutcome>& done) {
                 if (request.checkpoint.empty()) return;
                 write_checkpoint(request.checkpoint, fingerprint, done);
                 kept = done.size();
               });
    } catch (const std::exception& e) {
      if (request.checkpoint.empty()) throw;
      const std::string message =
          kept == 0 ? fmt::format("{} (no toys kept)", e.what())
                    : fmt::format("{} ({} toys kept in {}; the same command resumes)", e.what(), kept,
                                  request.checkpoint.string());
      if (dynamic_cast<const WriteError*>(&e) != nullptr) throw WriteError(message);
      throw std::runtime_error(message);
    }
    progress.finish();
  }
  r.toy_seconds = seconds_since(toy_start);
  r.summary = summarise(r.observed, r.toys, r.settings.upcrossing_level);

  const auto expected_start = Clock::now();
  r.expected = expected_limits(backend, rows, scan.luminosity_fb, scan.luminosity_rel_unc, scan.options);
  r.expected_seconds = seconds_since(expected_start);
  r.coverage = coverage(backend, rows, r.expected, coverage_rows(rows), scan.luminosity_rel_unc, scan.options,
                        r.settings.seed, request.coverage_toys);
  return r;
}

}  // namespace darkscan::lee
