#pragma once
// One counting experiment (a mass window) and what the statistics engine returns for
// it (docs/physics/statistics.md; the paper's appendices A and B).
#include <cstdint>

#include "darkscan/core/macros.hpp"

namespace darkscan::stats {

// Largest observed count the engine takes: the posterior coefficients of one
// experiment live in fixed arrays of this size (registers or local memory on a GPU).
inline constexpr int kMaxObserved = 255;
// Largest sideband count: the engine sums n_obs + n_sb in a 32-bit int
// (background_model.hpp), which this keeps below 2^31 with room for n_obs.
inline constexpr int kMaxSideband = 2'000'000'000;

struct CountingExperiment {
  int n_obs = 0;              // N, events in the window
  int n_sb = 0;               // N_SB, events in the sideband
  double f = 1;               // sideband width / window width
  double delta = 0;           // relative uncertainty of the background shape (x nuisance)
  double eff_rel_unc = 0;     // r_ε, relative efficiency uncertainty (y nuisance)
  double lumi_rel_unc = 0;    // r_L, relative luminosity uncertainty (z nuisance)
};

enum class NuisancePrior : std::uint8_t {
  gaussian,   // factors (1 + y r): y standard normal truncated to ±5σ; needs r < 0.2
  lognormal,  // factors (1 + r)^y: any r
};

// Under the Gaussian prior a relative efficiency or luminosity uncertainty must stay
// below this (docs/physics/statistics.md: at 0.2 the truncation at y = −5 reaches a zero factor
// and the posterior becomes improper).
inline constexpr double kGaussianMaxRelUnc = 0.2;

enum class SignalPrior : std::uint8_t { uniform, jeffreys };

// The credibility level of the upper limits where no config key or option sets one:
// the paper's 95 %.
inline constexpr double kDefaultCredibility = 0.95;

// Bits of StatsResult::flags.
enum StatsFlag : std::uint32_t {
  kLimitNotConverged = 1u << 0,  // the root finder ran out of iterations: ul_events is the last bracket midpoint
  kIllConditioned = 1u << 1,     // the x integrand spans more than the quadrature resolves; accuracy below target
};

struct StatsResult {
  double p0 = 1;         // local background-only p-value
  double z = 0;          // Φ⁻¹(1 − p0), −inf where p0 = 1
  double ul_events = 0;  // upper limit on the signal events σ·ε·L at the credibility level
  std::uint32_t flags = 0;
  int iterations = 0;    // root-finder iterations spent on the limit
};

}  // namespace darkscan::stats
