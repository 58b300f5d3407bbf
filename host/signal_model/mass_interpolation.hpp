#pragma once
// The signal model at any m(h') (docs/physics/signal-model.md: "mass points without a sample:
// interpolate ε and σ linearly in mass between neighbouring samples"): for one final
// state and dark-sector point, ε, its uncertainties and σ on the shared cτ grid,
// linear in m(h') between the two simulated masses around it.
#include <cstddef>
#include <string_view>
#include <vector>

#include "signal_model/signal_model.hpp"

namespace darkscan::signal_model {

struct InterpolatedCell {
  double efficiency = 0;
  double efficiency_unc = 0;  // absolute, MC statistics
  double rel_unc = 0;         // all sources
  double sigma = 0;           // mass resolution (GeV)
  bool trusted = false;       // inside the simulated masses, both neighbours trusted
};

// A dark-sector attribute of the point (kDarkSectorKeys); NaN when its samples do not carry it.
double point_number(const SignalPointModel& point, std::string_view key);
// The point's m(chi1) attribute; NaN when its samples do not carry one.
double point_m_chi1(const SignalPointModel& point);

class MassInterpolation {
 public:
  // The points of `model` with this final state and, where several dark-sector points
  // share it, this m(chi1) (NaN: the final state must have one point per mass).
  MassInterpolation(const SignalModel& model, int final_state, double m_chi1);

  std::size_t masses() const { return points_.size(); }
  double lowest() const;
  double highest() const;
  // Outside [lowest, highest] the cell is untrusted with zero efficiency.
  InterpolatedCell at(double m_hp, std::size_t ctau_index) const;
  // The mass resolution at m_hp from the points that have one (a point without
  // selected events has no resolution fit): linear between them (as at() gives it,
  // the same at every cτ: one resolution per signal point), held at the nearest of them
  // outside. NaN when no point has a resolution.
  double sigma(double m_hp) const;
  // The simulated masses with a resolution: where sigma() interpolates rather than holds.
  double sigma_lowest() const;
  double sigma_highest() const;

 private:
  std::vector<const SignalPointModel*> points_;  // sorted by m(h')
  std::vector<const SignalPointModel*> resolved_;  // those with a finite positive sigma
};

}  // namespace darkscan::signal_model
