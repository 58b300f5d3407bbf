#include "lee/expected_limits.hpp"

#include <cmath>
#include <limits>

#include "darkscan/lee/toy_scan.hpp"
#include "stats/marginalise_batch.hpp"
#include "stats/truncated_normal_rule.hpp"

namespace darkscan::lee {

std::array<std::int64_t, kBands> predictive_quantiles(std::int64_t n_sb, double f, double delta) {
  static const stats::GaussRule legendre = stats::gauss_legendre_rule(kToyShapeNodes);
  std::array<std::int64_t, kBands> q;
  q.fill(-1);
  int band = 0;
  // P(n' <= n) = 1 − P(n' >= n + 1): the toys' p0 (1e-10 of the engine's, tests/lee).
  for (std::int64_t n = 0; n <= stats::kMaxObserved && band < kBands; ++n) {
    const double cdf = 1.0 - toy_p0(n + 1, n_sb, f, delta, legendre);
    while (band < kBands && cdf >= kBandProbabilities[band]) q[band++] = n;
  }
  return q;
}

ExpectedLimits expected_limits(Backend& backend, const scan::ScanTable& rows, double luminosity_fb,
                               double luminosity_rel_unc, const stats::StatsOptions& options) {
  return expected_limits(backend, rows, luminosity_fb, luminosity_rel_unc, options, {0, rows.size()});
}

void append_rows(ExpectedLimits& to, const ExpectedLimits& more) {
  for (int b = 0; b < kBands; ++b) {
    to.n_obs[b].insert(to.n_obs[b].end(), more.n_obs[b].begin(), more.n_obs[b].end());
    to.ul_events[b].insert(to.ul_events[b].end(), more.ul_events[b].begin(), more.ul_events[b].end());
    to.ul_xsec_fb[b].insert(to.ul_xsec_fb[b].end(), more.ul_xsec_fb[b].begin(), more.ul_xsec_fb[b].end());
  }
}

ExpectedLimits expected_limits(Backend& backend, const scan::ScanTable& rows, double luminosity_fb,
                               double luminosity_rel_unc, const stats::StatsOptions& options, IndexRange range) {
  // Element j of the output is row range.begin + j.
  const std::size_t first = range.begin, n_rows = range.size();
  ExpectedLimits out;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (int b = 0; b < kBands; ++b) {
    out.n_obs[b].assign(n_rows, -1);
    out.ul_events[b].assign(n_rows, nan);
    out.ul_xsec_fb[b].assign(n_rows, nan);
  }
  // The quantiles depend on the window only; rows of one window (its lifetimes) follow
  // each other with the same counts, so each window's are computed once.
  std::vector<stats::CountingExperiment> experiments;
  std::vector<std::pair<std::size_t, int>> slots;  // (row, band) of each experiment
  std::array<std::int64_t, kBands> q{};
  for (std::size_t j = 0; j < n_rows; ++j) {
    const std::size_t i = first + j;
    const bool same_window = j > 0 && rows.n_sb[i] == rows.n_sb[i - 1] && rows.f[i] == rows.f[i - 1] &&
                             rows.delta[i] == rows.delta[i - 1] && rows.mass[i] == rows.mass[i - 1] &&
                             rows.final_state[i] == rows.final_state[i - 1];
    if (!same_window) q = predictive_quantiles(rows.n_sb[i], rows.f[i], rows.delta[i]);
    for (int b = 0; b < kBands; ++b) {
      out.n_obs[b][j] = q[b];
      if (rows.limit_status[i] != scan::kLimitOk || q[b] < 0) continue;
      if (b > 0 && q[b] == q[b - 1]) continue;  // the same experiment as the band below
      experiments.push_back({static_cast<int>(q[b]), static_cast<int>(rows.n_sb[i]), rows.f[i], rows.delta[i],
                             rows.eff_rel_unc[i], luminosity_rel_unc});
      slots.emplace_back(j, b);
    }
  }
  // A shard's range may hold no limit at all.
  const auto results = experiments.empty() ? std::vector<stats::StatsResult>{}
                                           : stats::marginalise_batch(backend, experiments, options);
  for (std::size_t k = 0; k < results.size(); ++k) {
    const auto [j, b] = slots[k];
    out.ul_events[b][j] = results[k].ul_events;
  }
  for (std::size_t j = 0; j < n_rows; ++j) {
    const std::size_t i = first + j;
    if (rows.limit_status[i] != scan::kLimitOk) continue;
    for (int b = 1; b < kBands; ++b)
      if (out.n_obs[b][j] == out.n_obs[b - 1][j]) out.ul_events[b][j] = out.ul_events[b - 1][j];
    for (int b = 0; b < kBands; ++b)
      out.ul_xsec_fb[b][j] = out.ul_events[b][j] / (rows.efficiency[i] * luminosity_fb);
  }
  return out;
}

}  // namespace darkscan::lee
