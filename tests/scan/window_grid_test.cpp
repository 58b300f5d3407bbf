// The windows of docs/physics/window-scan.md on hand-made ranges and data: their placement,
// and the counts, f and δ of each, against values worked out here with plain loops over
// the events and interval lengths (no binary search, no piece lists).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "backend/cpu_backend.hpp"
#include "errors.hpp"
#include "resources.hpp"
#include "scan/scan.hpp"
#include "scan/window_grid.hpp"

namespace darkscan::scan {
namespace {

// A pi+pi--like range: threshold 0.28, top 3.0, the K_S veto, split at 1.0 moved to 0.9
// and 1.2.
FinalStateRange pipi_like() {
  FinalStateRange r;
  r.final_state = 1;
  r.lo = 0.28;
  r.hi = 3.0;
  r.vetoes = {{0.467, 0.529}};
  r.splits = {1.0, 0.9, 1.2};
  return r;
}

double overlap(double a0, double a1, double b0, double b1) { return std::max(0.0, std::min(a1, b1) - std::max(a0, b0)); }

struct Expected {
  long n_obs = 0, n_sb = 0;
  double f = 0, delta = 0;
};

// The sideband of split s by definition: events of the centre's side within the range,
// outside the window and not strictly inside a veto; its width as the side's length
// minus the window's and the vetoes' overlaps (they do not overlap each other here).
Expected expected_counts(const FinalStateRange& r, const std::vector<double>& masses, double lo, double hi) {
  const double centre = 0.5 * (lo + hi);
  std::vector<long> n(r.splits.empty() ? 1 : r.splits.size());
  std::vector<double> width(n.size());
  Expected e;
  for (double m : masses) e.n_obs += (m >= lo && m <= hi);
  for (std::size_t s = 0; s < n.size(); ++s) {
    double side_lo = r.lo, side_hi = r.hi;
    if (!r.splits.empty()) (centre < r.splits[s] ? side_hi : side_lo) = r.splits[s];
    for (double m : masses) {
      bool in = m >= side_lo && m <= side_hi && !(m >= lo && m <= hi);
      for (const auto& v : r.vetoes) in = in && !(m > v.lo && m < v.hi);
      n[s] += in;
    }
    width[s] = (side_hi - side_lo) - overlap(lo, hi, side_lo, side_hi);
    for (const auto& v : r.vetoes) width[s] -= overlap(v.lo, v.hi, side_lo, side_hi);
  }
  e.n_sb = n[0];
  e.f = width[0] / (hi - lo);
  for (std::size_t s = 1; s < n.size(); ++s)
    e.delta = std::max(e.delta, std::abs(((static_cast<double>(n[s]) + 1.0) / width[s]) /
                                              ((static_cast<double>(n[0]) + 1.0) / width[0]) - 1.0));
  return e;
}

TEST(WindowGrid, ConstantResolutionGivesEvenlySteppedWindowsClearOfTheVeto) {
  const auto r = pipi_like();
  const double sigma = 0.01;
  const auto windows = place_windows(r, [&](double) { return sigma; }, {2.0, 0.5});
  // Centres lo + 2σ + kσ/2, while the window ends below the top; those touching the
  // veto's inside left out.
  std::vector<double> expected;
  for (int k = 0;; ++k) {
    const double m = r.lo + 2 * sigma + k * sigma / 2;
    if (m + 2 * sigma > r.hi + 1e-12) break;
    if (m + 2 * sigma > 0.467 + 1e-12 && m - 2 * sigma < 0.529 - 1e-12) continue;
    expected.push_back(m);
  }
  ASSERT_EQ(windows.size(), expected.size());
  for (std::size_t i = 0; i < windows.size(); ++i) {
    EXPECT_NEAR(windows[i].centre, expected[i], 1e-12) << i;
    EXPECT_NEAR(windows[i].window.lo, expected[i] - 0.02, 1e-12);
    EXPECT_NEAR(windows[i].window.hi, expected[i] + 0.02, 1e-12);
    EXPECT_GE(windows[i].window.lo, r.lo);
    EXPECT_LE(windows[i].window.hi, r.hi);
  }
}

TEST(WindowGrid, RisingResolutionStartsAtTheRangeEdgeAndStepsByHalfSigma) {
  FinalStateRange r;
  r.final_state = 0;
  r.lo = 0.2113;
  r.hi = 3.0;
  const auto sigma = [](double m) { return 0.0005 + 0.002 * m; };
  const auto windows = place_windows(r, sigma, {2.0, 0.5});
  ASSERT_GT(windows.size(), 100u);
  // m − 2σ(m) = lo solved by hand: m (1 − 0.004) = lo + 0.001.
  EXPECT_NEAR(windows.front().centre, (r.lo + 0.001) / 0.996, 1e-12);
  for (std::size_t i = 1; i < windows.size(); ++i) {
    const double m = windows[i - 1].centre;
    EXPECT_NEAR(windows[i].centre, m + 0.5 * sigma(m), 1e-12);
    EXPECT_NEAR(windows[i].sigma, sigma(windows[i].centre), 1e-15);
  }
  const double last = windows.back().centre;
  EXPECT_LE(last + 2 * sigma(last), r.hi);
  const double next = last + 0.5 * sigma(last);
  EXPECT_GT(next + 2 * sigma(next), r.hi);  // the following window would leave the range
}

class WindowCounting : public ::testing::Test {
 protected:
  // Events spread over the range, some on the vetoed masses' edges, one on a split and
  // pairs exactly on window edges.
  std::vector<double> masses{0.285, 0.30, 0.31, 0.35, 0.40, 0.467, 0.50, 0.529, 0.60, 0.61, 0.62, 0.75,
                             0.80,  0.85, 0.88, 0.90, 0.95, 0.99, 1.00, 1.05, 1.10, 1.15, 1.30, 1.70,
                             2.00,  2.00, 2.30, 2.95};
  void SetUp() override { std::sort(masses.begin(), masses.end()); }
};

TEST_F(WindowCounting, CountsFAndDeltaMatchADirectCount) {
  const auto r = pipi_like();
  // Windows chosen to exercise each side of every split, a window against the veto's
  // edge, events on window edges, and windows across the splits.
  const double centres[] = {0.30, 0.449, 0.61, 0.80, 0.95, 0.99, 1.00, 1.05, 1.15, 1.98, 2.9};
  const double sigmas[] = {0.005, 0.009, 0.005, 0.05, 0.02, 0.01, 0.01, 0.05, 0.025, 0.01, 0.025};
  std::vector<WindowGeometry> windows;
  for (std::size_t i = 0; i < std::size(centres); ++i) {
    const double lo = centres[i] - 2 * sigmas[i], hi = centres[i] + 2 * sigmas[i];
    ASSERT_TRUE(window_allowed(r, lo, hi)) << centres[i];
    windows.push_back(make_window(r, centres[i], sigmas[i], 2.0));
  }
  CpuBackend backend(2);
  const auto counts = backend.count_windows(masses, windows);
  for (std::size_t i = 0; i < windows.size(); ++i) {
    const auto e = expected_counts(r, masses, windows[i].window.lo, windows[i].window.hi);
    SCOPED_TRACE(centres[i]);
    EXPECT_EQ(counts[i].n_obs, e.n_obs);
    EXPECT_EQ(counts[i].n_sb, e.n_sb);
    EXPECT_NEAR(counts[i].f, e.f, 1e-12 * e.f);
    EXPECT_NEAR(counts[i].delta, e.delta, 1e-12);
    // The same numbers from the scalar function, one window at a time.
    const auto one = count_window(masses.data(), static_cast<std::int64_t>(masses.size()), windows[i]);
    EXPECT_EQ(one.n_obs, counts[i].n_obs);
    EXPECT_EQ(one.delta, counts[i].delta);
  }
  // Worked by hand for the window 0.80 ± 2·0.05 = [0.70, 0.90], which holds 0.75, 0.80, 0.85, 0.88, 0.90 → 5 events; its nominal sideband is
  // [0.28, 1.0] minus [0.70, 0.90] minus (0.467, 0.529): width 0.72 − 0.2 − 0.062.
  EXPECT_EQ(counts[3].n_obs, 5);
  EXPECT_NEAR(counts[3].f, (0.72 - 0.2 - 0.062) / 0.2, 1e-12);
}

TEST_F(WindowCounting, MuMuHasNoSplitsAndNoDelta) {
  FinalStateRange r;
  r.final_state = 0;
  r.lo = 0.2113;
  r.hi = 3.0;
  const auto w = make_window(r, 2.0, 0.01, 2.0);
  EXPECT_EQ(w.splits, 1);
  const auto c = count_window(masses.data(), static_cast<std::int64_t>(masses.size()), w);
  const auto e = expected_counts(r, masses, 1.98, 2.02);
  EXPECT_EQ(c.n_obs, 2);  // the two events at 2.00
  EXPECT_EQ(c.n_sb, e.n_sb);
  EXPECT_EQ(c.n_sb, static_cast<std::int64_t>(masses.size()) - 2);
  EXPECT_EQ(c.delta, 0.0);
  EXPECT_NEAR(c.f, (3.0 - 0.2113 - 0.04) / 0.04, 1e-9);
}

TEST_F(WindowCounting, AnEventOnAWindowEdgeIsInTheWindowAndNotInItsSideband) {
  FinalStateRange r;
  r.final_state = 0;
  r.lo = 0.2;
  r.hi = 3.0;
  const auto w = make_window(r, 0.95, 0.025, 2.0);  // [0.90, 1.00]: events at both edges
  const auto c = count_window(masses.data(), static_cast<std::int64_t>(masses.size()), w);
  long inside = 0;
  for (double m : masses) inside += m >= w.window.lo && m <= w.window.hi;
  EXPECT_EQ(c.n_obs, inside);
  EXPECT_EQ(c.n_obs + c.n_sb, static_cast<std::int64_t>(masses.size()));
}

TEST(WindowGrid, ABadResolutionIsAnInputError) {
  FinalStateRange r;
  r.lo = 0.3;
  r.hi = 3.0;
  EXPECT_THROW(place_windows(r, [](double) { return 0.0; }, {2.0, 0.5}), InputError);
  EXPECT_THROW(place_windows(r, [](double) { return std::nan(""); }, {2.0, 0.5}), InputError);
}

TEST(WindowGrid, TheStepsAreCountedBeforeTheGridIsAllocated) {
  // A constant σ: (3.0 − 0.28 − 2 · 2σ) / (step σ) + 1 centres, vetoed or not.
  const auto range = pipi_like();
  const double sigma = 0.0103;  // no centre near the range's top edge
  const WindowRule rule{2.0, 0.5};
  const auto expected = static_cast<std::uint64_t>(std::floor((3.0 - 0.28 - 4 * sigma) / (0.5 * sigma))) + 1;
  EXPECT_EQ(window_steps(range, [&](double) { return sigma; }, rule, 1u << 20), expected);
  EXPECT_EQ(window_steps(range, [&](double) { return sigma; }, rule, 100), 101u);  // stops past the limit
}

TEST(WindowGrid, AStepTooFineForTheResolutionIsRefusedNamingTheKey) {
  // σ = 1 keV over 2.7 GeV at a step of 0.01 σ: 2.7e8 windows, about 160 GB. Refused
  // after counting 10^6 steps, before a window is stored.
  const auto range = pipi_like();
  try {
    place_windows(range, [](double) { return 1e-6; }, WindowRule{2.0, 0.01});
    FAIL() << "accepted";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("key 'scan.window_step_sigma': 0.01 places more than 1000000 pipi windows"), std::string::npos)
        << msg;
  }
}

TEST(WindowGrid, MoreScanRowsThanTheLimitAreRefusedBeforeAnyIsMade) {
  // 25,000 windows at 801 lifetimes: 20,025,000 rows, over the 20,000,000 of config/limits.hpp.
  config::Config cfg;
  cfg.source = "scan.toml";
  cfg.signal_model.ctau_points_per_decade = 400;
  std::array<std::vector<WindowGeometry>, physics::kFinalStates> windows;
  windows[1].resize(25000);
  try {
    check_scan_size(cfg, windows, 801);
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "scan.toml: key 'scan.window_step_sigma': 25000 windows x 801 lifetimes "
              "(signal_model.ctau_points_per_decade = 400) are 20025000 rows of /scan, about 9.55 GiB; at most "
              "20000000 rows and " +
                  format_bytes(memory_limit_bytes()) + " of memory");
  }
  windows[1].resize(1000);
  EXPECT_NO_THROW(check_scan_size(cfg, windows, 801));
}

TEST(WindowGrid, AWindowTouchingAVetoIsLeftOutButOneSharingItsEdgeIsKept) {
  const auto r = pipi_like();
  EXPECT_FALSE(window_allowed(r, 0.45, 0.468));
  EXPECT_FALSE(window_allowed(r, 0.528, 0.56));
  EXPECT_TRUE(window_allowed(r, 0.44, 0.467));
  EXPECT_TRUE(window_allowed(r, 0.529, 0.56));
  EXPECT_FALSE(window_allowed(r, 0.279, 0.30));  // below the threshold
  EXPECT_FALSE(window_allowed(r, 2.98, 3.01));   // above the top
}

}  // namespace
}  // namespace darkscan::scan
