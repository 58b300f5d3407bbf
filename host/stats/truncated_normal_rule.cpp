#include "stats/truncated_normal_rule.hpp"

#include <Eigen/Eigenvalues>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <vector>

namespace darkscan::stats {

namespace {

// Nodes and weights of the Jacobi matrix with diagonal alpha and squared off-diagonal
// beta[1..n-1]; mass is the measure's total mass (beta_0).
GaussRule golub_welsch(const std::vector<double>& alpha, const std::vector<double>& beta, double mass) {
  const int n = static_cast<int>(alpha.size());
  Eigen::VectorXd diagonal(n);
  Eigen::VectorXd off(n > 1 ? n - 1 : 1);
  for (int i = 0; i < n; ++i) diagonal[i] = alpha[i];
  for (int i = 1; i < n; ++i) off[i - 1] = std::sqrt(beta[i]);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver;
  solver.computeFromTridiagonal(diagonal, off.head(n - 1), Eigen::ComputeEigenvectors);
  if (solver.info() != Eigen::Success) throw std::runtime_error("Golub–Welsch: eigen-decomposition failed");
  GaussRule rule;
  rule.n = n;
  for (int i = 0; i < n; ++i) {
    rule.x[i] = solver.eigenvalues()[i];
    const double v = solver.eigenvectors()(0, i);
    rule.w[i] = mass * v * v;
  }
  return rule;
}

}  // namespace

GaussRule gauss_legendre_rule(int n) {
  if (n < 1 || n > kMaxGaussNodes) throw std::invalid_argument("gauss_legendre_rule: bad order");
  // Legendre recurrence: alpha_k = 0, beta_k = k² / (4k² − 1), mass 2.
  std::vector<double> alpha(n, 0.0), beta(n, 0.0);
  for (int k = 1; k < n; ++k) beta[k] = static_cast<double>(k) * k / (4.0 * k * k - 1.0);
  return golub_welsch(alpha, beta, 2.0);
}

GaussRule truncated_normal_rule(int n, double lo, double hi) {
  if (n < 1 || n > kMaxGaussNodes) throw std::invalid_argument("truncated_normal_rule: bad order");
  if (!(lo < hi)) throw std::invalid_argument("truncated_normal_rule: empty interval");

  // Discretise the density: 40 panels of 24-point Gauss–Legendre resolve φ times any
  // polynomial of degree below 2·kMaxGaussNodes to rounding on an interval of length 10.
  constexpr int kPanels = 40;
  const GaussRule legendre = gauss_legendre_rule(24);
  std::vector<double> t, v;
  const double width = (hi - lo) / kPanels;
  double mass = 0.0;
  for (int p = 0; p < kPanels; ++p) {
    const double mid = lo + (p + 0.5) * width;
    for (int i = 0; i < legendre.n; ++i) {
      const double x = mid + 0.5 * width * legendre.x[i];
      const double w = 0.5 * width * legendre.w[i] * std::exp(-0.5 * x * x) / std::sqrt(2.0 * std::numbers::pi);
      t.push_back(x);
      v.push_back(w);
      mass += w;
    }
  }
  for (double& w : v) w /= mass;  // a probability measure

  // Stieltjes: run the monic three-term recurrence over the discrete points.
  const std::size_t points = t.size();
  std::vector<double> p_prev(points, 0.0), p_cur(points, 1.0), p_next(points);
  std::vector<double> alpha(n), beta(n);
  double norm_prev = 1.0;
  for (int k = 0; k < n; ++k) {
    double norm = 0.0, moment = 0.0;
    for (std::size_t i = 0; i < points; ++i) {
      norm += v[i] * p_cur[i] * p_cur[i];
      moment += v[i] * t[i] * p_cur[i] * p_cur[i];
    }
    alpha[k] = moment / norm;
    beta[k] = k == 0 ? 1.0 : norm / norm_prev;
    for (std::size_t i = 0; i < points; ++i)
      p_next[i] = (t[i] - alpha[k]) * p_cur[i] - (k == 0 ? 0.0 : beta[k] * p_prev[i]);
    p_prev.swap(p_cur);
    p_cur.swap(p_next);
    norm_prev = norm;
  }
  return golub_welsch(alpha, beta, 1.0);
}

}  // namespace darkscan::stats
