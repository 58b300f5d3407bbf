#pragma once
// Placing the windows of one final state (docs/physics/window-scan.md): centres m advancing
// by step·σ(m) from the range's lower edge, windows [m - hσ, m + hσ] that lie inside
// the range and clear of the vetoed masses (a window that would touch a veto is not
// scanned; the steps go on through it), and each window's sidebands.
#include <cstdint>
#include <functional>
#include <vector>

#include "config/config.hpp"
#include "darkscan/scan/window.hpp"

namespace darkscan::scan {

struct FinalStateRange {
  int final_state = 0;
  double lo = 0;  // the threshold 2 m_x (GeV)
  double hi = 3;  // the top of the scanned range (GeV)
  std::vector<config::Interval> vetoes;  // rejected masses, open intervals (the selection's vetoes)
  std::vector<double> splits;            // pi+pi-: the nominal split, then the alternatives for δ; else empty
};

// The final state's range from the config: threshold to scan.mass_max_gev, the K_S veto
// for pi+pi-, the φ veto for K+K-, the splits of [scan] for pi+pi-.
FinalStateRange final_state_range(const config::Config& config, int final_state);

struct WindowRule {
  double half_width_sigma = 2.0;  // h: the window is m ± hσ(m)
  double step_sigma = 0.5;        // the centre advances by this × σ(m)
};

// The pieces with the vetoed masses (open intervals) cut out; pieces of no width dropped.
std::vector<MassPiece> outside_vetoes(std::vector<MassPiece> pieces, const std::vector<config::Interval>& vetoes);

// The window at `centre` with resolution `sigma` and its sidebands; the caller has
// checked that it lies inside the range and clear of the vetoes (window_allowed).
WindowGeometry make_window(const FinalStateRange& range, double centre, double sigma, double half_width_sigma);
bool window_allowed(const FinalStateRange& range, double lo, double hi);

// The centres the steps visit over the range (windows allowed or not), counted without
// placing them, stopping once past `limit`: the size of the grid is known before it is
// allocated. `sigma` as for place_windows.
std::uint64_t window_steps(const FinalStateRange& range, const std::function<double(double)>& sigma,
                           const WindowRule& rule, std::uint64_t limit);

// Every allowed window of the range, in increasing mass. `sigma` is σ(m) in GeV; it
// must be positive and finite where asked (InputError otherwise, naming the mass). More
// than config::kMaxWindows steps are refused (InputError naming scan.window_step_sigma).
std::vector<WindowGeometry> place_windows(const FinalStateRange& range, const std::function<double(double)>& sigma,
                                          const WindowRule& rule);

}  // namespace darkscan::scan
