#include "signal_model/efficiency_map.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace darkscan::signal_model {

std::vector<double> log_grid(double lo, double hi, int per_decade) {
  if (!(lo > 0 && hi >= lo && per_decade > 0)) throw std::invalid_argument("log_grid: need 0 < lo <= hi, per_decade > 0");
  // As many points as config::log_grid_points counts, which the config limits.
  const double decades = std::log10(hi / lo);
  const auto steps = static_cast<int>(std::lround(decades * per_decade));
  std::vector<double> grid;
  for (int i = 0; i <= steps; ++i) grid.push_back(lo * std::pow(10.0, static_cast<double>(i) / per_decade));
  if (steps > 0) grid.back() = hi;  // the end exactly, not 10^(n/k) rounded
  return grid;
}

namespace {

// The job over `selected` for the given cells (host pointers).
ReweightBlocks job_for(const SelectedTruth& s, const LifetimeMixture& generated, const std::vector<double>& ctau,
                       const std::vector<double>* ctau_chi2, double ctau_chi2_0) {
  if (s.ell.size() != s.final_state.size() || (!s.mc_weight.empty() && s.mc_weight.size() != s.ell.size()) ||
      (!s.hp_dv.empty() && s.hp_dv.size() != s.ell.size()) ||
      (ctau_chi2 != nullptr && s.ell_chi2.size() != s.ell.size()))
    throw std::invalid_argument("efficiency map: columns of unequal length");
  ReweightBlocks job;
  job.ell = s.ell.data();
  job.final_state = s.final_state.data();
  job.mc_weight = s.mc_weight.empty() ? nullptr : s.mc_weight.data();
  job.hp_dv = s.hp_dv.empty() ? nullptr : s.hp_dv.data();
  job.candidates = s.ell.size();
  job.ctau = ctau.data();
  job.cells = ctau.size();
  job.generated = generated;
  if (ctau_chi2 != nullptr) {
    job.ell_chi2 = s.ell_chi2.data();
    job.ctau_chi2 = ctau_chi2->data();
    job.ctau_chi2_0 = ctau_chi2_0;
  }
  return job;
}

// The blocks of each cell added in block order.
std::vector<BlockSums> per_cell(const std::vector<BlockSums>& blocks, std::uint64_t cells, std::uint64_t per) {
  std::vector<BlockSums> out(cells);
  for (std::uint64_t c = 0; c < cells; ++c)
    for (std::uint64_t b = 0; b < per; ++b) {
      const BlockSums& x = blocks[c * per + b];
      for (int f = 0; f < physics::kFinalStates; ++f) {
        out[c].fs[f].sum += x.fs[f].sum;
        out[c].fs[f].sum2 += x.fs[f].sum2;
        out[c].dv[f] += x.dv[f];
      }
    }
  return out;
}

// The most the backend's output of one reweight() call may take: a map's cells times the
// candidates' blocks can be far more, so the cells go in groups (each cell's sums do
// not depend on the grouping: the same bits whatever the group size).
constexpr std::uint64_t kReweightBytes = std::uint64_t{256} << 20;

std::vector<BlockSums> cell_sums(const ReweightBlocks& job, Backend& backend) {
  const std::uint64_t blocks = std::max<std::uint64_t>(1, job.blocks());
  const std::uint64_t per_call = std::max<std::uint64_t>(1, kReweightBytes / (blocks * sizeof(BlockSums)));
  std::vector<BlockSums> out;
  out.reserve(job.cells);
  for (std::uint64_t first = 0; first < job.cells; first += per_call) {
    ReweightBlocks part = job;
    part.cells = std::min(per_call, job.cells - first);
    part.ctau = job.ctau + first;
    if (job.ctau_chi2 != nullptr) part.ctau_chi2 = job.ctau_chi2 + first;
    const auto sums = per_cell(backend.reweight(part), part.cells, part.blocks());
    out.insert(out.end(), sums.begin(), sums.end());
  }
  return out;
}

}  // namespace

EfficiencyMap efficiency_map(const SelectedTruth& selected, const LifetimeMixture& generated,
                             std::span<const double> ctau_cm, Backend& backend) {
  EfficiencyMap map;
  map.ctau_cm.assign(ctau_cm.begin(), ctau_cm.end());
  const auto job = job_for(selected, generated, map.ctau_cm, nullptr, 0);
  const auto sums = cell_sums(job, backend);
  const double n = generated.total();
  for (int fs = 0; fs < physics::kFinalStates; ++fs)
    for (const auto& s : sums) {
      MapCell c;
      static_cast<EfficiencyCell&>(c) = efficiency_cell(s.fs[fs], n);
      c.mean_hp_dv = s.fs[fs].sum > 0 ? s.dv[fs] / s.fs[fs].sum : 0.0;
      map.cells[fs].push_back(c);
    }
  return map;
}

std::vector<EfficiencyCell> efficiency_map_chi2(const SelectedTruth& selected, int final_state,
                                                const LifetimeMixture& generated, double ctau_chi2_0,
                                                std::span<const double> ctau_cm,
                                                std::span<const double> ctau_chi2_cm, Backend& backend) {
  // One cell per (cτ, cτ(chi2)), cτ(chi2) running fastest.
  std::vector<double> ctau, ctau_chi2;
  for (double a : ctau_cm)
    for (double b : ctau_chi2_cm) {
      ctau.push_back(a);
      ctau_chi2.push_back(b);
    }
  const auto job = job_for(selected, generated, ctau, &ctau_chi2, ctau_chi2_0);
  const auto sums = cell_sums(job, backend);
  std::vector<EfficiencyCell> cells;
  for (const auto& s : sums) cells.push_back(efficiency_cell(s.fs[final_state], generated.total()));
  return cells;
}

}  // namespace darkscan::signal_model
