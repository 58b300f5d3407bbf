#pragma once
// The y limit vs m(chi1) of a model point (docs/physics/interpretation.md, docs/physics/interpretation.md):
// m(h') and sinθ fixed (so cτ(h') and B(h' → x+x−) are), m(A') and Δm moving with
// m(chi1) in the point's ratios, and ε moving both σ_prod ∝ ε² and cτ(chi2) ∝ 1/ε². At
// every m(chi1) the signal model has maps over cτ(chi2) for, and every ε of a log grid,
// the final states are combined (combined_limit.hpp) with the efficiency at that ε's
// cτ(chi2); the limit on σ_prod × B(chi2 → chi1 e+e-) then changes with ε as the
// prediction does, and the excluded ε are where the prediction exceeds it (exact
// crossings in log-log, islands kept: exclusion.hpp), reported in ε and in
// y = ε² α_D (m(chi1)/m(A'))⁴.
#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "backend/backend.hpp"
#include "interpret/exclusion.hpp"
#include "interpret/interpret.hpp"
#include "interpret/model_points.hpp"
#include "interpret/theory_table.hpp"
#include "physics/dark_higgs_widths.hpp"
#include "scan/scan.hpp"
#include "signal_model/signal_model.hpp"

namespace darkscan::interpret {

struct YLimitSettings {
  double m_hp = 0.6;
  double sin_theta = 3e-4;
  std::vector<double> epsilon;  // increasing
  double sqrt_s = physics::kDefaultSqrtS;
  double luminosity_fb = 0;
  double luminosity_rel_unc = 0;
  stats::StatsOptions options;
};

// One m(chi1) of one model point.
struct YLimitMass {
  std::size_t model_point = 0;  // index into the points given
  double m_chi1 = 0, m_ap = 0, delta_m = 0;
  double m_window = 0;        // the scan's window centre used for m(h')
  double ctau_hp_cm = 0;      // at (m(h'), sinθ)
  double y_per_epsilon2 = 0;  // α_D (m(chi1)/m(A'))⁴
  double b_chi2 = 0;          // B(chi2 → chi1 e+e-), independent of ε
  std::uint8_t channels = 0;  // bit fs: the final state entered at some ε
  // Over the ε grid:
  std::vector<double> ctau_chi2_cm, predicted_fb, limit_fb;  // limit NaN: no trusted channel
  std::vector<std::int8_t> used;                            // channels combined at that ε
  std::vector<Excluded> intervals;                          // x = ε

  double y(double epsilon) const { return epsilon * epsilon * y_per_epsilon2; }
  // The lower edge of the lowest excluded interval in y (the limit on y); NaN: none.
  double smallest_excluded_y() const {
    double out = std::numeric_limits<double>::quiet_NaN();
    for (const auto& iv : intervals)
      if (!(y(iv.x_lo) >= out)) out = y(iv.x_lo);
    return out;
  }
};

// The chi2 of points[0] from a user's table instead of docs/physics/dark-sector.md (and its
// σ_prod, section 3), over m(chi1) at that point's ratios and ε: columns m_chi1_gev,
// ctau_chi2_cm and b_chi2_to_chi1_ee, optionally sigma_prod_fb (at YLimitSettings::m_hp);
// both scaled with ε² from the point's ε.
inline const std::vector<std::string> kChi2TableRequired = {"m_chi1_gev", "ctau_chi2_cm", "b_chi2_to_chi1_ee"};
inline const std::vector<std::string> kChi2TableOptional = {"sigma_prod_fb"};

// Every m(chi1) of the model's maps over cτ(chi2), for every point, in one batch of the
// statistics engine. InputError when the model has no such maps, the scan no window at
// m(h'), or `chi2_table` does not cover an m(chi1) of the maps. `pairs`: the (m(chi1),
// point) pairs computed, numbered m(chi1)-major (y_limit_pairs of them): a shard's
// (docs/cluster.md#interpret-shards); the checks are made for all.
std::vector<YLimitMass> y_limits(Backend& backend, const scan::ScanTable& rows, const scan::CombinedTable& combined,
                                 const signal_model::SignalModel& model, const physics::DarkHiggsWidths& widths,
                                 const std::vector<ModelPoint>& points, const YLimitSettings& settings,
                                 const TheoryTable* chi2_table = nullptr, IndexRange pairs = kEveryItem);

// The (m(chi1), point) pairs y_limits goes through: the m(chi1) of the model's maps over
// cτ(chi2) times `points`. A pair whose production is closed gives no row.
std::uint64_t y_limit_pairs(const signal_model::SignalModel& model, std::size_t points);

}  // namespace darkscan::interpret
