#pragma once
// The look-elsewhere effect (docs/physics/look-elsewhere.md, `darkscan lee`): background-only
// toys of the whole scan, the global p-value and significance, the trials factor, and
// the Gross–Vitells up-crossing estimate beside them.
#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "backend/backend.hpp"
#include "config/config.hpp"
#include "darkscan/lee/toy_scan.hpp"
#include "selection/selected_data.hpp"

namespace darkscan {
class Progress;
}

namespace darkscan::lee {

using Windows = std::array<std::vector<scan::WindowGeometry>, physics::kFinalStates>;

struct LeeSettings {
  std::uint64_t toys = 10000;
  std::uint64_t seed = 0;
  std::uint64_t batch = 4096;     // toys per backend call (bounds the masses in memory)
  double upcrossing_level = 1.0;  // c0 of Gross–Vitells, in q = Z²
  int legendre_nodes = kToyShapeNodes;  // the toys' rule for the shape nuisance (toy_p0)
};

// The regions of the scanned final states (one per final state; the two halves of the
// pi+pi- range at scan.pipi_split_gev), with the data's counts in them, in final-state
// and mass order (what ToyScan needs).
std::vector<ToyRegion> toy_regions(const config::Config& config, const selection::SelectedData& data);

// The job of one batch of toys over these regions and windows (pointers into them).
ToyJob toy_job(const std::vector<ToyRegion>& regions, const Windows& windows, const LeeSettings& settings);

// The observed data scanned as the toys are.
ToyOutcome scan_observed(const selection::SelectedData& data, const Windows& windows, const LeeSettings& settings);

// Runs toys [first, first + count) in batches; `done` is called after each batch with
// the outcomes so far (for checkpoints). Toy k is the same whatever the batches.
void run_toys(Backend& backend, const std::vector<ToyRegion>& regions, const Windows& windows,
              const LeeSettings& settings, std::uint64_t first, std::uint64_t count, std::vector<ToyOutcome>& outcomes,
              Progress* progress, const std::function<void(const std::vector<ToyOutcome>&)>& done);

// A toy reaches the observed largest Z when its own is at least Z (1 − 1e-9): ties within
// rounding count (see summarise).
inline constexpr double kReachTolerance = 1e-9;

struct LeeSummary {
  double z_local = 0;   // the observed largest local Z
  double p_local = 1;
  std::uint64_t toys = 0;
  std::uint64_t exceeding = 0;  // toys whose largest Z reaches z_local
  double p_global = 1, p_global_unc = 0;
  double z_global = 0;          // Φ⁻¹(1 − p_global); +inf when no toy exceeds
  double trials_factor = 1;     // p_global / p_local
  std::array<double, physics::kFinalStates> mean_upcrossings{};
  double p_gross_vitells = 1, z_gross_vitells = 0;
};

LeeSummary summarise(const ToyOutcome& observed, std::span<const ToyOutcome> toys, double upcrossing_level);

}  // namespace darkscan::lee
