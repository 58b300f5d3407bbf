#pragma once
// Where a predicted cross section exceeds the upper limit along the lifetime axis
// (docs/physics/interpretation.md), and those regions as intervals of sinθ.
//
// The limit is known on a grid of cτ(h') and interpolated linearly in (log cτ, log limit);
// the prediction σ_prod × B(chi2) does not depend on θ. So the excluded set in log cτ is a
// union of intervals whose inner edges are the exact crossings of the interpolated
// difference; an excluded region can be an island (several intervals). With
// cτ = cτ̂ / sin²θ (cτ̂ the lifetime at sinθ = 1) each maps onto an interval of sinθ.
#include <vector>

namespace darkscan::interpret {

// One excluded region along a positive axis x (cτ(h'), or ε for the y limit) where the
// prediction and the limit are both known on a grid and interpolated linearly in
// (log x, log value): the edges are the exact crossings of the interpolated log ratio.
struct Excluded {
  double x_lo = 0, x_hi = 0;
  double predicted_lo_fb = 0, predicted_hi_fb = 0;  // the prediction at the two edges
  double limit_lo_fb = 0, limit_hi_fb = 0;          // the limit there (= the prediction at a crossing)
  bool open_lo = false, open_hi = false;            // the edge is the grid's end or a point without a limit
};

// Intervals of x where predicted > limit; a NaN or non-positive limit (no limit there)
// breaks intervals and is never excluded. `x` increasing, positive; `predicted` positive.
std::vector<Excluded> excluded_where(const std::vector<double>& x, const std::vector<double>& predicted,
                                     const std::vector<double>& limit);

struct ExcludedInterval {
  double ctau_lo_cm = 0, ctau_hi_cm = 0;
  double limit_lo_fb = 0, limit_hi_fb = 0;  // the limit at the two edges (= the prediction at a crossing)
  bool open_lo = false, open_hi = false;    // the edge is the grid's end: exclusion may go on beyond
};

// Intervals of cτ where `predicted` > limit; limits NaN (no limit there) break intervals
// and are never excluded. `ctau` increasing, positive.
std::vector<ExcludedInterval> excluded_ctau(const std::vector<double>& ctau, const std::vector<double>& limit,
                                            double predicted);

struct SinThetaInterval {
  double lo = 0, hi = 0;  // sinθ
  ExcludedInterval ctau;  // the same interval in cτ (sinθ lo ↔ cτ hi)
};

// The cτ intervals as sinθ intervals, ascending, for cτ̂ = cτ at sinθ = 1.
std::vector<SinThetaInterval> to_sin_theta(const std::vector<ExcludedInterval>& intervals, double ctau_hat_cm);

}  // namespace darkscan::interpret
