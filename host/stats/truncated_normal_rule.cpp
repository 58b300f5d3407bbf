#include "stats/truncated_normal_rule.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <numbers>
#include <stdexcept>
#include <tuple>
#include <vector>

namespace darkscan::stats {

namespace {

// Nodes and weights of the Jacobi matrix with diagonal alpha[0..n-1] and squared
// off-diagonal beta[1..n-1]; mass is the measure's total mass (beta_0). The nodes are
// its eigenvalues (Eigen, O(n²) without eigenvectors); each weight is the Christoffel
// number mass / Σ_k p_k(x)², p_k the orthonormal polynomials of the same recurrence,
// equal to Golub and Welsch's mass·v_0² (v the normalised eigenvector) at O(n) a node
// instead of the O(n³) of the eigenvectors.
GaussRule golub_welsch(const double* alpha, const double* beta, int n, double mass) {
  Eigen::VectorXd diagonal(n);
  Eigen::VectorXd off(n > 1 ? n - 1 : 1);
  for (int i = 0; i < n; ++i) diagonal[i] = alpha[i];
  for (int i = 1; i < n; ++i) off[i - 1] = std::sqrt(beta[i]);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver;
  solver.computeFromTridiagonal(diagonal, off.head(n - 1), Eigen::EigenvaluesOnly);
  if (solver.info() != Eigen::Success) throw std::runtime_error("Golub–Welsch: eigen-decomposition failed");
  GaussRule rule;
  rule.n = n;
  for (int i = 0; i < n; ++i) {
    const double x = solver.eigenvalues()[i];
    double prev = 0.0, cur = 1.0, sum = 1.0;  // p_0 = 1 for a probability measure
    for (int k = 0; k + 1 < n; ++k) {
      const double next = ((x - alpha[k]) * cur - (k == 0 ? 0.0 : off[k - 1] * prev)) / off[k];
      prev = cur;
      cur = next;
      sum += cur * cur;
    }
    rule.x[i] = x;
    rule.w[i] = mass / sum;
  }
  return rule;
}

// Panels of the discretised density for a rule of n nodes. 40 panels of 24-point
// Gauss–Legendre resolve φ times any polynomial of degree below 128 (n <= 64) to rounding
// on an interval of length 10. The p_k² of the larger orders (the top of the shape
// ladder, stats_plan.cpp) oscillate too fast near the ends for them: the 128-node rule
// missed the Chebyshev moments by up to 4e-6 (tests/stats/truncated_normal_rule_test.cpp)
// and its nodes moved by 4e-7 against 320 panels. 80 panels resolve every order up to
// 128 (moments to 7e-14, nodes as from 320 panels to 2e-14). A function of n alone, so
// that a rule's bits never depend on the orders built with it, and the rules of up to
// 64 nodes are those of before.
int recurrence_panels(int n) { return n <= 64 ? 40 : 80; }

// Recurrence coefficients alpha[0..n-1], beta[0..n-1] of N(0, 1) truncated to [lo, hi],
// normalised to a probability measure, by the discretised Stieltjes procedure on
// `panels` panels.
void truncated_normal_recurrence(int n, double lo, double hi, int panels, std::vector<double>& alpha,
                                 std::vector<double>& beta) {
  static const GaussRule legendre = gauss_legendre_rule(24);
  std::vector<double> t, v;
  const double width = (hi - lo) / panels;
  double mass = 0.0;
  for (int p = 0; p < panels; ++p) {
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
  alpha.assign(n, 0.0);
  beta.assign(n, 0.0);
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
}

}  // namespace

GaussRule gauss_legendre_rule(int n) {
  if (n < 1 || n > kMaxGaussNodes) throw std::invalid_argument("gauss_legendre_rule: bad order");
  // Legendre recurrence: alpha_k = 0, beta_k = k² / (4k² − 1), mass 2 (normalised
  // polynomials of the probability measure dx/2).
  std::vector<double> alpha(n, 0.0), beta(n, 0.0);
  for (int k = 1; k < n; ++k) beta[k] = static_cast<double>(k) * k / (4.0 * k * k - 1.0);
  return golub_welsch(alpha.data(), beta.data(), n, 2.0);
}

GaussRule truncated_normal_rule(int n, double lo, double hi) { return truncated_normal_rules({&n, 1}, lo, hi)[0]; }

namespace {

// The rules made so far, keyed by (n, lo, hi); cleared rather than grown past a bound
// (about 16 MB) by a long process with ever new edges.
class RuleMemo {
 public:
  bool find(int n, double lo, double hi, GaussRule& out) {
    const std::lock_guard lock(mutex_);
    const auto it = rules_.find({n, lo, hi});
    if (it == rules_.end()) return false;
    out = it->second;
    return true;
  }
  void insert(int n, double lo, double hi, const GaussRule& rule) {
    const std::lock_guard lock(mutex_);
    if (rules_.size() >= kMaxRules) rules_.clear();
    rules_.emplace(Key{n, lo, hi}, rule);
  }

 private:
  static constexpr std::size_t kMaxRules = (16u << 20) / sizeof(GaussRule);
  using Key = std::tuple<int, double, double>;
  std::mutex mutex_;
  std::map<Key, GaussRule> rules_;
};

RuleMemo& memo() {
  static RuleMemo instance;
  return instance;
}

}  // namespace

std::vector<GaussRule> truncated_normal_rules(std::span<const int> orders, double lo, double hi) {
  int highest = 0;
  for (int n : orders) {
    if (n < 1 || n > kMaxGaussNodes) throw std::invalid_argument("truncated_normal_rule: bad order");
    highest = std::max(highest, n);
  }
  if (!(lo < hi)) throw std::invalid_argument("truncated_normal_rule: empty interval");
  std::vector<GaussRule> rules(orders.size());
  std::map<int, int> missing;  // panels -> the highest order not in the memo that needs them
  for (std::size_t i = 0; i < orders.size(); ++i)
    if (!memo().find(orders[i], lo, hi, rules[i])) {
      int& highest_missing = missing[recurrence_panels(orders[i])];
      highest_missing = std::max(highest_missing, orders[i]);
    }
  // One recurrence per resolution, shared by the orders that use it (its first n
  // coefficients do not depend on how far it runs).
  for (const auto& [panels, highest_missing] : missing) {
    std::vector<double> alpha, beta;
    truncated_normal_recurrence(highest_missing, lo, hi, panels, alpha, beta);
    for (std::size_t i = 0; i < orders.size(); ++i) {
      if (rules[i].n == orders[i] || recurrence_panels(orders[i]) != panels) continue;  // from the memo, or the other
      rules[i] = golub_welsch(alpha.data(), beta.data(), orders[i], 1.0);
      memo().insert(orders[i], lo, hi, rules[i]);
    }
  }
  return rules;
}

}  // namespace darkscan::stats
