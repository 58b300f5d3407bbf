#pragma once
// Background-only pseudo-experiments of the whole scan (docs/physics/look-elsewhere.md): for each
// toy, every region (a final state's range, or each half of the pi+pi- range) gets a
// count drawn from the posterior predictive of its observed count, its masses uniform
// over the region's allowed (unvetoed) masses, and the scan is repeated on them: every
// window counted with its sidebands, f and δ as the scan computes them, and the largest
// local Z kept.
//
// Toy k draws from Philox keyed by (seed, region's stream) and counted by k, so any
// split of the toys over batches, threads, backends or runs gives the same toys.
//
// Two passes share the draws: ToyCounts gives each toy's region counts (so that the
// masses of a batch can be laid out back to back), ToyScan regenerates them in place,
// already sorted, and scans.
#include <cmath>
#include <cstdint>
#include <vector>

#include "darkscan/core/count_inversion.hpp"
#include "darkscan/core/macros.hpp"
#include "darkscan/core/random.hpp"
#include "darkscan/physics/particles.hpp"
#include "darkscan/scan/window.hpp"
#include "darkscan/stats/background_model.hpp"
#include "darkscan/stats/gauss_rule.hpp"
#include "darkscan/stats/normal_quantile.hpp"

namespace darkscan::lee {

inline constexpr int kMaxRegions = 2 * physics::kFinalStates;  // pi+pi- has two halves
inline constexpr int kMaxRegionPieces = 4;

// A region of one final state's mass range: its allowed masses (the range, or one
// pi+pi- half, minus the vetoes), where toy masses are uniform.
struct ToyRegion {
  int final_state = 0;
  std::int64_t observed = 0;   // N, data events in the region
  double mode_probability = 0;  // P(n = N) of the predictive count (computed on the host)
  std::uint32_t stream = 0;     // the region's random stream
  int pieces = 0;
  double lo[kMaxRegionPieces] = {};
  double hi[kMaxRegionPieces] = {};
  double length = 0;  // the sum of the pieces' lengths
};

// The count of a region in a background-only toy: μ from the flat-prior posterior of
// the observed N, Gamma(N + 1, 1), then Pois(μ); together the negative binomial
// P(n) = C(n + N, n) 2^-(n + N + 1), whose mode is N, drawn by inversion from the mode
// (core/count_inversion.hpp), P(N) computed on the host.
DS_FUNCTION inline std::int64_t predictive_count(double u, std::int64_t observed, double mode_probability) {
  const double n = static_cast<double>(observed);
  return invert_from_mode(
      u, observed, mode_probability,
      // P(k + 1) / P(k) = (k + N + 1) / (2 (k + 1)).
      [n](std::int64_t k) { return (static_cast<double>(k) + n + 1.0) / (2.0 * (static_cast<double>(k) + 1.0)); },
      // P(k − 1) / P(k) = 2k / (k + N).
      [n](std::int64_t k) { return 2.0 * static_cast<double>(k) / (static_cast<double>(k) + n); });
}

// The position of t in [0, length] along the region's pieces.
DS_FUNCTION inline double region_mass(const ToyRegion& r, double t) {
  for (int p = 0; p < r.pieces; ++p) {
    const double len = r.hi[p] - r.lo[p];
    if (t <= len || p == r.pieces - 1) return r.lo[p] + (t < len ? t : len);
    t -= len;
  }
  return r.hi[r.pieces - 1];
}

// Nodes of the toys' shape rule: 48 hold 1e-10 of the engine's p0 up to n_obs = 35 and
// N_SB = 400, where 24 and 32 do not (tests/lee).
inline constexpr int kToyShapeNodes = 48;

// p0 of a toy window: the scan's background-only tail, with the shape nuisance x
// integrated by Gauss–Legendre nodes on [max(−5, −1/δ), 5] weighted by the normal density
// (the truncated-normal rules the scan builds per lower edge would cost more than the toy;
// this rule agrees with them to 1e-10, tests/lee). `legendre` is on [−1, 1].
DS_FUNCTION inline double toy_p0(std::int64_t n_obs, std::int64_t n_sb, double f, double delta,
                                 const stats::GaussRule& legendre) {
  if (n_obs == 0) return 1.0;
  const int n = static_cast<int>(n_obs);
  const int m = static_cast<int>(n_sb);
  double log_c = 0.0;  // log C(n + m, n)
  for (int k = 1; k <= n; ++k) log_c += log((static_cast<double>(m) + k) / k);
  if (delta == 0) {
    const double p = stats::background_tail(n, m, 1.0 / f, log_c);
    return p < 1.0 ? p : 1.0;
  }
  const double lo = -1.0 / delta > -5.0 ? -1.0 / delta : -5.0;
  const double half = 0.5 * (5.0 - lo), mid = 0.5 * (5.0 + lo);
  double sum = 0.0, mass = 0.0;
  for (int q = 0; q < legendre.n; ++q) {
    const double x = mid + half * legendre.x[q];
    const double w = legendre.w[q] * exp(-0.5 * x * x);
    mass += w;
    sum += w * stats::background_tail(n, m, (1.0 + x * delta) / f, log_c);
  }
  const double p = sum / mass;
  return p < 1.0 ? p : 1.0;
}

// What a toy (or the observed data, scanned the same way) leaves.
struct ToyOutcome {
  double max_z = -HUGE_VAL;  // the largest local Z over every final state and window
  double max_z_fs[physics::kFinalStates] = {-HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
  std::int32_t best_window[physics::kFinalStates] = {-1, -1, -1};
  // Up-crossings of q = max(Z, 0)² through the level c0 along each final state's windows
  // in mass order (the Gross–Vitells estimate).
  std::int32_t upcrossings[physics::kFinalStates] = {};
  std::int64_t events = 0;
};

// The windows of one final state, in increasing mass (their edges rise with the centre).
struct FinalStateWindows {
  const scan::WindowGeometry* windows = nullptr;
  std::int64_t count = 0;
};

// Scans sorted masses of every final state: only windows holding an event can have
// p0 < 1, and for sorted masses those form one run of windows per event, so the runs
// are walked once, in order.
DS_FUNCTION inline void scan_sorted(const double* const* masses, const std::int64_t* events,
                                    const FinalStateWindows* fs_windows, const stats::GaussRule& legendre,
                                    double upcrossing_level, ToyOutcome& out) {
  for (int fs = 0; fs < physics::kFinalStates; ++fs) {
    const scan::WindowGeometry* w = fs_windows[fs].windows;
    const std::int64_t nw = fs_windows[fs].count;
    const double* x = masses[fs];
    const std::int64_t n = events[fs];
    std::int64_t next = 0;             // first window not yet scanned
    std::int64_t previous = -2;        // the window scanned last
    double previous_q = 0.0;
    for (std::int64_t i = 0; i < n && next < nw; ++i) {
      // The run of windows whose edges hold x[i]: from the first with hi >= x to the last with lo <= x.
      std::int64_t a = next;
      while (a < nw && w[a].window.hi < x[i]) ++a;
      next = a;  // windows below x[i] hold no later event either
      for (std::int64_t k = a; k < nw && w[k].window.lo <= x[i]; ++k) {
        const scan::WindowCounts c = scan::count_window(x, n, w[k]);
        const double z = stats::significance(toy_p0(c.n_obs, c.n_sb, c.f, c.delta, legendre));
        if (z > out.max_z_fs[fs]) {
          out.max_z_fs[fs] = z;
          out.best_window[fs] = static_cast<std::int32_t>(k);
        }
        const double q = z > 0 ? z * z : 0.0;
        if (k != previous + 1) previous_q = 0.0;  // windows in between hold no event: q = 0
        if (previous_q < upcrossing_level && q >= upcrossing_level) ++out.upcrossings[fs];
        previous = k;
        previous_q = q;
        next = k + 1;
      }
    }
    if (out.max_z_fs[fs] > out.max_z) out.max_z = out.max_z_fs[fs];
    out.events += n;
  }
}

struct ToyJob {
  std::uint64_t seed = 0;             // keys Philox with each region's stream
  std::uint64_t first_toy = 0;        // toy index of item 0
  const ToyRegion* regions = nullptr;
  int region_count = 0;
  FinalStateWindows windows[physics::kFinalStates];
  stats::GaussRule legendre;
  double upcrossing_level = 1.0;
};

// Pass 1: the region counts of toy first_toy + i, [i * kMaxRegions + r].
struct ToyCounts {
  ToyJob job;
  std::int64_t* counts = nullptr;

  DS_FUNCTION void operator()(std::uint64_t i) const {
    for (int r = 0; r < job.region_count; ++r) {
      const ToyRegion& region = job.regions[r];
      const auto words = random_words(RandomKey{job.seed, region.stream}, job.first_toy + i, 0);
      counts[i * kMaxRegions + r] =
          predictive_count(uniform01(words[0], words[1]), region.observed, region.mode_probability);
    }
  }
};

// Pass 2: toy first_toy + i regenerated in its slice of `masses` (from offsets[i], its
// region counts as ToyCounts gave them) and scanned. The regions are ordered by final
// state and by mass within it, so each final state's masses come out sorted.
struct ToyScan {
  ToyJob job;
  const std::int64_t* counts = nullptr;
  const std::int64_t* offsets = nullptr;
  double* masses = nullptr;
  ToyOutcome* out = nullptr;

  DS_FUNCTION void operator()(std::uint64_t i) const {
    double* slice = masses + offsets[i];
    const double* fs_masses[physics::kFinalStates] = {slice, slice, slice};
    std::int64_t fs_events[physics::kFinalStates] = {};
    std::int64_t written = 0;
    for (int r = 0; r < job.region_count; ++r) {
      const ToyRegion& region = job.regions[r];
      const std::int64_t n = counts[i * kMaxRegions + r];
      if (fs_events[region.final_state] == 0) fs_masses[region.final_state] = slice + written;
      // Uniform order statistics from the top down (U_(n) = V^(1/n), U_(k) = U_(k+1) V^(1/k)):
      // sorted without a sort. Lane 1 on: lane 0 gave the count.
      std::uint32_t lane = 1;
      double v[2];
      int spare = 0;
      double top = 1.0;
      for (std::int64_t k = n; k >= 1; --k) {
        if (spare == 0) {
          const auto w = random_words(RandomKey{job.seed, region.stream}, job.first_toy + i, lane++);
          v[0] = uniform01(w[0], w[1]);
          v[1] = uniform01(w[2], w[3]);
          spare = 2;
        }
        top *= exp(log(v[--spare]) / static_cast<double>(k));
        slice[written + k - 1] = region_mass(region, top * region.length);
      }
      written += n;
      fs_events[region.final_state] += n;
    }
    ToyOutcome o;
    scan_sorted(fs_masses, fs_events, job.windows, job.legendre, job.upcrossing_level, o);
    out[i] = o;
  }
};

// Where each toy's masses start in a batch's buffer (host side, between the passes):
// [toys + 1] offsets from ToyCounts' counts, the last one the buffer's size.
inline std::vector<std::int64_t> toy_offsets(const std::vector<std::int64_t>& counts, int regions) {
  const std::size_t toys = counts.size() / kMaxRegions;
  std::vector<std::int64_t> offsets(toys + 1, 0);
  for (std::size_t i = 0; i < toys; ++i) {
    std::int64_t n = 0;
    for (int r = 0; r < regions; ++r) n += counts[i * kMaxRegions + r];
    offsets[i + 1] = offsets[i] + n;
  }
  return offsets;
}

}  // namespace darkscan::lee
