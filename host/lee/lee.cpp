#include "lee/lee.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "errors.hpp"
#include "progress.hpp"
#include "scan/scan.hpp"
#include "scan/window_grid.hpp"
#include "stats/truncated_normal_rule.hpp"

namespace darkscan::lee {

namespace {

// The regions' random streams: "LEE" and the region's index.
constexpr std::uint32_t kRegionStream = 0x4C454500u;

ToyRegion make_region(int fs, double lo, double hi, const std::vector<config::Interval>& vetoes,
                      std::uint32_t stream) {
  ToyRegion r;
  r.final_state = fs;
  r.stream = stream;
  // The same cut as the windows' sidebands (scan/window_grid.hpp); only the measure matters here.
  const auto pieces = scan::outside_vetoes({{lo, hi, 0, 0}}, vetoes);
  if (pieces.size() > static_cast<std::size_t>(kMaxRegionPieces))
    throw_input_error("lee: the {} range [{}, {}] GeV falls into {} pieces between its vetoes; at most {}",
                      physics::kFinalStateNames[fs], lo, hi, pieces.size(), kMaxRegionPieces);
  for (const auto& p : pieces) {
    r.lo[r.pieces] = p.lo;
    r.hi[r.pieces] = p.hi;
    r.length += p.hi - p.lo;
    ++r.pieces;
  }
  return r;
}

}  // namespace

std::vector<ToyRegion> toy_regions(const config::Config& config, const selection::SelectedData& data) {
  std::vector<ToyRegion> regions;
  for (int fs : scan::scanned_final_states(config)) {
    const auto range = scan::final_state_range(config, fs);
    std::vector<std::pair<double, double>> halves{{range.lo, range.hi}};
    if (!range.splits.empty() && range.splits[0] > range.lo && range.splits[0] < range.hi)
      halves = {{range.lo, range.splits[0]}, {range.splits[0], range.hi}};
    for (std::size_t h = 0; h < halves.size(); ++h) {
      ToyRegion r = make_region(fs, halves[h].first, halves[h].second, range.vetoes,
                                kRegionStream + static_cast<std::uint32_t>(regions.size()));
      // The data's events in the region: the lower half excludes the split itself.
      const bool last = h + 1 == halves.size();
      for (double m : data.masses[fs]) {
        bool in = m >= halves[h].first && (last ? m <= halves[h].second : m < halves[h].second);
        for (const auto& v : range.vetoes) in = in && !(m > v.lo && m < v.hi);
        r.observed += in;
      }
      // P(n = N) = C(2N, N) 2^-(2N + 1), once here (lgamma is not the same function on a GPU).
      const double n = static_cast<double>(r.observed);
      r.mode_probability =
          std::exp(std::lgamma(2 * n + 1) - 2 * std::lgamma(n + 1) - (2 * n + 1) * std::numbers::ln2);
      regions.push_back(r);
    }
  }
  return regions;
}

ToyJob toy_job(const std::vector<ToyRegion>& regions, const Windows& windows, const LeeSettings& settings) {
  ToyJob job;
  job.seed = settings.seed;
  job.regions = regions.data();
  job.region_count = static_cast<int>(regions.size());
  for (int fs = 0; fs < physics::kFinalStates; ++fs)
    job.windows[fs] = {windows[fs].data(), static_cast<std::int64_t>(windows[fs].size())};
  job.legendre = stats::gauss_legendre_rule(settings.legendre_nodes);
  job.upcrossing_level = settings.upcrossing_level;
  return job;
}

ToyOutcome scan_observed(const selection::SelectedData& data, const Windows& windows, const LeeSettings& settings) {
  const std::vector<ToyRegion> none;
  const ToyJob job = toy_job(none, windows, settings);
  const double* masses[physics::kFinalStates];
  std::int64_t events[physics::kFinalStates];
  for (int fs = 0; fs < physics::kFinalStates; ++fs) {
    masses[fs] = data.masses[fs].data();
    // Final states that are not scanned have no windows: their events are not counted.
    events[fs] = windows[fs].empty() ? 0 : static_cast<std::int64_t>(data.masses[fs].size());
  }
  ToyOutcome out;
  scan_sorted(masses, events, job.windows, job.legendre, job.upcrossing_level, out);
  return out;
}

void run_toys(Backend& backend, const std::vector<ToyRegion>& regions, const Windows& windows,
              const LeeSettings& settings, std::uint64_t first, std::uint64_t count, std::vector<ToyOutcome>& outcomes,
              Progress* progress, const std::function<void(const std::vector<ToyOutcome>&)>& done) {
  ToyJob job = toy_job(regions, windows, settings);
  const std::uint64_t batch = std::max<std::uint64_t>(1, settings.batch);
  for (std::uint64_t start = first; start < first + count; start += batch) {
    const std::uint64_t n = std::min(batch, first + count - start);
    job.first_toy = start;
    const auto out = backend.run_toys(job, n);
    outcomes.insert(outcomes.end(), out.begin(), out.end());
    if (progress) progress->advance(n);
    if (done) done(outcomes);
  }
}

LeeSummary summarise(const ToyOutcome& observed, std::span<const ToyOutcome> toys, double upcrossing_level) {
  LeeSummary s;
  s.z_local = observed.max_z;
  s.p_local = std::isfinite(s.z_local) ? 0.5 * std::erfc(s.z_local / std::numbers::sqrt2) : (s.z_local > 0 ? 0 : 1);
  s.toys = toys.size();
  // "Reaches" allows for rounding: two windows with the same counts have f equal only to
  // the last bits (their edges are computed), and the toys' p0 is good to 1e-10; a tie
  // must count as reaching, or a toy repeating the observed counts elsewhere would not.
  const double reach = s.z_local - kReachTolerance * std::max(1.0, std::abs(s.z_local));
  for (const auto& t : toys) {
    s.exceeding += t.max_z >= reach;
    for (int fs = 0; fs < physics::kFinalStates; ++fs) s.mean_upcrossings[fs] += t.upcrossings[fs];
  }
  if (s.toys > 0) {
    const double n = static_cast<double>(s.toys);
    s.p_global = static_cast<double>(s.exceeding) / n;
    s.p_global_unc = std::sqrt(s.p_global * (1 - s.p_global) / n);
    for (auto& u : s.mean_upcrossings) u /= n;
  }
  s.z_global = stats::significance(s.p_global);
  s.trials_factor = s.p_local > 0 ? s.p_global / s.p_local : INFINITY;
  // Gross and Vitells, Eur. Phys. J. C 70 (2010) 525, eq. (4) for one degree of freedom:
  // P(max q > c) ≈ P(χ²₁/2 > c) + ⟨N(c0)⟩ e^{−(c − c0)/2}, summed over the final states' curves.
  const double c = s.z_local > 0 ? s.z_local * s.z_local : 0.0;
  double upcrossings = 0;
  for (double u : s.mean_upcrossings) upcrossings += u;
  s.p_gross_vitells = std::min(1.0, s.p_local + upcrossings * std::exp(-(c - upcrossing_level) / 2));
  s.z_gross_vitells = stats::significance(s.p_gross_vitells);
  return s;
}

}  // namespace darkscan::lee
