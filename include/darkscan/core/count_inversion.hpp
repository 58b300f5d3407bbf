#pragma once
// Drawing a count from a unimodal distribution by inversion over its outcomes ordered
// from the mode outwards (mode, mode + 1, mode − 1, mode + 2, ...): any fixed order of the
// outcomes inverts exactly, and this one needs O(sqrt(variance)) steps and never
// evaluates the far tails, which underflow for large counts. Only P(mode) needs a special
// function (computed by the caller, on the host where a GPU's would differ); the rest
// are the exact ratios of neighbouring probabilities.
#include <cstdint>

#include "darkscan/core/macros.hpp"

namespace darkscan {

// `u` uniform in (0, 1]; up(k) = P(k + 1) / P(k), down(k) = P(k − 1) / P(k).
template <class Up, class Down>
DS_FUNCTION inline std::int64_t invert_from_mode(double u, std::int64_t mode, double mode_probability, const Up& up,
                                                 const Down& down) {
  double sum = mode_probability;
  if (u <= sum) return mode;
  double p_up = mode_probability, p_down = mode_probability;
  std::int64_t k_up = mode, k_down = mode;
  for (;;) {
    p_up *= up(k_up);
    ++k_up;
    sum += p_up;
    if (u <= sum) return k_up;
    if (k_down > 0) {
      p_down *= down(k_down);
      --k_down;
      sum += p_down;
      if (u <= sum) return k_down;
    }
    if (p_up < 1e-300 && (k_down == 0 || p_down < 1e-300)) return k_up;  // u beyond the rounding of the total
  }
}

}  // namespace darkscan
