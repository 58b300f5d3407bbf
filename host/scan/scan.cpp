#include "scan/scan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <set>

#include "darkscan/stats/combination.hpp"
#include "darkscan/stats/normal_quantile.hpp"
#include "config/limits.hpp"
#include "errors.hpp"
#include "resources.hpp"
#include "signal_model/efficiency_map.hpp"
#include "signal_model/mass_interpolation.hpp"
#include "stats/marginalise_batch.hpp"

namespace darkscan::scan {

namespace {

using physics::kFinalStateNames;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The m(chi1) whose points the scan uses for a final state: NaN (all of them) when the
// model holds one dark-sector point for it, else the config's [model] m(chi1).
double m_chi1_filter(const signal_model::SignalModel& model, int fs, const config::Config& config) {
  std::set<double> seen;
  for (const auto& p : model.points)
    if (p.final_state == fs) seen.insert(std::isnan(signal_model::point_m_chi1(p)) ? -1.0 : signal_model::point_m_chi1(p));
  return seen.size() > 1 ? config.model.m_chi1_gev : std::nan("");
}

// The final state's interpolation, checked against the scan's needs.
signal_model::MassInterpolation interpolation_for(const signal_model::SignalModel& model, int fs,
                                                  const config::Config& config, const std::string& model_path) {
  const double m_chi1 = m_chi1_filter(model, fs, config);
  signal_model::MassInterpolation interp(model, fs, m_chi1);
  if (interp.masses() == 0)
    throw_input_error("{}: no signal points of final state {}{} (scan.final_states asks for it)", model_path,
                      kFinalStateNames[fs],
                      std::isnan(m_chi1) ? std::string() : fmt::format(" at m(chi1) = {} GeV (model.m_chi1_gev)", m_chi1));
  if (std::isnan(interp.sigma_lowest()))
    throw_input_error("{}: no signal point of final state {} has a mass resolution (no selected events, or every "
                      "resolution fit failed)",
                      model_path, kFinalStateNames[fs]);
  return interp;
}

// Every window of the final state's rows shares its counts, so the combined grid's
// channel at mass m is the window whose centre is nearest m, if it covers m.
std::int64_t window_covering(const std::vector<WindowGeometry>& windows, double m) {
  if (windows.empty()) return -1;
  const auto it = std::lower_bound(windows.begin(), windows.end(), m,
                                   [](const WindowGeometry& w, double v) { return w.centre < v; });
  std::int64_t k = it - windows.begin();
  if (k == static_cast<std::int64_t>(windows.size()) ||
      (k > 0 && m - windows[k - 1].centre <= windows[k].centre - m))
    --k;
  const auto& w = windows[k];
  return (m >= w.window.lo && m <= w.window.hi) ? k : -1;
}

}  // namespace

void check_scan_size(const config::Config& config,
                     const std::array<std::vector<WindowGeometry>, physics::kFinalStates>& windows,
                     std::size_t lifetimes) {
  // What one /scan row takes while the scan runs, roughly: its columns (about 130
  // bytes), its experiment and statistics result, the deduplication's index, its
  // /scan_combined rows, and the copies the writer makes.
  constexpr std::uint64_t kBytesPerScanRow = 512;
  std::uint64_t placed = 0;
  for (const auto& w : windows) placed += w.size();
  const std::uint64_t rows = saturating_product(placed, lifetimes);
  const std::uint64_t bytes = saturating_product(rows, kBytesPerScanRow);
  if (rows > static_cast<std::uint64_t>(config::kMaxScanRows) || !fits_in_memory(bytes))
    throw_input_error("{}: key 'scan.window_step_sigma': {} windows x {} lifetimes (signal_model.ctau_points_per_decade "
                      "= {}) are {} rows of /scan, about {}; at most {} rows and {} of memory",
                      config.source.string(), placed, lifetimes, config.signal_model.ctau_points_per_decade, rows,
                      format_bytes(bytes), config::kMaxScanRows, format_bytes(memory_limit_bytes()));
}

std::vector<std::size_t> lifetime_indices(const config::Config& config, const signal_model::SignalModel& model,
                                          const std::string& model_path) {
  const auto& sm = config.signal_model;
  const auto wanted = signal_model::log_grid(sm.ctau_range_cm.lo, sm.ctau_range_cm.hi, sm.ctau_points_per_decade);
  std::vector<std::size_t> indices;
  for (double c : wanted) {
    const auto it = std::find_if(model.ctau_cm.begin(), model.ctau_cm.end(),
                                 [c](double m) { return std::abs(m - c) <= 1e-9 * c; });
    if (it == model.ctau_cm.end())
      throw_input_error(
          "{}: the signal model's lifetime grid ({} points, {} to {} cm) does not hold cτ = {} cm of "
          "signal_model.ctau_range_cm = [{}, {}] at {} per decade; rerun darkscan efficiency with this config",
          model_path, model.ctau_cm.size(), model.ctau_cm.empty() ? 0.0 : model.ctau_cm.front(),
          model.ctau_cm.empty() ? 0.0 : model.ctau_cm.back(), c, sm.ctau_range_cm.lo, sm.ctau_range_cm.hi,
          sm.ctau_points_per_decade);
    indices.push_back(static_cast<std::size_t>(it - model.ctau_cm.begin()));
  }
  return indices;
}

std::vector<int> scanned_final_states(const config::Config& config) {
  std::vector<int> scanned;
  for (const auto& name : config.scan.final_states) {
    const int fs = physics::final_state_from_name(name);
    if (std::find(scanned.begin(), scanned.end(), fs) == scanned.end()) scanned.push_back(fs);
  }
  std::sort(scanned.begin(), scanned.end());
  return scanned;
}

std::array<std::vector<WindowGeometry>, physics::kFinalStates> scan_windows(const config::Config& config,
                                                                            const signal_model::SignalModel& model,
                                                                            const std::string& model_path) {
  const WindowRule rule{config.scan.window_half_width_sigma, config.scan.window_step_sigma};
  std::array<std::vector<WindowGeometry>, physics::kFinalStates> all;
  for (int fs : scanned_final_states(config)) {
    const auto interp = interpolation_for(model, fs, config, model_path);
    const FinalStateRange range = final_state_range(config, fs);
    if (!(range.hi > range.lo))
      throw_input_error("{}: key 'scan.mass_max_gev': {} GeV is below the {} threshold {} GeV",
                        config.source.string(), range.hi, kFinalStateNames[fs], range.lo);
    const auto sigma = [&](double m) { return interp.sigma(m); };
    // The grid's size, before it is allocated (config/limits.hpp, docs/bad-input.md).
    const std::uint64_t steps = window_steps(range, sigma, rule, config::kMaxWindows);
    const std::uint64_t bytes = saturating_product(steps, sizeof(WindowGeometry));
    if (steps > static_cast<std::uint64_t>(config::kMaxWindows) || !fits_in_memory(bytes))
      throw_input_error("{}: key 'scan.window_step_sigma': {} with the {} mass resolution of {} places {}{} windows "
                        "({}{}); at most {} windows and {} of memory",
                        config.source.string(), rule.step_sigma, kFinalStateNames[fs], model_path,
                        steps > static_cast<std::uint64_t>(config::kMaxWindows) ? "more than " : "",
                        std::min<std::uint64_t>(steps, config::kMaxWindows), format_bytes(bytes),
                        steps > static_cast<std::uint64_t>(config::kMaxWindows) ? " and more" : "",
                        config::kMaxWindows, format_bytes(memory_limit_bytes()));
    auto& windows = all[fs];
    windows = place_windows(range, sigma, rule);
    const double tol = config.scan.sigma_extrapolation_gev;
    if (!windows.empty() &&
        (windows.front().centre < interp.sigma_lowest() - tol || windows.back().centre > interp.sigma_highest() + tol))
      throw_input_error(
          "{}: the {} signal points with a mass resolution span m(h') = [{}, {}] GeV, but the scan's windows are "
          "centred from {:.4f} to {:.4f} GeV (threshold to scan.mass_max_gev), more than "
          "scan.sigma_extrapolation_gev = {} GeV outside",
          model_path, kFinalStateNames[fs], interp.sigma_lowest(), interp.sigma_highest(), windows.front().centre,
          windows.back().centre, tol);
  }
  return all;
}

namespace {

template <class T>
void append_range(std::vector<T>& to, const std::vector<T>& from, IndexRange range) {
  if (range.end > from.size()) return;  // a column not filled yet
  to.insert(to.end(), from.begin() + static_cast<std::ptrdiff_t>(range.begin),
            from.begin() + static_cast<std::ptrdiff_t>(range.end));
}

// The combination: every window centre of every final state, each final state's own
// window there, at every lifetime; and the rows without a limit counted. The same for
// the whole scan and for the merge of its shards' rows (docs/cluster.md).
void combine_final_states(ScanResult& result) {
  const ScanTable& t = result.rows;
  result.missing_limits = {};
  for (std::size_t i = 0; i < t.size(); ++i) ++result.missing_limits[t.limit_status[i]];
  std::vector<int> scanned;
  for (int fs = 0; fs < physics::kFinalStates; ++fs)
    if (!result.windows[fs].empty()) scanned.push_back(fs);
  const std::size_t lifetimes = result.ctau_cm.size();
  std::vector<double> grid;
  for (int fs : scanned)
    for (const auto& w : result.windows[fs]) grid.push_back(w.centre);
  std::sort(grid.begin(), grid.end());
  grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
  std::array<std::size_t, physics::kFinalStates> first_row{};
  std::size_t offset = 0;
  for (int fs : scanned) {
    first_row[fs] = offset;
    offset += result.windows[fs].size() * lifetimes;
  }
  CombinedTable& c = result.combined;
  c = {};
  for (std::size_t jj = 0; jj < lifetimes; ++jj) {
    for (double m : grid) {
      double p0[physics::kFinalStates];
      int open = 0;
      for (int fs = 0; fs < physics::kFinalStates; ++fs) {
        const std::int64_t w = window_covering(result.windows[fs], m);
        const std::int64_t row =
            w < 0 ? -1 : static_cast<std::int64_t>(first_row[fs] + jj * result.windows[fs].size() + w);
        c.row[fs].push_back(row);
        if (row >= 0) p0[open++] = t.p0[row];
      }
      const double p = stats::combined_p0(p0, open);
      c.ctau_cm.push_back(result.ctau_cm[jj]);
      c.mass.push_back(m);
      c.p0.push_back(p);
      c.z.push_back(stats::significance(p));
      c.channels.push_back(static_cast<std::int8_t>(open));
    }
  }
}

}  // namespace

ScanTable slice_rows(const ScanTable& t, IndexRange range) {
  ScanTable out;
  append_range(out.final_state, t.final_state, range);
  append_range(out.ctau_cm, t.ctau_cm, range);
  append_range(out.mass, t.mass, range);
  append_range(out.sigma_mass, t.sigma_mass, range);
  append_range(out.window_lo, t.window_lo, range);
  append_range(out.window_hi, t.window_hi, range);
  append_range(out.n_obs, t.n_obs, range);
  append_range(out.n_sb, t.n_sb, range);
  append_range(out.f, t.f, range);
  append_range(out.delta, t.delta, range);
  append_range(out.efficiency, t.efficiency, range);
  append_range(out.eff_rel_unc, t.eff_rel_unc, range);
  append_range(out.p0, t.p0, range);
  append_range(out.z, t.z, range);
  append_range(out.ul_events, t.ul_events, range);
  append_range(out.ul_xsec_fb, t.ul_xsec_fb, range);
  append_range(out.limit_status, t.limit_status, range);
  append_range(out.stats_flags, t.stats_flags, range);
  return out;
}

ScanResult merge_scan_rows(ScanTable rows) {
  ScanResult result;
  result.rows = std::move(rows);
  const ScanTable& t = result.rows;
  // The rows run final states, then lifetimes, then windows: a final state's windows are
  // its rows at its first lifetime, the lifetimes those of the first final state.
  std::array<double, physics::kFinalStates> first_ctau;
  first_ctau.fill(std::nan(""));
  for (std::size_t i = 0; i < t.size(); ++i) {
    const int fs = t.final_state[i];
    if (fs < 0 || fs >= physics::kFinalStates)
      throw_input_error("/scan row {}: final_state {} is not 0, 1 or 2", i, static_cast<int>(fs));
    if (result.windows[fs].empty()) first_ctau[fs] = t.ctau_cm[i];
    if (t.ctau_cm[i] == first_ctau[fs]) {
      WindowGeometry g;
      g.centre = t.mass[i];
      g.sigma = t.sigma_mass[i];
      g.window = {t.window_lo[i], t.window_hi[i]};
      result.windows[fs].push_back(g);
    }
    if (t.final_state[i] == t.final_state[0] && (result.ctau_cm.empty() || result.ctau_cm.back() != t.ctau_cm[i]))
      result.ctau_cm.push_back(t.ctau_cm[i]);
  }
  combine_final_states(result);
  return result;
}

ScanResult run_scan(Backend& backend, const config::Config& config, const selection::SelectedData& data,
                    const signal_model::SignalModel& model, const std::string& model_path, Shard shard) {
  ScanResult result;
  const auto ctau_index = lifetime_indices(config, model, model_path);
  for (std::size_t j : ctau_index) result.ctau_cm.push_back(model.ctau_cm[j]);
  const stats::StatsOptions options =
      stats::stats_options(config.scan.credibility, config.scan.nuisance_prior, config.scan.signal_prior);
  const bool gaussian = options.nuisance_prior == stats::NuisancePrior::gaussian;
  const double lumi = config.collider.luminosity_fb;
  const double lumi_unc = config.collider.luminosity_rel_unc;
  if (gaussian && lumi_unc >= 0.2)
    throw_input_error("{}: key 'collider.luminosity_rel_unc': {} needs scan.nuisance_prior = \"lognormal\" (under the "
                      "Gaussian prior an uncertainty of 0.2 or more makes the posterior improper)",
                      config.source.string(), lumi_unc);

  const std::vector<int> scanned = scanned_final_states(config);
  result.windows = scan_windows(config, model, model_path);
  check_scan_size(config, result.windows, ctau_index.size());

  // Counts, once per window.
  std::vector<signal_model::MassInterpolation> interps;
  std::array<std::vector<WindowCounts>, physics::kFinalStates> counts;
  for (int fs : scanned) {
    interps.push_back(interpolation_for(model, fs, config, model_path));
    const auto& windows = result.windows[fs];
    const auto& masses = data.masses[fs];
    result.events[fs] = masses.size();
    const auto start = Clock::now();
    counts[fs] = backend.count_windows(masses, windows);
    result.count_seconds += seconds_since(start);
    for (std::size_t w = 0; w < windows.size(); ++w)
      if (counts[fs][w].n_obs > stats::kMaxObserved)
        throw_input_error("{}: /selected/{}: {} events in the {} window [{:.4f}, {:.4f}] GeV, more than the {} the "
                          "statistics engine takes",
                          data.path, data.sample, counts[fs][w].n_obs, kFinalStateNames[fs], windows[w].window.lo,
                          windows[w].window.hi, stats::kMaxObserved);
  }

  // The rows and their experiments: final states, then lifetimes, then masses.
  ScanTable& t = result.rows;
  std::vector<stats::CountingExperiment> experiments;
  for (std::size_t k = 0; k < scanned.size(); ++k) {
    const int fs = scanned[k];
    const auto& windows = result.windows[fs];
    for (std::size_t jj = 0; jj < ctau_index.size(); ++jj) {
      for (std::size_t w = 0; w < windows.size(); ++w) {
        const auto& g = windows[w];
        const auto& c = counts[fs][w];
        const auto cell = interps[k].at(g.centre, ctau_index[jj]);
        std::int8_t status = kLimitOk;
        if (!cell.trusted || !(cell.efficiency > 0)) status = kNoEfficiency;
        else if (gaussian && cell.rel_unc >= stats::kGaussianMaxRelUnc) status = kUncertaintyTooLarge;
        t.final_state.push_back(static_cast<std::int8_t>(fs));
        t.ctau_cm.push_back(result.ctau_cm[jj]);
        t.mass.push_back(g.centre);
        t.sigma_mass.push_back(g.sigma);
        t.window_lo.push_back(g.window.lo);
        t.window_hi.push_back(g.window.hi);
        t.n_obs.push_back(c.n_obs);
        t.n_sb.push_back(c.n_sb);
        t.f.push_back(c.f);
        t.delta.push_back(c.delta);
        t.efficiency.push_back(cell.efficiency);
        t.eff_rel_unc.push_back(cell.rel_unc);
        t.limit_status.push_back(status);
        // A row without a limit still gets its p0, which does not depend on the efficiency.
        experiments.push_back({static_cast<int>(c.n_obs), static_cast<int>(c.n_sb), c.f, c.delta,
                               status == kLimitOk ? cell.rel_unc : 0.0, lumi_unc});
      }
    }
  }

  // The shard's rows only (the whole scan: all of them), their experiments in one batch.
  const IndexRange mine = shard_range(shard, t.size());
  if (!shard.whole()) {
    t = slice_rows(t, mine);
    experiments = std::vector<stats::CountingExperiment>(experiments.begin() + static_cast<std::ptrdiff_t>(mine.begin),
                                                         experiments.begin() + static_cast<std::ptrdiff_t>(mine.end));
  }
  const auto start = Clock::now();
  stats::BatchReport report;
  const auto stats_results = stats::marginalise_batch(backend, experiments, options, stats::Dedup::automatic, &report);
  result.statistics_seconds = seconds_since(start);
  result.experiments_computed = report.computed;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t i = 0; i < stats_results.size(); ++i) {
    const auto& r = stats_results[i];
    t.p0.push_back(r.p0);
    t.z.push_back(r.z);
    t.stats_flags.push_back(static_cast<std::int32_t>(r.flags));
    if (t.limit_status[i] == kLimitOk && (r.flags & stats::kLimitNotConverged)) t.limit_status[i] = kLimitNotConverged;
    const bool ok = t.limit_status[i] == kLimitOk;
    t.ul_events.push_back(ok ? r.ul_events : nan);
    t.ul_xsec_fb.push_back(ok ? r.ul_events / (t.efficiency[i] * lumi) : nan);
  }
  if (shard.whole()) combine_final_states(result);
  else
    for (std::size_t i = 0; i < t.size(); ++i) ++result.missing_limits[t.limit_status[i]];
  for (int fs = 0; fs < physics::kFinalStates; ++fs)
    if (!result.windows[fs].empty() && data.masses[fs].empty())
      result.notes.push_back(fmt::format("{} has no selected {} candidates: every {} window has n_obs = n_sb = 0",
                                         data.path, kFinalStateNames[fs], kFinalStateNames[fs]));
  return result;
}

std::int64_t largest_excess(const ScanTable& rows) {
  std::int64_t best = -1;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (best < 0 || rows.z[i] > rows.z[best]) best = static_cast<std::int64_t>(i);
  return best;
}

}  // namespace darkscan::scan
