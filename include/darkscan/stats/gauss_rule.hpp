#pragma once
// A Gauss quadrature rule for a probability measure: ∫ h dP ≈ Σ w[i] h(x[i]), weights
// summing to one. darkscan's rules are those of the standard normal truncated to an
// interval (docs/physics/statistics.md: every Gaussian nuisance is truncated to ±5σ and to a
// positive factor), built on the host by host/stats/truncated_normal_rule.
#include "darkscan/core/macros.hpp"

namespace darkscan::stats {

// Nodes a rule holds. The largest rules are the top of the background-shape ladder
// (host/stats/stats_plan.cpp): 128 nodes integrate (1 + xδ)^N φ(x), the b << 1 limit of
// the shape integrand, exactly for every count the engine takes (2·128 − 1 = 255 =
// kMaxObserved).
inline constexpr int kMaxGaussNodes = 128;
// Nodes of the efficiency and luminosity rules at most (factor_rule_order's cap), and the
// size of the per-node arrays of their factors: the 64 they always had, so that their
// rules, and the stack those arrays take on a GPU, stay as they were.
inline constexpr int kMaxFactorNodes = 64;

struct GaussRule {
  int n = 0;
  double x[kMaxGaussNodes] = {};
  double w[kMaxGaussNodes] = {};

  DS_FUNCTION explicit operator bool() const { return n > 0 && n <= kMaxGaussNodes; }
};

}  // namespace darkscan::stats
