#pragma once
// The signal model stage (docs/physics/signal-model.md, `darkscan efficiency`): the signal
// samples of an event file grouped into signal points (one final state, m(h') and
// dark-sector point; samples generated at several cτ0 of a point combine as a mixture),
// each point selected, its efficiency reweighted onto the cτ(h') grid with the MC
// uncertainty, n_eff and the systematic sources added in quadrature, and the mass
// resolution of every sample fitted with a double-sided Crystal Ball.
#include <compare>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "backend/backend.hpp"
#include "config/config.hpp"
#include "io/event_file.hpp"
#include "io/event_writer.hpp"
#include "signal_model/efficiency_map.hpp"
#include "signal_model/resolution_fit.hpp"
#include "work_split.hpp"

namespace darkscan {
class Progress;
}

namespace darkscan::signal_model {

struct SignalPointModel {
  std::string name;  // signal_<fs>_m<m_hp>[_<k>] (k tells apart dark-sector points of one mass)
  int final_state = 0;
  double m_hp = 0;
  io::Attributes attributes;          // the dark-sector point, as its samples carry it
  std::vector<std::string> samples;   // combined as a mixture
  LifetimeMixture generated;
  EfficiencyMap map;                  // every final state (the others are cross-feed)
  std::vector<double> rel_unc;        // all sources, the point's own final state, per cτ
  std::vector<std::uint8_t> trusted;  // n_eff >= signal_model.min_n_eff and ε > 0
  double sigma = 0, sigma_unc = 0;    // mass resolution: inverse-variance mean of its samples' fits
  double ctau_chi2_0 = 0;             // generated cτ(chi2), shared by the point's samples
  std::vector<EfficiencyCell> chi2_map;  // own final state over ctau_cm x ctau_chi2_cm (when scanned)
  std::vector<std::uint8_t> chi2_trusted;
};

// One sample on its own: its efficiency reweighted from its cτ0 alone (a check of the
// point's mixture, sample against sample) and its mass resolution.
struct SampleModel {
  std::string sample;
  std::string point;
  double ctau0 = 0;
  io::Attributes attributes;          // the sample's own
  std::vector<MapCell> cells;         // its final state, over the cτ grid
  std::vector<double> rel_unc;
  std::vector<std::uint8_t> trusted;
  CrystalBallFit fit;
};

struct SignalModel {
  std::vector<double> ctau_cm;
  std::vector<double> ctau_chi2_cm;  // empty unless [signal_model] ctau_chi2_points_per_decade > 0
  std::vector<SignalPointModel> points;  // sorted by final state, then m(h')
  std::vector<SampleModel> samples;
  std::size_t all_points = 0;  // the file's signal points: a shard's model holds its range of them
};

// The dark-sector parameters that, with the final state and m(h'), make a signal point.
inline constexpr const char* kDarkSectorKeys[] = {"m_chi1", "delta_m", "m_ap", "alpha_d", "epsilon", "ctau_chi2_cm"};

// The `final_state` attribute of a sample or table as 0, 1, 2; InputError otherwise.
int final_state_attribute(const io::SampleInfo& table, const std::string& ctx);

// What tells a signal point apart and orders the points (docs/formats/outputs.md#signal_modelh5):
// final state, m(h'), then its dark-sector attributes as numbers, in the order of
// kDarkSectorKeys (those its samples carry; a point without one comes first).
struct PointKey {
  int final_state = 0;
  double m_hp = 0;
  std::vector<std::pair<int, double>> dark_sector;  // (index in kDarkSectorKeys, value)
  auto operator<=>(const PointKey&) const = default;
};
PointKey point_key(int final_state, double m_hp, const io::Attributes& dark_sector);

// `shard`: the points of its range only, in the order of their parameters (docs/cluster.md);
// the names are those of the whole file's model.
SignalModel build_signal_model(Backend& backend, const io::EventFile& file, const config::Config& config,
                               Progress* progress = nullptr, Shard shard = {});

// The candidates of the signal samples of `shard`'s points (the stage's progress total).
std::uint64_t signal_rows(const io::EventFile& file, Shard shard = {});

// Points in the order of the model, by point_key: one process and a merge of shards
// order them alike.
void sort_points(std::vector<SignalPointModel>& points);

}  // namespace darkscan::signal_model
