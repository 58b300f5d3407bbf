#include "interpret/exclusion.hpp"

#include <algorithm>
#include <cmath>

namespace darkscan::interpret {

std::vector<ExcludedInterval> excluded_ctau(const std::vector<double>& ctau, const std::vector<double>& limit,
                                            double predicted) {
  std::vector<ExcludedInterval> out;
  const double log_p = std::log(predicted);
  // d_i = log predicted − log limit_i, > 0 where excluded; NaN where there is no limit.
  std::vector<double> d(ctau.size()), u(ctau.size());
  for (std::size_t i = 0; i < ctau.size(); ++i) {
    u[i] = std::log(ctau[i]);
    d[i] = limit[i] > 0 ? log_p - std::log(limit[i]) : std::nan("");
  }
  bool inside = false;
  ExcludedInterval current;
  for (std::size_t i = 0; i < ctau.size(); ++i) {
    const bool excluded = d[i] > 0;
    if (excluded && !inside) {
      inside = true;
      current = ExcludedInterval{};
      if (i == 0 || std::isnan(d[i - 1])) {  // the grid's end, or next to a point without a limit
        current.ctau_lo_cm = ctau[i];
        current.limit_lo_fb = limit[i];
        current.open_lo = true;
      } else {  // the crossing between i − 1 and i
        const double t = d[i - 1] / (d[i - 1] - d[i]);
        current.ctau_lo_cm = std::exp(u[i - 1] + t * (u[i] - u[i - 1]));
        current.limit_lo_fb = predicted;
      }
    }
    if (inside && !excluded) {
      inside = false;
      if (std::isnan(d[i])) {
        current.ctau_hi_cm = ctau[i - 1];
        current.limit_hi_fb = limit[i - 1];
        current.open_hi = true;
      } else {
        const double t = d[i - 1] / (d[i - 1] - d[i]);
        current.ctau_hi_cm = std::exp(u[i - 1] + t * (u[i] - u[i - 1]));
        current.limit_hi_fb = predicted;
      }
      out.push_back(current);
    }
  }
  if (inside) {
    current.ctau_hi_cm = ctau.back();
    current.limit_hi_fb = limit.back();
    current.open_hi = true;
    out.push_back(current);
  }
  return out;
}

std::vector<SinThetaInterval> to_sin_theta(const std::vector<ExcludedInterval>& intervals, double ctau_hat_cm) {
  std::vector<SinThetaInterval> out;
  for (const auto& c : intervals)
    out.push_back({std::sqrt(ctau_hat_cm / c.ctau_hi_cm), std::sqrt(ctau_hat_cm / c.ctau_lo_cm), c});
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.lo < b.lo; });
  return out;
}

}  // namespace darkscan::interpret
