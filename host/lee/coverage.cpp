#include "lee/coverage.hpp"

#include <algorithm>
#include <cmath>

#include "darkscan/core/count_inversion.hpp"
#include "darkscan/core/random.hpp"
#include "stats/marginalise_batch.hpp"

namespace darkscan::lee {

namespace {
constexpr std::uint32_t kCoverageStream = 0x434F5600u;  // "COV" and the point's index
}  // namespace

std::int64_t poisson_count(double u, double mean) {
  if (!(mean > 0)) return 0;
  const auto mode = static_cast<std::int64_t>(std::floor(mean));
  const double m = static_cast<double>(mode);
  const double p_mode = std::exp(m * std::log(mean) - mean - std::lgamma(m + 1));
  return invert_from_mode(
      u, mode, p_mode,
      [mean](std::int64_t k) { return mean / (static_cast<double>(k) + 1.0); },  // P(k + 1) / P(k) = μ / (k + 1)
      [mean](std::int64_t k) { return static_cast<double>(k) / mean; });         // P(k − 1) / P(k) = k / μ
}

std::vector<std::size_t> coverage_rows(const scan::ScanTable& rows) {
  std::vector<std::size_t> points;
  for (int fs = 0; fs < physics::kFinalStates; ++fs) {
    std::vector<std::size_t> with_limit;
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (rows.final_state[i] == fs && rows.limit_status[i] == scan::kLimitOk) with_limit.push_back(i);
    if (!with_limit.empty()) points.push_back(with_limit[with_limit.size() / 2]);
  }
  const auto best = scan::largest_excess(rows);
  if (best >= 0 && rows.limit_status[best] == scan::kLimitOk &&
      std::find(points.begin(), points.end(), static_cast<std::size_t>(best)) == points.end())
    points.push_back(static_cast<std::size_t>(best));
  return points;
}

std::vector<CoveragePoint> coverage(Backend& backend, const scan::ScanTable& rows,
                                    const std::vector<double>& median_events, const std::vector<std::size_t>& points,
                                    double luminosity_rel_unc, const stats::StatsOptions& options, std::uint64_t seed,
                                    IndexRange toys) {
  std::vector<CoveragePoint> out;
  std::vector<stats::CountingExperiment> experiments;
  std::uint32_t stream = kCoverageStream;
  for (std::size_t j = 0; j < points.size(); ++j)
   for (double factor : kCoverageSignals) {
    const std::size_t i = points[j];
    CoveragePoint c;
    c.row = i;
    c.signal_factor = factor;
    c.true_events = factor * median_events[j];
    c.true_background = static_cast<double>(rows.n_sb[i]) + 1.0;
    const RandomKey key{seed, stream++};
    if (!std::isfinite(c.true_events)) continue;
    for (std::uint64_t k = toys.begin; k < toys.end; ++k) {
      const auto w = random_words(key, k);
      const std::int64_t n_sb = poisson_count(uniform01(w[0], w[1]), c.true_background);
      const std::int64_t n = poisson_count(uniform01(w[2], w[3]), c.true_events + c.true_background / rows.f[i]);
      if (n > stats::kMaxObserved) continue;  // beyond the engine; counted as not tested
      experiments.push_back({static_cast<int>(n), static_cast<int>(n_sb), rows.f[i], rows.delta[i],
                             rows.eff_rel_unc[i], luminosity_rel_unc});
      ++c.toys;
    }
    out.push_back(c);
  }
  const auto results = stats::marginalise_batch(backend, experiments, options);
  std::size_t next = 0;
  for (auto& c : out) {
    for (std::uint64_t k = 0; k < c.toys; ++k) c.covered += results[next++].ul_events >= c.true_events;
    finish_coverage(c);
  }
  return out;
}

void finish_coverage(CoveragePoint& c) {
  const double n = static_cast<double>(c.toys);
  c.coverage = n > 0 ? static_cast<double>(c.covered) / n : 0.0;
  c.coverage_unc = n > 0 ? std::sqrt(c.coverage * (1 - c.coverage) / n) : 0.0;
}

}  // namespace darkscan::lee
