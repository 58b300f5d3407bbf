#pragma once
// A Gauss quadrature rule for a probability measure: ∫ h dP ≈ Σ w[i] h(x[i]), weights
// summing to one. darkscan's rules are those of the standard normal truncated to an
// interval (ANALYSIS.md section 5: every Gaussian nuisance is truncated to ±5σ and to a
// positive factor), built on the host by host/stats/truncated_normal_rule.
#include "darkscan/core/macros.hpp"

namespace darkscan::stats {

inline constexpr int kMaxGaussNodes = 64;

struct GaussRule {
  int n = 0;
  double x[kMaxGaussNodes] = {};
  double w[kMaxGaussNodes] = {};

  DS_FUNCTION explicit operator bool() const { return n > 0 && n <= kMaxGaussNodes; }
};

}  // namespace darkscan::stats
