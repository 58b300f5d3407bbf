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
  const std::size_t n_rows = rows.size();
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
  for (std::size_t i = 0; i < n_rows; ++i) {
    const bool same_window = i > 0 && rows.n_sb[i] == rows.n_sb[i - 1] && rows.f[i] == rows.f[i - 1] &&
                             rows.delta[i] == rows.delta[i - 1] && rows.mass[i] == rows.mass[i - 1] &&
                             rows.final_state[i] == rows.final_state[i - 1];
    if (!same_window) q = predictive_quantiles(rows.n_sb[i], rows.f[i], rows.delta[i]);
    for (int b = 0; b < kBands; ++b) {
      out.n_obs[b][i] = q[b];
      if (rows.limit_status[i] != scan::kLimitOk || q[b] < 0) continue;
      if (b > 0 && q[b] == q[b - 1]) continue;  // the same experiment as the band below
      experiments.push_back({static_cast<int>(q[b]), static_cast<int>(rows.n_sb[i]), rows.f[i], rows.delta[i],
                             rows.eff_rel_unc[i], luminosity_rel_unc});
      slots.emplace_back(i, b);
    }
  }
  const auto results = stats::marginalise_batch(backend, experiments, options);
  for (std::size_t k = 0; k < results.size(); ++k) {
    const auto [i, b] = slots[k];
    out.ul_events[b][i] = results[k].ul_events;
  }
  for (std::size_t i = 0; i < n_rows; ++i) {
    if (rows.limit_status[i] != scan::kLimitOk) continue;
    for (int b = 1; b < kBands; ++b)
      if (out.n_obs[b][i] == out.n_obs[b - 1][i]) out.ul_events[b][i] = out.ul_events[b - 1][i];
    for (int b = 0; b < kBands; ++b)
      out.ul_xsec_fb[b][i] = out.ul_events[b][i] / (rows.efficiency[i] * luminosity_fb);
  }
  return out;
}

}  // namespace darkscan::lee
