#pragma once
// The model-dependent interpretation (docs/physics/interpretation.md, `darkscan interpret`):
//  - the combination of the final states at every (m(h'), cτ(h')) of the scan's common
//    grid: each open channel's window (the scan's /scan_combined rows) expecting
//    σ·B(h' → x+x−)·ε·L events, the limit on σ = σ_prod × B(chi2 → chi1 e+e-) from the
//    product of their likelihoods (statistics engine, combined_limit.hpp), p0 the product;
//  - the sinθ exclusion of a model point: σ_prod and B(chi2) from docs/physics/dark-sector.md (independent
//    of θ), cτ(h') = cτ̂(m)/sin²θ from the h' widths, excluded where the prediction exceeds
//    the limit interpolated in log cτ (exclusion.hpp).
#include <array>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "darkscan/physics/dark_sector.hpp"
#include "interpret/exclusion.hpp"
#include "interpret/production_table.hpp"
#include "physics/dark_higgs_widths.hpp"
#include "scan/scan.hpp"
#include "signal_model/chi2_interpolation.hpp"
#include "signal_model/signal_model.hpp"
#include "stats/combined_plan.hpp"
#include "work_split.hpp"

namespace darkscan::interpret {

// One row per (cτ, mass) of the scan's common grid up to the widths' validity.
struct CombinedLimits {
  std::vector<double> ctau_cm, mass, limit_fb, p0, z;
  std::vector<std::int8_t> channels;  // channels with a limit that were combined
  std::vector<std::int32_t> flags;    // statistics engine flags
  std::array<std::vector<double>, physics::kFinalStates> branching;  // B(h' → x+x−) at the mass
  std::size_t masses = 0;             // grid masses per lifetime (rows are lifetime-major)
  std::size_t size() const { return mass.size(); }
};

// The efficiency a combination gives final state `fs` in /scan row `row`; an untrusted
// one drops the channel.
struct ChannelEfficiency {
  double efficiency = 0;
  double rel_unc = 0;
  bool trusted = false;
};
using EfficiencyAt = std::function<ChannelEfficiency(int fs, std::int64_t row)>;

// The h' decay channel seen in each final state.
inline constexpr physics::HiggsChannel kHiggsChannels[physics::kFinalStates] = {
    physics::HiggsChannel::mumu, physics::HiggsChannel::pipi, physics::HiggsChannel::kk};

// /scan row `row` as the next channel of `ex`, expecting branching·ε·L signal events per
// unit σ; nothing when the efficiency is untrusted. True when added.
bool add_channel(stats::CombinedExperiment& ex, const scan::ScanTable& rows, std::int64_t row, double branching,
                 const ChannelEfficiency& efficiency, double luminosity_fb, double luminosity_rel_unc);

// A cell of the maps over cτ(chi2) as a channel's efficiency: untrusted also where the
// Gaussian prior refuses its uncertainty.
ChannelEfficiency map_efficiency(const signal_model::Chi2Cell& cell, const stats::StatsOptions& options);

// Every index of a range of work items (work_split.hpp): the whole run's.
inline constexpr IndexRange kEveryItem{0, std::numeric_limits<std::uint64_t>::max()};

// The grid masses of /scan_combined up to where the widths hold: the masses of its first
// lifetime, which every lifetime repeats.
std::uint64_t grid_masses(const scan::CombinedTable& combined, const physics::DarkHiggsWidths& widths);

// `efficiency` empty: the scan's own (the generated signal's cτ(chi2)), rows whose limit
// status is not ok dropped. `masses`: the grid masses (numbered as grid_masses counts
// them) whose rows are combined, at every lifetime: a shard's (docs/cluster.md#interpret-shards).
CombinedLimits combined_limits(Backend& backend, const scan::ScanTable& rows, const scan::CombinedTable& combined,
                               const physics::DarkHiggsWidths& widths, double luminosity_fb,
                               double luminosity_rel_unc, const stats::StatsOptions& options,
                               const EfficiencyAt& efficiency = {}, IndexRange masses = kEveryItem);

// The efficiency of the signal model's maps over cτ(chi2) at m(chi1) and one cτ(chi2)
// (signal_model::Chi2Interpolation at each row's window centre and lifetime): a model
// point whose chi2 lives longer or shorter than the generated one. Channels whose
// uncertainty the Gaussian prior refuses are untrusted.
EfficiencyAt efficiency_at_ctau_chi2(const signal_model::SignalModel& model, const scan::ScanTable& rows,
                                     double m_chi1, double ctau_chi2_cm, const stats::StatsOptions& options);

// The sinθ exclusion at each grid mass.
struct SinThetaMass {
  double mass = 0;
  double sigma_prod_fb = 0, b_chi2 = 0, predicted_fb = 0;  // predicted = σ_prod × B(chi2)
  double ctau_hat_cm = 0;                                  // cτ(h') at sinθ = 1
  double best_limit_fb = 0;                                // the smallest limit over the lifetimes
  bool width_incomplete = false;                           // the total width misses channels here
  std::vector<SinThetaInterval> intervals;
};

// σ_prod and B(chi2) from docs/physics/dark-sector.md at `point`, or from `table` where given (its
// B(chi2) column, when present, replaces the formula's too).
std::vector<SinThetaMass> sin_theta_exclusion(const CombinedLimits& limits, const physics::DarkHiggsWidths& widths,
                                              const physics::DarkSectorPoint& point, double sqrt_s,
                                              const ProductionTable* table = nullptr);

}  // namespace darkscan::interpret
