#include "interpret/exclusion.hpp"

#include <algorithm>
#include <cmath>

namespace darkscan::interpret {

std::vector<Excluded> excluded_where(const std::vector<double>& x, const std::vector<double>& predicted,
                                     const std::vector<double>& limit) {
  std::vector<Excluded> out;
  const std::size_t n = x.size();
  // d_i = log predicted_i − log limit_i, > 0 where excluded; NaN where there is no limit.
  std::vector<double> d(n), u(n), lp(n);
  for (std::size_t i = 0; i < n; ++i) {
    u[i] = std::log(x[i]);
    lp[i] = std::log(predicted[i]);
    d[i] = limit[i] > 0 ? lp[i] - std::log(limit[i]) : std::nan("");
  }
  // The crossing between grid points i − 1 and i: x and the prediction (= the limit) there.
  auto crossing = [&](std::size_t i, double& at, double& value) {
    const double t = d[i - 1] / (d[i - 1] - d[i]);
    at = std::exp(u[i - 1] + t * (u[i] - u[i - 1]));
    value = std::exp(lp[i - 1] + t * (lp[i] - lp[i - 1]));
  };
  bool inside = false;
  Excluded current;
  for (std::size_t i = 0; i < n; ++i) {
    const bool excluded = d[i] > 0;
    if (excluded && !inside) {
      inside = true;
      current = Excluded{};
      if (i == 0 || std::isnan(d[i - 1])) {  // the grid's end, or next to a point without a limit
        current.x_lo = x[i];
        current.predicted_lo_fb = predicted[i];
        current.limit_lo_fb = limit[i];
        current.open_lo = true;
      } else {
        crossing(i, current.x_lo, current.predicted_lo_fb);
        current.limit_lo_fb = current.predicted_lo_fb;
      }
    }
    if (inside && !excluded) {
      inside = false;
      if (std::isnan(d[i])) {
        current.x_hi = x[i - 1];
        current.predicted_hi_fb = predicted[i - 1];
        current.limit_hi_fb = limit[i - 1];
        current.open_hi = true;
      } else {
        crossing(i, current.x_hi, current.predicted_hi_fb);
        current.limit_hi_fb = current.predicted_hi_fb;
      }
      out.push_back(current);
    }
  }
  if (inside) {
    current.x_hi = x.back();
    current.predicted_hi_fb = predicted.back();
    current.limit_hi_fb = limit.back();
    current.open_hi = true;
    out.push_back(current);
  }
  return out;
}

std::vector<ExcludedInterval> excluded_ctau(const std::vector<double>& ctau, const std::vector<double>& limit,
                                            double predicted) {
  std::vector<ExcludedInterval> out;
  for (const auto& e : excluded_where(ctau, std::vector<double>(ctau.size(), predicted), limit))
    out.push_back({e.x_lo, e.x_hi, e.limit_lo_fb, e.limit_hi_fb, e.open_lo, e.open_hi});
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
