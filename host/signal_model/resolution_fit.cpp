#include "signal_model/resolution_fit.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <nlopt.hpp>
#include <vector>

namespace darkscan::signal_model {

namespace {

DoubleSidedCrystalBall from_vector(const std::vector<double>& p) {
  return {p[0], p[1], p[2], p[3], p[4], p[5]};
}

struct Likelihood {
  std::span<const double> x;
  double lo, hi;
  // −ln L: Σ −ln pdf(x_i), the normalisation once per evaluation.
  double operator()(const std::vector<double>& p) const {
    const auto cb = from_vector(p);
    const double norm = cb.integral(lo, hi);
    if (!(norm > 0) || !std::isfinite(norm)) return std::numeric_limits<double>::max();
    double s = 0;
    for (double v : x) s -= std::log(cb.shape(v));
    return s + static_cast<double>(x.size()) * std::log(norm);
  }
};

double quantile(std::vector<double> v, double q) {
  const auto k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

std::array<double, 2> fit_range(std::span<const double> masses) {
  std::vector<double> v(masses.begin(), masses.end());
  if (v.empty()) return {0, 0};
  const double median = quantile(v, 0.5);
  const double half = 0.5 * (quantile(v, 0.84) - quantile(v, 0.16));
  const double w = 12 * std::max(half, 1e-6);
  return {median - w, median + w};
}

CrystalBallFit fit_crystal_ball(std::span<const double> masses, double lo, double hi) {
  CrystalBallFit fit;
  fit.lo = lo;
  fit.hi = hi;
  std::vector<double> x;
  for (double m : masses)
    if (m >= lo && m <= hi) x.push_back(m);
  fit.events = x.size();
  fit.errors.fill(std::numeric_limits<double>::quiet_NaN());
  if (x.size() < 20) {
    fit.status = "too few events in the fit range (" + std::to_string(x.size()) + " < 20)";
    return fit;
  }
  // Start: the median and the half-width of the central 68 %.
  const double median = quantile(x, 0.5);
  const double width = std::max(0.5 * (quantile(x, 0.84) - quantile(x, 0.16)), (hi - lo) * 1e-4);
  std::vector<double> p = {median, width, 1.5, 5.0, 1.5, 5.0};
  const std::vector<double> lower = {lo, width * 0.05, 0.2, 1.05, 0.2, 1.05};
  const std::vector<double> upper = {hi, (hi - lo) / 2, 10.0, 100.0, 10.0, 100.0};

  const Likelihood nll{x, lo, hi};
  nlopt::opt opt(nlopt::LN_BOBYQA, CrystalBallFit::kParameters);
  opt.set_lower_bounds(lower);
  opt.set_upper_bounds(upper);
  opt.set_min_objective(
      [](const std::vector<double>& v, std::vector<double>&, void* data) {
        return (*static_cast<const Likelihood*>(data))(v);
      },
      const_cast<Likelihood*>(&nll));
  opt.set_xtol_rel(1e-10);
  opt.set_ftol_abs(1e-9);
  opt.set_maxeval(20000);
  double minimum = 0;
  try {
    fit.nlopt_status = static_cast<int>(opt.optimize(p, minimum));
  } catch (const std::exception& e) {
    fit.status = std::string("minimiser failed: ") + e.what();
    fit.shape = from_vector(p);
    return fit;
  }
  fit.shape = from_vector(p);
  fit.nll = minimum;

  // Hessian of −ln L by central differences over the parameters not at a bound (those are
  // fixed there, as MINUIT does), steps of 1 % of each parameter's scale.
  constexpr int k = CrystalBallFit::kParameters;
  std::vector<int> free;
  std::string at_bound;
  for (int i = 0; i < k; ++i) {
    const double span = upper[i] - lower[i];
    if (p[i] - lower[i] < 1e-6 * span || upper[i] - p[i] < 1e-6 * span)
      at_bound += std::string(at_bound.empty() ? "" : ", ") + CrystalBallFit::kNames[i];
    else
      free.push_back(i);
  }
  const std::array<double, k> step = {0.01 * p[1], 0.01 * p[1], 0.01, 0.01 * p[3], 0.01, 0.01 * p[5]};
  auto at = [&](int i, double di, int j, double dj) {
    std::vector<double> q = p;
    q[i] += di;
    q[j] += dj;
    return nll(q);
  };
  const auto m = static_cast<Eigen::Index>(free.size());
  Eigen::MatrixXd h(m, m);
  for (Eigen::Index a = 0; a < m; ++a)
    for (Eigen::Index b = a; b < m; ++b) {
      const int i = free[static_cast<std::size_t>(a)], j = free[static_cast<std::size_t>(b)];
      const double si = step[static_cast<std::size_t>(i)], sj = step[static_cast<std::size_t>(j)];
      h(a, b) = h(b, a) =
          (at(i, si, j, sj) - at(i, si, j, -sj) - at(i, -si, j, sj) + at(i, -si, j, -sj)) / (4 * si * sj);
    }
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(h);
  const bool positive = ldlt.info() == Eigen::Success && (ldlt.vectorD().array() > 0).all();
  if (positive) {
    const Eigen::MatrixXd cov = ldlt.solve(Eigen::MatrixXd::Identity(m, m));
    for (Eigen::Index a = 0; a < m; ++a)
      fit.errors[static_cast<std::size_t>(free[static_cast<std::size_t>(a)])] = std::sqrt(cov(a, a));
  }
  fit.converged = fit.nlopt_status > 0 && positive;
  if (!fit.converged)
    fit.status = positive ? "the minimiser stopped without converging"
                          : "the Hessian at the minimum is not positive definite";
  else
    fit.status = at_bound.empty() ? "ok" : "ok; at a bound (fixed there, no uncertainty): " + at_bound;
  return fit;
}

}  // namespace darkscan::signal_model
