#include "lee/look_elsewhere.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "darkscan/version.hpp"
#include "errors.hpp"
#include "io/file_checksum.hpp"
#include "lee/toy_checkpoint.hpp"
#include "progress.hpp"
#include "resources.hpp"

namespace darkscan::lee {

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// What the toys take, before any is drawn (docs/bad-input.md): every toy's outcome is
// kept, and a batch holds its toys' region counts, masses and outcomes. A region's
// count is drawn around its observed N + 1 (the predictive's mean); twice that is
// budgeted for the masses.
void check_toy_memory(const LeeSettings& settings, const std::vector<ToyRegion>& regions, const LeeRequest& request) {
  const std::uint64_t kept = saturating_product(settings.toys, sizeof(ToyOutcome));
  if (!fits_in_memory(kept))
    throw_input_error("{}: {} toys keep {} of outcomes ({} bytes a toy), more than the {} of memory", request.toys_name,
                      settings.toys, format_bytes(kept), sizeof(ToyOutcome), format_bytes(memory_limit_bytes()));
  std::uint64_t events = 0;
  for (const auto& region : regions) events += static_cast<std::uint64_t>(region.observed) + 1;
  const std::uint64_t per_toy =
      kMaxRegions * sizeof(std::int64_t) + saturating_product(2 * events, sizeof(double)) + sizeof(ToyOutcome);
  const std::uint64_t batch = saturating_product(std::min(settings.batch, settings.toys), per_toy);
  if (!fits_in_memory(batch > ~kept ? ~std::uint64_t{0} : kept + batch))
    throw_input_error("{}: batches of {} toys of about {} events take about {} beside the {} the toys keep, more "
                      "than the {} of memory",
                      request.batch_name, std::min(settings.batch, settings.toys), events, format_bytes(batch),
                      format_bytes(kept), format_bytes(memory_limit_bytes()));
}

}  // namespace

std::string checkpoint_fingerprint(const LeeSettings& settings, const scan::ScanSettings& scan,
                                   const config::Config& config, const Windows& windows, std::uint64_t first_toy) {
  // The windows the toys scan follow from the config and the model; their digest names
  // them directly, so that a checkpoint is tied to the scan it belongs to.
  std::string placed;
  for (int fs = 0; fs < physics::kFinalStates; ++fs)
    for (const auto& w : windows[fs])
      placed += fmt::format("{} {:a} {:a} {:a} {:a}\n", fs, w.centre, w.sigma, w.window.lo, w.window.hi);
  return fmt::format(
      "darkscan {} {}\nseed {}\ndata {}\nmodel {}\nconfig {}\nwindows {}\nlevel {:a}\nnodes {}\n"
      "record {} bytes, {} final states\nfirst toy {}\n",
      version(), commit(), settings.seed, scan.data_sha256, scan.model_sha256, io::sha256_text(config.text),
      io::sha256_text(placed), settings.upcrossing_level, settings.legendre_nodes, sizeof(ToyOutcome),
      physics::kFinalStates, first_toy);
}

std::string shard_fingerprint(const std::string& checkpoint_fingerprint, const std::string& scan_sha256,
                              std::string_view backend, std::uint64_t toys, std::uint64_t coverage_toys,
                              std::uint64_t rows) {
  // The backend's kind, not its threads: the CUDA backend's limits agree with the CPU's
  // to 1e-12, not bit for bit (docs/commands/README.md#common-behaviour).
  return fmt::format("{}scan {}\nbackend {}\ntoys {}\ncoverage toys {}\nrows {}\n", checkpoint_fingerprint,
                     scan_sha256, backend, toys, coverage_toys, rows);
}

LeePart look_elsewhere_part(Backend& backend, const config::Config& config, const selection::SelectedData& data,
                            const signal_model::SignalModel& model, const std::string& model_path,
                            const scan::ScanTable& rows, const scan::ScanSettings& scan, const LeeRequest& request) {
  LeePart r;
  r.shard = request.shard;
  r.settings = request.settings;
  r.coverage_toys = request.coverage_toys;
  r.rows = rows.size();
  r.credibility = scan.options.credibility;
  if (r.settings.toys == 0) throw_input_error("toys: must be positive");
  r.toy_range = shard_range(r.shard, r.settings.toys);
  r.coverage_range = shard_range(r.shard, r.coverage_toys);
  r.row_range = shard_range(r.shard, r.rows);
  r.windows = scan::scan_windows(config, model, model_path);
  const auto regions = toy_regions(config, data);
  LeeSettings mine = r.settings;  // this shard's toys, for the memory they take
  mine.toys = r.toy_range.size();
  check_toy_memory(mine, regions, request);
  r.observed = scan_observed(data, r.windows, r.settings);
  r.fingerprint = shard_fingerprint(checkpoint_fingerprint(r.settings, scan, config, r.windows), request.scan_sha256,
                                    backend.name(), r.settings.toys, r.coverage_toys, r.rows);

  const std::uint64_t count = r.toy_range.size();
  const std::string fingerprint = checkpoint_fingerprint(r.settings, scan, config, r.windows, r.toy_range.begin);
  if (!request.checkpoint.empty()) {
    auto found = read_checkpoint(request.checkpoint, fingerprint);
    if (!found.note.empty() && !request.quiet) fmt::print(stderr, "note: {}\n", found.note);
    r.toys = std::move(found.toys);
  }
  if (r.toys.size() > count) r.toys.resize(count);
  r.resumed = r.toys.size();
  if (r.resumed > 0 && !request.quiet)
    fmt::print(stderr, "resuming after {} toys kept in {}\n", r.resumed, request.checkpoint.string());
  // The toys the checkpoint on disk holds for this run: what a failure reports as kept,
  // not the toys in memory (a batch whose checkpoint could not be written is lost).
  std::uint64_t kept = r.resumed;
  const auto toy_start = Clock::now();
  {
    Progress progress("lee", count - r.resumed, "toys");
    try {
      run_toys(backend, regions, r.windows, r.settings, r.toy_range.begin + r.resumed, count - r.resumed, r.toys,
               request.quiet ? nullptr : &progress, [&](const std::vector<ToyOutcome>& done) {
                 if (request.checkpoint.empty()) return;
                 write_checkpoint(request.checkpoint, fingerprint, done);
                 kept = done.size();
               });
    } catch (const Cancelled&) {
      throw;  // the watcher stopped the run (progress.hpp): the checkpoint is kept, unremarked
    } catch (const std::exception& e) {
      if (request.checkpoint.empty()) throw;
      const std::string message =
          kept == 0 ? fmt::format("{} (no toys kept; the same command starts again)", e.what())
                    : fmt::format("{} ({} toys kept in {}; the same command resumes)", e.what(), kept,
                                  request.checkpoint.string());
      if (dynamic_cast<const WriteError*>(&e) != nullptr) throw WriteError(message);
      throw std::runtime_error(message);
    }
    if (!request.quiet) progress.finish();
  }
  r.toy_seconds = seconds_since(toy_start);

  const auto expected_start = Clock::now();
  r.expected = expected_limits(backend, rows, scan.luminosity_fb, scan.luminosity_rel_unc, scan.options, r.row_range);
  r.expected_seconds = seconds_since(expected_start);
  // The coverage's truths are the median expected limits at its rows, in every shard:
  // this shard's where it holds the row, else computed for that row alone (the same).
  const auto points = coverage_rows(rows);
  std::vector<double> medians;
  for (std::size_t i : points)
    medians.push_back(i >= r.row_range.begin && i < r.row_range.end
                          ? r.expected.ul_events[2][i - r.row_range.begin]
                          : expected_limits(backend, rows, scan.luminosity_fb, scan.luminosity_rel_unc, scan.options,
                                            {i, i + 1})
                                .ul_events[2][0]);
  r.coverage = coverage(backend, rows, medians, points, scan.luminosity_rel_unc, scan.options, r.settings.seed,
                        r.coverage_range);
  return r;
}

LeeResult combine_parts(std::vector<LeePart> parts) {
  if (parts.empty()) throw std::logic_error("combine_parts: no parts");
  LeePart& first = parts.front();
  LeeResult r;
  r.settings = first.settings;
  r.windows = std::move(first.windows);
  r.observed = first.observed;
  r.resumed = first.resumed;
  r.credibility = first.credibility;
  r.toy_seconds = first.toy_seconds;
  r.expected_seconds = first.expected_seconds;
  r.toys = std::move(first.toys);
  r.expected = std::move(first.expected);
  r.coverage = std::move(first.coverage);
  for (std::size_t k = 1; k < parts.size(); ++k) {
    const LeePart& p = parts[k];
    if (p.shard.index != k + 1 || p.coverage.size() != r.coverage.size())
      throw std::logic_error("combine_parts: parts not of one run or not in shard order");
    r.toys.insert(r.toys.end(), p.toys.begin(), p.toys.end());
    append_rows(r.expected, p.expected);
    r.toy_seconds += p.toy_seconds;
    r.expected_seconds += p.expected_seconds;
    for (std::size_t j = 0; j < r.coverage.size(); ++j) {
      r.coverage[j].toys += p.coverage[j].toys;
      r.coverage[j].covered += p.coverage[j].covered;
    }
  }
  for (auto& c : r.coverage) finish_coverage(c);
  r.summary = summarise(r.observed, r.toys, r.settings.upcrossing_level);
  return r;
}

LeeResult look_elsewhere(Backend& backend, const config::Config& config, const selection::SelectedData& data,
                         const signal_model::SignalModel& model, const std::string& model_path,
                         const scan::ScanTable& rows, const scan::ScanSettings& scan, const LeeRequest& request) {
  LeeRequest whole = request;
  whole.shard = {};
  std::vector<LeePart> parts;
  parts.push_back(look_elsewhere_part(backend, config, data, model, model_path, rows, scan, whole));
  return combine_parts(std::move(parts));
}

}  // namespace darkscan::lee
