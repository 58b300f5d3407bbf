#include "signal_model/chi2_interpolation.hpp"

#include <algorithm>
#include <cmath>

#include "errors.hpp"
#include "signal_model/mass_interpolation.hpp"

namespace darkscan::signal_model {

namespace {

// The bracket of x on an increasing grid: lower node and the weight of the upper one in
// log x; false outside the grid.
bool log_bracket(const std::vector<double>& grid, double x, std::size_t& i, double& t) {
  if (grid.empty() || !(x >= grid.front() && x <= grid.back())) return false;
  i = static_cast<std::size_t>(std::upper_bound(grid.begin(), grid.end(), x) - grid.begin());
  i = i == 0 ? 0 : i - 1;
  if (i + 1 >= grid.size()) {
    i = grid.size() - 1;
    t = 0;
    return true;
  }
  t = std::log(x / grid[i]) / std::log(grid[i + 1] / grid[i]);
  // A lifetime on a node up to rounding (cτ(chi2) ∝ 1/ε² computed from ε) is the node's
  // alone: its neighbour, perhaps untrusted, must not enter with a weight of 1e-16.
  constexpr double kSnap = 1e-9;
  if (t < kSnap) t = 0;
  if (t > 1 - kSnap) {
    ++i;
    t = 0;
  }
  return true;
}

}  // namespace

Chi2Interpolation::Chi2Interpolation(const SignalModel& model, int final_state, double m_chi1) : model_(&model) {
  for (const auto& p : model.points)
    if (p.final_state == final_state && !p.chi2_map.empty() &&
        (std::isnan(m_chi1) || point_m_chi1(p) == m_chi1))
      points_.push_back(&p);
  std::sort(points_.begin(), points_.end(), [](const auto* a, const auto* b) { return a->m_hp < b->m_hp; });
  for (std::size_t i = 1; i < points_.size(); ++i)
    if (points_[i]->m_hp == points_[i - 1]->m_hp)
      throw_input_error("signal model: two points with maps over ctau(chi2) at m_hp = {} GeV, m_chi1 = {} GeV ({} and "
                        "{}): one dark-sector point per m(chi1) is interpreted",
                        points_[i]->m_hp, m_chi1, points_[i - 1]->name, points_[i]->name);
}

Chi2Interpolation::Node Chi2Interpolation::node(const SignalPointModel& p, std::size_t i, std::size_t k) const {
  const std::size_t c = i * model_->ctau_chi2_cm.size() + k;
  const EfficiencyCell& cell = p.chi2_map[c];
  const auto& own = p.map.cells[p.final_state][i];
  const double mc = own.efficiency > 0 ? own.efficiency_unc / own.efficiency : NAN;
  Node out;
  out.efficiency = cell.efficiency;
  out.efficiency_unc = cell.efficiency_unc;
  out.syst2 = std::max(p.rel_unc[i] * p.rel_unc[i] - mc * mc, 0.0);  // NaN stays NaN
  out.trusted = p.chi2_trusted[c] && std::isfinite(out.syst2) && cell.efficiency > 0;
  return out;
}

Chi2Cell Chi2Interpolation::at(double m_hp, double ctau_cm, double ctau_chi2_cm) const {
  Chi2Cell out;
  std::size_t i = 0, k = 0;
  double ti = 0, tk = 0;
  if (points_.empty() || !(m_hp >= points_.front()->m_hp && m_hp <= points_.back()->m_hp) ||
      !log_bracket(model_->ctau_cm, ctau_cm, i, ti) || !log_bracket(model_->ctau_chi2_cm, ctau_chi2_cm, k, tk))
    return out;
  std::size_t a = 0;
  while (a + 1 < points_.size() && points_[a + 1]->m_hp <= m_hp) ++a;
  const std::size_t b = a + 1 < points_.size() ? a + 1 : a;
  const double tm = points_[b]->m_hp > points_[a]->m_hp ? (m_hp - points_[a]->m_hp) / (points_[b]->m_hp - points_[a]->m_hp) : 0.0;
  // Every node with a non-zero weight: (mass, cτ(h'), cτ(chi2)) corners.
  out.trusted = true;
  double syst2 = 0;
  for (int dm = 0; dm < 2; ++dm) {
    const double wm = dm ? tm : 1 - tm;
    if (wm == 0) continue;
    for (int di = 0; di < 2; ++di) {
      const double wi = di ? ti : 1 - ti;
      if (wi == 0) continue;
      for (int dk = 0; dk < 2; ++dk) {
        const double wk = dk ? tk : 1 - tk;
        if (wk == 0) continue;
        const Node n = node(*points_[dm ? b : a], i + di, k + dk);
        const double w = wm * wi * wk;
        out.efficiency += w * n.efficiency;
        out.efficiency_unc += w * n.efficiency_unc;
        out.trusted = out.trusted && n.trusted;
        if (n.trusted) syst2 += w * n.syst2;
      }
    }
  }
  if (!out.trusted || !(out.efficiency > 0)) {
    out.trusted = false;
    out.rel_unc = NAN;
    return out;
  }
  const double mc = out.efficiency_unc / out.efficiency;
  out.rel_unc = std::sqrt(std::max(syst2, 0.0) + mc * mc);
  return out;
}

std::vector<double> chi2_mapped_m_chi1(const SignalModel& model) {
  std::vector<double> out;
  for (const auto& p : model.points)
    if (!p.chi2_map.empty() && !std::isnan(point_m_chi1(p))) out.push_back(point_m_chi1(p));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace darkscan::signal_model
