#pragma once
// The host side of the generated signal: turns a signal point (final state, m(h'), cτ(h')
// and the dark-sector point) into the plain SignalProcess the event functor samples from,
// tabulating the off-shell A' mass and the M(e+e-) spectrum of the chi2 decay
// (docs/physics/dark-sector.md), and gives its cross section.
#include <functional>
#include <string>

#include "darkscan/generator/signal_process.hpp"
#include "config/config.hpp"
#include "darkscan/physics/dark_sector.hpp"

namespace darkscan::generator {

struct SignalPoint {
  int final_state = 1;  // 0 mumu, 1 pipi, 2 kk
  double m_hp = 0.5;
  double ctau_hp_cm = 1.0;
  physics::DarkSectorPoint dark;
  double ctau_chi2_cm = 0;  // 0: from the dark-sector point
};

// A signal point at the config's [model] dark-sector point (final state, m(h') and
// cτ(h') left at their defaults for the caller to set).
SignalPoint model_point(const config::ModelConfig& model);

// "mumu", "pipi" or "kk".
inline std::string_view final_state_name(int final_state) { return physics::kFinalStateNames[final_state]; }
using physics::final_state_from_name;

// The inverse CDF of `density` on [lo, hi], from its integral on a fine grid.
InverseCdf tabulate_inverse_cdf(const std::function<double(double)>& density, double lo, double hi);

// Checks the point (InputError naming `where` and the offending parameter) and builds
// its process. cτ(chi2) = 0 in the point is replaced by the value of docs/physics/dark-sector.md.
SignalProcess make_signal_process(const SignalPoint& point, const Collision& collision, const std::string& where);

// σ(e+e- -> h' chi1 chi2) of the point in fb (docs/physics/dark-sector.md).
double signal_cross_section_fb(const SignalPoint& point, const Collision& collision);

}  // namespace darkscan::generator
