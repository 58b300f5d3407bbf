#pragma once
// The signal efficiency of one final state at any (m(h'), cτ(h'), cτ(chi2)) from the
// signal model's maps over both lifetimes (/efficiency_chi2), for the interpretations
// that move the chi2 lifetime (docs/physics/interpretation.md: ε moves cτ(chi2) ∝ 1/ε²):
// linear in m(h') between the two simulated masses around it (docs/physics/signal-model.md,
// as MassInterpolation) and bilinear in (log cτ(h'), log cτ(chi2)) between grid nodes,
// the lifetime reweighting being smooth in log cτ.
//
// The relative uncertainty of a cell is the MC statistics of the 2-D map with the
// systematic sources of the point's /points table at the same cτ(h') (the
// displacement-dependent PID term follows the h' vertex, not the chi2's).
#include <cstddef>
#include <vector>

#include "signal_model/signal_model.hpp"

namespace darkscan::signal_model {

struct Chi2Cell {
  double efficiency = 0;
  double efficiency_unc = 0;  // absolute, MC statistics
  double rel_unc = 0;         // all sources
  bool trusted = false;       // inside the masses and both grids, every node used trusted
};

class Chi2Interpolation {
 public:
  // The points of `model` with this final state, this m(chi1) (their attribute; NaN:
  // one point per mass) and a map over cτ(chi2).
  Chi2Interpolation(const SignalModel& model, int final_state, double m_chi1);

  std::size_t masses() const { return points_.size(); }
  // Outside the simulated masses or the grids: untrusted, zero efficiency.
  Chi2Cell at(double m_hp, double ctau_cm, double ctau_chi2_cm) const;

 private:
  // A grid node: the 2-D map's cell and the squared systematic part of the /points cell
  // at the same cτ(h') (its total less its MC statistics).
  struct Node {
    double efficiency = 0, efficiency_unc = 0, syst2 = 0;
    bool trusted = false;
  };
  Node node(const SignalPointModel& p, std::size_t i, std::size_t k) const;
  const SignalModel* model_ = nullptr;
  std::vector<const SignalPointModel*> points_;  // sorted by m(h')
};

// The distinct m(chi1) of the points that carry maps over cτ(chi2), ascending.
std::vector<double> chi2_mapped_m_chi1(const SignalModel& model);

}  // namespace darkscan::signal_model
