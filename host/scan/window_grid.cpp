#include "scan/window_grid.hpp"

#include <algorithm>
#include <cmath>

#include "config/limits.hpp"
#include "darkscan/physics/particles.hpp"
#include "errors.hpp"

namespace darkscan::scan {

namespace {

// `piece` minus `cut`; the remainders keep their own ends and take the opposite of
// the cut's ends where they meet it (a closed window leaves open sideband ends, an
// open veto closed ones). Empty and single-point remainders are dropped: they have no
// width, so no background density is defined on them.
void subtract(const MassPiece& piece, const MassPiece& cut, std::vector<MassPiece>& out) {
  if (cut.hi < piece.lo || cut.lo > piece.hi) {
    out.push_back(piece);
    return;
  }
  if (cut.lo > piece.lo) out.push_back({piece.lo, cut.lo, piece.lo_open, static_cast<std::uint8_t>(!cut.lo_open)});
  if (cut.hi < piece.hi) out.push_back({cut.hi, piece.hi, static_cast<std::uint8_t>(!cut.hi_open), piece.hi_open});
}

std::vector<MassPiece> subtract_all(std::vector<MassPiece> pieces, const MassPiece& cut) {
  std::vector<MassPiece> out;
  for (const auto& p : pieces) subtract(p, cut, out);
  return out;
}

}  // namespace

std::vector<MassPiece> outside_vetoes(std::vector<MassPiece> pieces, const std::vector<config::Interval>& vetoes) {
  for (const auto& v : vetoes) pieces = subtract_all(pieces, {v.lo, v.hi, 1, 1});
  std::erase_if(pieces, [](const MassPiece& p) { return !(p.hi > p.lo); });
  return pieces;
}

FinalStateRange final_state_range(const config::Config& config, int final_state) {
  FinalStateRange r;
  r.final_state = final_state;
  r.lo = 2 * physics::species_mass(physics::final_state_species(final_state));
  r.hi = config.scan.mass_max_gev;
  if (final_state == 1) {
    r.vetoes.push_back(config.selection.ks_veto_gev);
    r.splits.push_back(config.scan.pipi_split_gev);
    for (double s : config.scan.pipi_split_alternatives_gev) r.splits.push_back(s);
  } else if (final_state == 2) {
    r.vetoes.push_back(config.selection.phi_veto_gev);
  }
  return r;
}

bool window_allowed(const FinalStateRange& range, double lo, double hi) {
  if (!(lo >= range.lo && hi <= range.hi)) return false;
  for (const auto& v : range.vetoes)
    if (lo < v.hi && hi > v.lo) return false;  // the veto is open: sharing an edge is allowed
  return true;
}

WindowGeometry make_window(const FinalStateRange& range, double centre, double sigma, double half_width_sigma) {
  WindowGeometry w;
  w.centre = centre;
  w.sigma = sigma;
  w.window = {centre - half_width_sigma * sigma, centre + half_width_sigma * sigma, 0, 0};
  // Without splits the sideband is the whole range; with them, each split gives the
  // part of the range on the centre's side (docs/physics/window-scan.md).
  std::vector<double> splits = range.splits;
  if (splits.empty()) splits.push_back(std::nan(""));
  if (splits.size() > static_cast<std::size_t>(kMaxSplits))
    throw_input_error("scan: {} splits of the pi+pi- range; at most {} (one nominal, {} alternatives)",
                      splits.size(), kMaxSplits, kMaxSplits - 1);
  w.splits = static_cast<int>(splits.size());
  for (std::size_t s = 0; s < splits.size(); ++s) {
    MassPiece half{range.lo, range.hi, 0, 0};
    if (!std::isnan(splits[s])) (centre < splits[s] ? half.hi : half.lo) = std::clamp(splits[s], range.lo, range.hi);
    const std::vector<MassPiece> pieces = outside_vetoes(subtract_all({half}, w.window), range.vetoes);
    if (pieces.size() > static_cast<std::size_t>(kMaxSidebandPieces))
      throw_input_error("scan: the sideband of the window at {} GeV falls into {} pieces; at most {} (fewer vetoes)",
                        centre, pieces.size(), kMaxSidebandPieces);
    w.pieces[s] = static_cast<int>(pieces.size());
    double width = 0;
    for (std::size_t k = 0; k < pieces.size(); ++k) {
      w.sideband[s][k] = pieces[k];
      width += pieces[k].hi - pieces[k].lo;
    }
    w.sideband_width[s] = width;
  }
  return w;
}

namespace {

// σ(m), checked.
struct CheckedSigma {
  const FinalStateRange& range;
  const std::function<double(double)>& sigma;
  double operator()(double m) const {
    const double s = sigma(m);
    if (!(s > 0) || !std::isfinite(s))
      throw_input_error("scan: the mass resolution of {} at {} GeV is {}; it must be positive",
                        physics::kFinalStateNames[range.final_state], m, s);
    return s;
  }
};

// The first centre: the lowest m whose window starts at the range edge, m - hσ(m) = lo
// (m - hσ(m) rises with m wherever hσ'(m) < 1, which any mass resolution satisfies;
// the bisection keeps the side where the window fits).
double first_centre(const FinalStateRange& range, const CheckedSigma& sigma_at, double h) {
  double below = range.lo, above = range.lo + h * sigma_at(range.lo);
  for (int i = 0; i < 64 && above - h * sigma_at(above) < range.lo; ++i) above += h * sigma_at(above);
  for (int i = 0; i < 200 && above - below > 1e-15 * above; ++i) {
    const double mid = 0.5 * (below + above);
    (mid - h * sigma_at(mid) >= range.lo ? above : below) = mid;
  }
  return above;
}

}  // namespace

std::uint64_t window_steps(const FinalStateRange& range, const std::function<double(double)>& sigma,
                           const WindowRule& rule, std::uint64_t limit) {
  const CheckedSigma sigma_at{range, sigma};
  const double h = rule.half_width_sigma;
  std::uint64_t steps = 0;
  for (double m = first_centre(range, sigma_at, h);; m += rule.step_sigma * sigma_at(m)) {
    if (m + h * sigma_at(m) > range.hi || steps > limit) break;
    ++steps;
  }
  return steps;
}

std::vector<WindowGeometry> place_windows(const FinalStateRange& range, const std::function<double(double)>& sigma,
                                          const WindowRule& rule) {
  const CheckedSigma sigma_at{range, sigma};
  const double h = rule.half_width_sigma;
  // Counted first: a step too small for the resolution is refused before the grid is
  // allocated (each window is about 600 bytes).
  const auto limit = static_cast<std::uint64_t>(config::kMaxWindows);
  const std::uint64_t steps = window_steps(range, sigma, rule, limit);
  if (steps > limit)
    throw_input_error("scan: key 'scan.window_step_sigma': {} places more than {} {} windows (the mass resolution is "
                      "{} GeV at {} GeV); at most {}",
                      rule.step_sigma, limit, physics::kFinalStateNames[range.final_state], sigma_at(range.lo),
                      range.lo, limit);
  std::vector<WindowGeometry> windows;
  windows.reserve(steps);
  for (double m = first_centre(range, sigma_at, h);; m += rule.step_sigma * sigma_at(m)) {
    const double s = sigma_at(m);
    if (m + h * s > range.hi) break;
    if (window_allowed(range, m - h * s, m + h * s)) windows.push_back(make_window(range, m, s, h));
  }
  return windows;
}

}  // namespace darkscan::scan
