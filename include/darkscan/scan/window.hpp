#pragma once
// One mass window of the scan and what is counted in it (docs/physics/window-scan.md): the
// window itself, the sideband (the final state's range minus the window minus the
// vetoed masses; for pi+pi- only the part on the window centre's side of the split),
// and for pi+pi- the same sideband with the split moved, from which δ follows.
//
// Counting is a pair of binary searches per interval over the sorted masses of one
// final state: O(log N) per interval, no pass over the events, the same on the host
// and in a kernel (and, for the look-elsewhere toys, for any sorted toy sample).
#include <algorithm>
#include <cstdint>

#include "darkscan/core/macros.hpp"

namespace darkscan::scan {

// An interval of M(x+x-) (GeV); each end open or closed, so that the window (closed),
// the sideband next to it (open at the window) and the vetoes (open: the selection
// rejects lo < M < hi) share their edges without counting an event twice.
struct MassPiece {
  double lo = 0;
  double hi = 0;
  std::uint8_t lo_open = 0;
  std::uint8_t hi_open = 0;
};

// Sideband pieces of one split: the half range cut by the window and by each veto.
inline constexpr int kMaxSidebandPieces = 4;
// The nominal split and up to four alternatives (the pi+pi- δ uses 0.9 and 1.2 GeV).
inline constexpr int kMaxSplits = 5;

struct WindowGeometry {
  double centre = 0;  // m (GeV)
  double sigma = 0;   // σ(m), the mass resolution there (GeV)
  MassPiece window;   // [m - hσ, m + hσ], closed
  int splits = 1;     // 1, or 1 + the alternative splits of pi+pi-
  int pieces[kMaxSplits] = {};
  MassPiece sideband[kMaxSplits][kMaxSidebandPieces] = {};
  double sideband_width[kMaxSplits] = {};  // GeV, the sum of the pieces' lengths
};

struct WindowCounts {
  std::int64_t n_obs = 0;  // events in the window
  std::int64_t n_sb = 0;   // events in the nominal sideband
  double f = 0;            // nominal sideband width / window width
  double delta = 0;        // relative change of the background density under the moved splits
};

// Events in a piece: two binary searches. std::lower_bound and std::upper_bound are
// constexpr since C++20, so nvcc (--expt-relaxed-constexpr) runs the same ones on the device.
DS_FUNCTION inline std::int64_t count_in(const double* sorted, std::int64_t n, const MassPiece& p) {
  const double* end = sorted + n;
  const double* upper = p.hi_open ? std::lower_bound(sorted, end, p.hi) : std::upper_bound(sorted, end, p.hi);
  const double* lower = p.lo_open ? std::upper_bound(sorted, end, p.lo) : std::lower_bound(sorted, end, p.lo);
  return upper > lower ? upper - lower : 0;
}

DS_FUNCTION inline std::int64_t count_sideband(const double* sorted, std::int64_t n, const WindowGeometry& w,
                                               int split) {
  std::int64_t total = 0;
  for (int k = 0; k < w.pieces[split]; ++k) total += count_in(sorted, n, w.sideband[split][k]);
  return total;
}

// The background-model uncertainty of docs/physics/window-scan.md: the largest relative
// change of the background density (N_SB + 1) / (SB width) when the split moves; the
// +1 (the flat-prior posterior mean of the sideband count) keeps it defined at N_SB = 0.
DS_FUNCTION inline double background_shape_delta(const std::int64_t* n_sb, const double* width, int splits) {
  const double nominal = (static_cast<double>(n_sb[0]) + 1.0) / width[0];
  double delta = 0;
  for (int s = 1; s < splits; ++s) {
    const double moved = (static_cast<double>(n_sb[s]) + 1.0) / width[s];
    const double change = moved > nominal ? moved / nominal - 1.0 : 1.0 - moved / nominal;
    delta = change > delta ? change : delta;
  }
  return delta;
}

DS_FUNCTION inline WindowCounts count_window(const double* sorted, std::int64_t n, const WindowGeometry& w) {
  std::int64_t n_sb[kMaxSplits] = {};
  for (int s = 0; s < w.splits; ++s) n_sb[s] = count_sideband(sorted, n, w, s);
  WindowCounts c;
  c.n_obs = count_in(sorted, n, w.window);
  c.n_sb = n_sb[0];
  c.f = w.sideband_width[0] / (w.window.hi - w.window.lo);
  c.delta = background_shape_delta(n_sb, w.sideband_width, w.splits);
  return c;
}

// The counting over every window of one final state: [w] for each window w.
struct CountWindows {
  const double* sorted = nullptr;  // the final state's masses, ascending
  std::int64_t events = 0;
  const WindowGeometry* windows = nullptr;
  WindowCounts* out = nullptr;

  DS_FUNCTION void operator()(std::uint64_t w) const { out[w] = count_window(sorted, events, windows[w]); }
};

}  // namespace darkscan::scan
