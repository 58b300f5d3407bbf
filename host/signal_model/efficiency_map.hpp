#pragma once
// Efficiency of a signal point on a grid of cτ(h') by lifetime reweighting
// (docs/physics/signal-model.md, darkscan/signal_model/lifetime_reweighting.hpp) of its selected
// candidates: one cell per (final state, cτ), all lifetimes in one pass over the
// candidates on the chosen backend (darkscan/signal_model/reweight_blocks.hpp: blocks
// of candidates summed in a fixed order, the same bits on any number of threads).
#include <span>
#include <vector>

#include "darkscan/physics/particles.hpp"
#include "darkscan/signal_model/lifetime_reweighting.hpp"
#include "backend/backend.hpp"

namespace darkscan::signal_model {

// The selected candidates of one signal point (its samples together), as columns in
// host memory; the backend's reweight() runs the (lifetime, block of candidates) pairs.
struct SelectedTruth {
  std::span<const double> ell;           // true proper decay length of the h' (cm)
  std::span<const std::int8_t> final_state;
  std::span<const double> mc_weight;     // empty: 1
  std::span<const double> hp_dv;         // transverse displacement of the h' vertex (cm); empty: not used
  std::span<const double> ell_chi2;      // true proper decay length of the chi2 (cm); for the 2-D map
};

// A cell and the weighted mean displacement of its selected h' vertices (the scale of
// the lifetime-dependent PID uncertainty).
struct MapCell : EfficiencyCell {
  double mean_hp_dv = 0;
};

struct EfficiencyMap {
  std::vector<double> ctau_cm;
  // cells[final_state][lifetime]
  std::vector<MapCell> cells[physics::kFinalStates];
};

// The log-spaced grid of cτ: `per_decade` points a decade from lo to hi, both included.
std::vector<double> log_grid(double lo, double hi, int per_decade);

EfficiencyMap efficiency_map(const SelectedTruth& selected, const LifetimeMixture& generated,
                             std::span<const double> ctau_cm, Backend& backend);

// The efficiency of one final state over cτ(h') x cτ(chi2) (the y interpretation moves
// the chi2 lifetime): the weight is the product of the h' mixture's and the chi2's, all
// samples of a point sharing the generated cτ(chi2) `ctau_chi2_0`. cells[i * n_chi2 + k]
// for ctau_cm[i] and ctau_chi2_cm[k].
std::vector<EfficiencyCell> efficiency_map_chi2(const SelectedTruth& selected, int final_state,
                                                const LifetimeMixture& generated, double ctau_chi2_0,
                                                std::span<const double> ctau_cm,
                                                std::span<const double> ctau_chi2_cm, Backend& backend);

}  // namespace darkscan::signal_model
