#include "signal_model/efficiency_map.hpp"

#include <cmath>
#include <stdexcept>

namespace darkscan::signal_model {

std::vector<double> log_grid(double lo, double hi, int per_decade) {
  if (!(lo > 0 && hi >= lo && per_decade > 0)) throw std::invalid_argument("log_grid: need 0 < lo <= hi, per_decade > 0");
  const double decades = std::log10(hi / lo);
  const auto steps = static_cast<int>(std::lround(decades * per_decade));
  std::vector<double> grid;
  for (int i = 0; i <= steps; ++i) grid.push_back(lo * std::pow(10.0, static_cast<double>(i) / per_decade));
  if (steps > 0) grid.back() = hi;  // the end exactly, not 10^(n/k) rounded
  return grid;
}

EfficiencyMap efficiency_map(const SelectedTruth& selected, const LifetimeMixture& generated,
                             std::span<const double> ctau_cm, const host::CpuLauncher& launcher) {
  if (selected.ell.size() != selected.final_state.size() ||
      (!selected.mc_weight.empty() && selected.mc_weight.size() != selected.ell.size()) ||
      (!selected.hp_dv.empty() && selected.hp_dv.size() != selected.ell.size()))
    throw std::invalid_argument("efficiency_map: columns of unequal length");
  const double n = generated.total();
  EfficiencyMap map;
  map.ctau_cm.assign(ctau_cm.begin(), ctau_cm.end());
  const std::size_t cells = ctau_cm.size() * physics::kFinalStates;
  std::vector<WeightSums> sums(cells);
  std::vector<double> sum_dv(cells, 0.0);
  launcher.parallel_for(ctau_cm.size(), [&](std::uint64_t j) {
    WeightSums* cell = &sums[j * physics::kFinalStates];
    double* dv = &sum_dv[j * physics::kFinalStates];
    for (std::size_t i = 0; i < selected.ell.size(); ++i) {
      const int fs = selected.final_state[i];
      if (fs < 0 || fs >= physics::kFinalStates) continue;
      const double m = selected.mc_weight.empty() ? 1.0 : selected.mc_weight[i];
      const double w = m * generated.weight(selected.ell[i], ctau_cm[j]);
      cell[fs].add(w);
      if (!selected.hp_dv.empty()) dv[fs] += w * selected.hp_dv[i];
    }
  });
  for (int fs = 0; fs < physics::kFinalStates; ++fs)
    for (std::size_t j = 0; j < ctau_cm.size(); ++j) {
      const std::size_t k = j * physics::kFinalStates + static_cast<std::size_t>(fs);
      MapCell c;
      static_cast<EfficiencyCell&>(c) = efficiency_cell(sums[k], n);
      c.mean_hp_dv = sums[k].sum > 0 ? sum_dv[k] / sums[k].sum : 0.0;
      map.cells[fs].push_back(c);
    }
  return map;
}

std::vector<EfficiencyCell> efficiency_map_chi2(const SelectedTruth& selected, int final_state,
                                                const LifetimeMixture& generated, double ctau_chi2_0,
                                                std::span<const double> ctau_cm,
                                                std::span<const double> ctau_chi2_cm,
                                                const host::CpuLauncher& launcher) {
  if (selected.ell_chi2.size() != selected.ell.size() || selected.final_state.size() != selected.ell.size())
    throw std::invalid_argument("efficiency_map_chi2: columns of unequal length");
  const double n = generated.total();
  const std::size_t nk = ctau_chi2_cm.size();
  std::vector<WeightSums> sums(ctau_cm.size() * nk);
  launcher.parallel_for(sums.size(), [&](std::uint64_t cell) {
    const double ctau = ctau_cm[cell / nk], ctau_chi2 = ctau_chi2_cm[cell % nk];
    for (std::size_t i = 0; i < selected.ell.size(); ++i) {
      if (selected.final_state[i] != final_state) continue;
      const double m = selected.mc_weight.empty() ? 1.0 : selected.mc_weight[i];
      sums[cell].add(m * generated.weight(selected.ell[i], ctau) *
                     lifetime_weight(selected.ell_chi2[i], ctau_chi2_0, ctau_chi2));
    }
  });
  std::vector<EfficiencyCell> cells;
  for (const auto& s : sums) cells.push_back(efficiency_cell(s, n));
  return cells;
}

}  // namespace darkscan::signal_model
