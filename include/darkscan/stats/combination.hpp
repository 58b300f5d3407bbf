#pragma once
// Combining final states (docs/physics/statistics.md and docs/physics/interpretation.md): the combined local p-value of
// several final states at one mass is the product of their p-values (the paper's
// prescription; it is not itself uniform under the background-only hypothesis, and the
// look-elsewhere toys calibrate it).
#include "darkscan/core/macros.hpp"

namespace darkscan::stats {

// Π p0[i] over the open channels; 1 for none. Underflows to 0 only below ~1e-308,
// where the significance is above 37σ.
DS_FUNCTION inline double combined_p0(const double* p0, int channels) {
  double product = 1.0;
  for (int i = 0; i < channels; ++i) product *= p0[i];
  return product;
}

}  // namespace darkscan::stats
