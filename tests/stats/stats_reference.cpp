// Reference statistics of docs/physics/statistics.md by quadrature, in long double. The mu integral uses the closed
// form given in section 5 (regrouped as a negative binomial, see NegativeBinomial); x is integrated by adaptive
// Gauss-Kronrod, y and z by composite Gauss-Legendre, and s in closed form (incomplete gamma of integer order).
#include "stats/stats_reference.hpp"

#include <algorithm>
#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

namespace darkscan::reference {
namespace {

using Real = long double;

// Every nuisance is a standard normal truncated to +-5 sigma (section 5).
constexpr Real kSigmaRange = 5;

// The mu integral of section 5 with no signal (a = 0):
//   ∫dmu Pois(k; b mu) Pois(M; mu) = C(M+k, k) p^k q^(M+1),  p = b/(1+b), q = 1/(1+b),
// a negative binomial in k that sums to 1. With a signal a, Pois(N; a + b mu) = Σ_k Pois(N-k; a) Pois(k; b mu)
// (two independent Poisson counts), which regroups section 5's finite sum as Σ_k Pois(N-k; a) NB(k): the
// background enters only through NB(k) for k <= N, and the x integral needs doing once per k, not per s, y, z.
class NegativeBinomial {
 public:
  struct Logs {
    Real log_p;
    Real log_q;
  };

  NegativeBinomial(int n_sb, int k_max) : n_sb_(n_sb), log_binom_(static_cast<std::size_t>(k_max) + 1) {
    // log C(M+k, k) as a running sum of log(1 + M/i), good to ~k ulps, where lgamma(M+k+1) - lgamma(M+1) would
    // lose digits to cancellation.
    for (int k = 1; k <= k_max; ++k) {
      log_binom_[k] = log_binom_[k - 1] + std::log1p(static_cast<Real>(n_sb) / k);
    }
  }

  static Logs logs(Real b) {
    const Real log_q = -std::log1p(b);
    return {std::log(b) + log_q, log_q};
  }

  // In logs: NB(k) spans more than the long double range (q^(M+1) = 4.5^-10001 ~ 1e-6533 for M = 10^4, b = 3.5).
  // The exponent (M+1) log q carries ~M ulps, i.e. ~1e-15 relative for M = 10^4.
  Real log_pmf(int k, Logs l) const {
    return log_binom_[k] + (k == 0 ? 0 : k * l.log_p) + (static_cast<Real>(n_sb_) + 1) * l.log_q;
  }

  // P(k >= n) with full relative precision however small: 1 - head only where the head is at most 1/2, so that
  // the subtraction loses at most one bit; otherwise the tail summed term by term (section 5: never 1 - head for
  // a small p0).
  Real tail(int n, Real b) const {
    const Logs l = logs(b);
    Real head = 0;
    for (int k = 0; k < n; ++k) head += std::exp(log_pmf(k, l));
    if (head <= 0.5L) return 1 - head;
    const Real p = std::exp(l.log_p);
    Real term = std::exp(log_pmf(n, l));
    Real sum = 0;
    for (int k = n;; ++k) {
      sum += term;
      const Real ratio = p * (static_cast<Real>(n_sb_) + k + 1) / (k + 1);  // NB(k+1)/NB(k), decreasing in k
      term *= ratio;
      // The later ratios being smaller, the rest of the series is at most term / (1 - ratio).
      if (term == 0 || (ratio < 1 && term <= (1 - ratio) * sum * 1e-21L)) return sum;
    }
  }

 private:
  int n_sb_;
  std::vector<Real> log_binom_;
};

// Adaptive 61-point Gauss-Kronrod quadrature of `dim` non-negative integrands on common panels: the panel with the
// largest error estimate (|Kronrod - Gauss|, summed over the integrands) is bisected until the summed estimate is
// below tol times the summed integral. The Kronrod result is far more accurate than that estimate (it is the error
// of the 30-point Gauss rule). `breaks` is the initial partition, dense where the caller knows narrow features
// can be.
template <class F>  // f(x, out) writes the dim integrands at x to out[0], ..., out[dim - 1]
std::vector<Real> integrate_adaptive(const F& f, const std::vector<Real>& breaks, std::size_t dim, Real tol) {
  using Kronrod = boost::math::quadrature::gauss_kronrod<Real, 61>;
  using Gauss = boost::math::quadrature::gauss<Real, 30>;
  struct Panel {
    Real a;
    Real b;
    Real error;
    Real sum;  // of the integrals over the components
    std::vector<Real> value;
  };
  std::vector<Real> fx(dim);
  std::vector<Real> gauss(dim);
  const auto evaluate = [&](Real a, Real b) {
    Panel panel{a, b, 0, 0, std::vector<Real>(dim)};
    std::fill(gauss.begin(), gauss.end(), Real{0});
    const Real centre = (a + b) / 2;
    const Real half = (b - a) / 2;
    const auto& xk = Kronrod::abscissa();
    for (std::size_t i = 0; i < xk.size(); ++i) {
      for (const Real sign : {Real{1}, Real{-1}}) {
        if (i == 0 && sign < 0) break;  // the centre, once
        f(centre + sign * half * xk[i], fx.data());
        for (std::size_t d = 0; d < dim; ++d) {
          panel.value[d] += Kronrod::weights()[i] * fx[d];
          // The 30-point Gauss nodes are the odd-numbered Kronrod abscissae.
          if (i % 2 == 1) gauss[d] += Gauss::weights()[i / 2] * fx[d];
        }
      }
    }
    for (std::size_t d = 0; d < dim; ++d) {
      panel.value[d] *= half;
      panel.error += std::fabs(panel.value[d] - gauss[d] * half);
      panel.sum += panel.value[d];
    }
    // An estimate at the rounding level of the sums cannot be reduced by bisecting: the panel is done.
    if (panel.error <= 64 * std::numeric_limits<Real>::epsilon() * panel.sum) panel.error = 0;
    return panel;
  };
  const auto smaller_error = [](const Panel& l, const Panel& r) { return l.error < r.error; };

  std::vector<Panel> panels;
  Real error = 0;
  Real total = 0;
  const auto add = [&](Panel panel) {
    error += panel.error;
    total += panel.sum;
    panels.push_back(std::move(panel));
    std::push_heap(panels.begin(), panels.end(), smaller_error);
  };
  for (std::size_t i = 0; i + 1 < breaks.size(); ++i) add(evaluate(breaks[i], breaks[i + 1]));
  constexpr std::size_t kMaxPanels = 20000;
  while (error > tol * total) {
    if (panels.size() >= kMaxPanels) throw std::runtime_error("reference x quadrature did not converge");
    std::pop_heap(panels.begin(), panels.end(), smaller_error);
    const Panel worst = std::move(panels.back());
    panels.pop_back();
    error -= worst.error;
    total -= worst.sum;
    const Real mid = (worst.a + worst.b) / 2;
    add(evaluate(worst.a, mid));
    add(evaluate(mid, worst.b));
  }
  std::vector<Real> result(dim);
  for (const Panel& panel : panels) {
    for (std::size_t d = 0; d < dim; ++d) result[d] += panel.value[d];
  }
  return result;
}

// The x range of section 5: [-5, 5] and 1 + x delta > 0.
std::pair<Real, Real> x_range(Real delta) { return {std::max(-kSigmaRange, -1 / delta), kSigmaRange}; }

// Initial partition of the x range: panels_per_unit panels per unit of x, refined geometrically towards the lower
// end. There the background factor 1 + x delta is smallest and, with M/f up to 10^4, NB(k) varies on scales down
// to ~1e-4/delta in x (the factor (1+b)^-(M+1) falls like e^-(M/f) x delta); elsewhere its features are wider than
// ~0.05.
std::vector<Real> x_breaks(Real delta, int panels_per_unit) {
  const auto [lo, hi] = x_range(delta);
  std::vector<Real> breaks;
  for (Real x = lo; x < hi; x += Real{1} / panels_per_unit) breaks.push_back(x);
  for (int j = 1; j <= 40; ++j) breaks.push_back(lo + std::ldexp(hi - lo, -j));
  breaks.push_back(hi);
  std::sort(breaks.begin(), breaks.end());
  breaks.erase(std::unique(breaks.begin(), breaks.end()), breaks.end());
  return breaks;
}

Real background_factor(const Experiment& e, Real x) { return (1 + x * e.delta) / e.f; }

// W_k = ∫dx phi(x) NB(k; b(x)) for k = 0..n_obs, all scaled by one common factor that keeps them in range. The x
// prior is left unnormalised: every use of W is a ratio.
std::vector<Real> background_weights(const Experiment& e, const NegativeBinomial& nb, const Quadrature& q) {
  const auto dim = static_cast<std::size_t>(e.n_obs) + 1;
  std::vector<Real> w(dim);
  if (e.delta == 0) {
    const auto l = NegativeBinomial::logs(Real{1} / e.f);
    Real shift = -std::numeric_limits<Real>::infinity();
    for (int k = 0; k <= e.n_obs; ++k) shift = std::max(shift, nb.log_pmf(k, l));
    for (int k = 0; k <= e.n_obs; ++k) w[k] = std::exp(nb.log_pmf(k, l) - shift);
    return w;
  }
  const std::vector<Real> breaks = x_breaks(e.delta, q.x_panels_per_unit);
  const auto log_integrand = [&](Real x, int k) {
    return -x * x / 2 + nb.log_pmf(k, NegativeBinomial::logs(background_factor(e, x)));
  };
  // The common scale: the largest log integrand on a fine sample, so that no exp() overflows or wholly underflows.
  Real shift = -std::numeric_limits<Real>::infinity();
  for (std::size_t i = 0; i + 1 < breaks.size(); ++i) {
    for (int j = 0; j < 64; ++j) {
      const Real x = breaks[i] + (breaks[i + 1] - breaks[i]) * (j + 0.5L) / 64;
      for (int k = 0; k <= e.n_obs; ++k) shift = std::max(shift, log_integrand(x, k));
    }
  }
  const auto integrand = [&](Real x, Real* out) {
    const auto l = NegativeBinomial::logs(background_factor(e, x));
    for (int k = 0; k <= e.n_obs; ++k) out[k] = std::exp(-x * x / 2 + nb.log_pmf(k, l) - shift);
  };
  return integrate_adaptive(integrand, breaks, dim, q.x_tolerance);
}

// A nuisance acting through a factor g on the signal: nodes g_i and weights phi(y_i) dy_i of composite 20-point
// Gauss-Legendre over y in [-5, 5] (unnormalised: the limit is a ratio).
struct Node {
  Real g;
  Real weight;
};

std::vector<Node> factor_nodes(Real r, bool lognormal, int panels_per_unit) {
  if (r == 0) return {{1, 1}};
  const Real width = Real{1} / panels_per_unit;
  std::vector<Real> breaks{-kSigmaRange};
  Real y = -kSigmaRange;
  if (!lognormal) {
    // 1/g has a pole at y = -1/r, just below -5 when r approaches 0.2; panels no wider than their distance to
    // the pole keep it outside each panel's region of fast Gauss-Legendre convergence.
    while (y + 1 / r < width) {
      y += y + 1 / r;
      breaks.push_back(y);
    }
  }
  const auto n = static_cast<int>(std::ceil((kSigmaRange - y) / width));
  for (int i = 1; i <= n; ++i) breaks.push_back(y + (kSigmaRange - y) * i / n);

  using Legendre = boost::math::quadrature::gauss<Real, 20>;
  const Real log_scale = std::log1p(r);
  std::vector<Node> nodes;
  for (std::size_t i = 0; i + 1 < breaks.size(); ++i) {
    const Real centre = (breaks[i] + breaks[i + 1]) / 2;
    const Real half = (breaks[i + 1] - breaks[i]) / 2;
    for (std::size_t j = 0; j < Legendre::abscissa().size(); ++j) {
      for (const Real sign : {Real{1}, Real{-1}}) {
        const Real t = centre + sign * half * Legendre::abscissa()[j];
        const Real g = lognormal ? std::exp(t * log_scale) : 1 + t * r;
        nodes.push_back({g, half * Legendre::weights()[j] * std::exp(-t * t / 2)});
      }
    }
  }
  return nodes;
}

void check_counts(const Experiment& e) {
  if (e.n_obs < 0 || e.n_sb < 0 || !(e.f > 0) || !std::isfinite(e.f) || !(e.delta >= 0) || !std::isfinite(e.delta)) {
    throw std::invalid_argument("reference: need n_obs, n_sb >= 0, f > 0 and delta >= 0, all finite");
  }
}

}  // namespace

long double p0(const Experiment& e, const Quadrature& q) {
  check_counts(e);
  if (e.n_obs == 0) return 1;
  const NegativeBinomial nb(e.n_sb, e.n_obs);
  if (e.delta == 0) return nb.tail(e.n_obs, Real{1} / e.f);
  // p0 = ∫dx phi_T(x) P(n >= N | b(x)) with phi_T the normal density renormalised on the truncated range.
  const auto integrand = [&](Real x, Real* out) {
    *out = std::exp(-x * x / 2) * nb.tail(e.n_obs, background_factor(e, x));
  };
  const auto [lo, hi] = x_range(e.delta);
  const Real norm = std::sqrt(std::numbers::pi_v<Real> / 2) *
                    (std::erf(hi / std::numbers::sqrt2_v<Real>) - std::erf(lo / std::numbers::sqrt2_v<Real>));
  return integrate_adaptive(integrand, x_breaks(e.delta, q.x_panels_per_unit), 1, q.x_tolerance)[0] / norm;
}

namespace {

void check_limit_arguments(const Experiment& e, long double cl) {
  check_counts(e);
  if (!(cl > 0 && cl < 1)) throw std::invalid_argument("reference: cl must lie in (0, 1)");
  for (const double r : {e.eff_rel_unc, e.lumi_rel_unc}) {
    // Section 5: a Gaussian factor that can reach zero within 5 sigma makes the posterior improper.
    if (!(r >= 0) || !std::isfinite(r) || (!e.lognormal && r >= 0.2)) {
      throw std::invalid_argument("reference: relative uncertainties must be >= 0, and < 0.2 for Gaussian factors");
    }
  }
}

// The uniform-prior limit from the background weights W_k of background_weights().
Real uniform_limit(const Experiment& e, const std::vector<Real>& w, Real cl, const Quadrature& q) {
  const int n = e.n_obs;
  // With a uniform prior the posterior of s is Σ_k W_k E_g[Pois(n-k; s g)], E_g over y and z. Its mass above s is
  // Σ_k W_k E_g[Q(n-k+1, s g)/g] (∫_s^∞ Pois(j; t g) dt = Q(j+1, s g)/g), and Q(j+1, u) = e^-u Σ_{i<=j} u^i/i!
  // for integer j, so Σ_k W_k Q(n-k+1, u) = e^-u Σ_i coef_i u^i with coef_i = (W_0 + ... + W_{n-i})/i!. All terms
  // are positive: the upper tail keeps its relative precision, so the 1 - cl side is the one solved for.
  std::vector<Real> coef(static_cast<std::size_t>(n) + 1);
  Real cumulative = 0;
  for (int k = 0; k <= n; ++k) {
    cumulative += w[k];
    coef[n - k] = cumulative;
  }
  Real factorial = 1;
  for (int i = 1; i <= n; ++i) {
    factorial *= i;
    coef[i] /= factorial;
  }

  const std::vector<Node> eff = factor_nodes(e.eff_rel_unc, e.lognormal, q.yz_panels_per_unit);
  const std::vector<Node> lumi = factor_nodes(e.lumi_rel_unc, e.lognormal, q.yz_panels_per_unit);
  std::vector<Node> nodes;  // the product factor g over (y, z), weight phi(y) phi(z) dy dz / g
  nodes.reserve(eff.size() * lumi.size());
  for (const Node& y : eff) {
    for (const Node& z : lumi) {
      const Real g = y.g * z.g;
      nodes.push_back({g, y.weight * z.weight / g});
    }
  }
  const auto upper_mass = [&](Real s) {
    Real sum = 0;
    for (const Node& node : nodes) {
      const Real u = s * node.g;
      Real poly = coef[n];
      for (int i = n - 1; i >= 0; --i) poly = poly * u + coef[i];
      sum += node.weight * std::exp(-u) * poly;
    }
    return sum;
  };
  const Real target = (1 - cl) * upper_mass(0);
  const auto excess = [&](Real s) { return upper_mass(s) - target; };

  Real lo = 0;
  Real hi = n + 3;
  Real f_hi = excess(hi);
  while (f_hi > 0) {
    lo = hi;
    hi *= 2;
    f_hi = excess(hi);
  }
  constexpr std::uintmax_t kMaxIter = 200;
  std::uintmax_t iterations = kMaxIter;
  const auto [a, b] = boost::math::tools::toms748_solve(excess, lo, hi, excess(lo), f_hi,
                                                        boost::math::tools::eps_tolerance<Real>(56), iterations);
  if (iterations >= kMaxIter) throw std::runtime_error("reference upper limit: root finding did not converge");
  return (a + b) / 2;
}


// The Jeffreys-prior limit. With pi(s) = (s + bhat)^-1/2 the s integrals have no incomplete-gamma form; they are
// done by quadrature in v = sqrt(s + bhat) - sqrt(bhat), s = v (v + 2 sqrt(bhat)), where pi(s) ds = 2 dv: the
// integrand 2 L(s(v)) is smooth (analytic) in v down to v = 0 however small bhat is, so no endpoint singularity is
// left for the quadrature to resolve.

// The marginal likelihood of s, up to a constant factor: the same as the uniform limit integrates in closed form,
// L(s) = Σ_k W_k E_g[Pois(n-k; s g)] = Σ_nodes weight e^-u Σ_i c_i u^i, u = s g, c_i = W_{n-i}/i!, at one s. The
// weights are phi(y) phi(z) dy dz (not divided by g: this is a density in s, not its integral).
//
// Speed: each quadrature node in s needs the sum over up to 4e4 (y, z) nodes times n + 1 polynomial terms, so it
// runs in double where that is safe (n <= 100: no overflow of u^i/i! below the cut-off u, and all terms positive,
// so the sum keeps a relative precision ~1e-15), the nodes in blocks that the compiler can vectorise.
template <class T>
class SignalLikelihood {
 public:
  SignalLikelihood(const std::vector<Real>& w, const std::vector<Node>& nodes, T u_cut) : u_cut_(u_cut) {
    const int n = static_cast<int>(w.size()) - 1;
    coef_.resize(w.size());
    Real factorial = 1;
    for (int i = 0; i <= n; ++i) {
      if (i > 0) factorial *= i;
      const Real c = w[n - i] / factorial;
      // Terms of negligible W (against max W = 1) carry no mass where the posterior has any: c_i u^i e^-u <= W_{n-i};
      // flushed, they keep subnormals (slow) out of the loop. In double (n <= 100, i! < 1e158) c < 1e-290 means
      // W < 1e-132. In long double the test is on W itself: 1/i! alone falls below 1e-290 from i = 163, and
      // flushing by c dropped terms that carry the posterior (limits 1-2 % low for n_obs above ~160 with δ > 0).
      const bool negligible = std::is_same_v<T, double> ? c < 1e-290L : w[n - i] < 1e-290L;
      coef_[i] = negligible ? T{0} : static_cast<T>(c);
    }
    g_min_ = std::numeric_limits<Real>::infinity();
    for (const Node& node : nodes) {
      g_.push_back(static_cast<T>(node.g));
      weight_.push_back(static_cast<T>(node.weight));
      g_min_ = std::min(g_min_, node.g);
    }
    while (g_.size() % kBlock != 0) {  // padding: zero weight
      g_.push_back(1);
      weight_.push_back(0);
    }
  }

  Real operator()(Real s) const {
    // Pois(i; u) for i <= n is below e^-400 beyond the cut-off: nothing there carries any weight.
    if (!(s * g_min_ < u_cut_)) return 0;
    const auto n = static_cast<std::ptrdiff_t>(coef_.size()) - 1;
    Real sum = 0;
    for (std::size_t start = 0; start < g_.size(); start += kBlock) {
      T u[kBlock];
      T poly[kBlock];
      for (std::size_t j = 0; j < kBlock; ++j) {
        u[j] = static_cast<T>(s) * g_[start + j];
        poly[j] = coef_[n];
      }
      for (std::ptrdiff_t i = n - 1; i >= 0; --i) {
        for (std::size_t j = 0; j < kBlock; ++j) poly[j] = poly[j] * u[j] + coef_[i];
      }
      T block = 0;
      for (std::size_t j = 0; j < kBlock; ++j) {
        if (u[j] < u_cut_) block += weight_[start + j] * std::exp(-u[j]) * poly[j];
      }
      sum += block;
    }
    return sum;
  }

 private:
  static constexpr std::size_t kBlock = 64;
  T u_cut_;
  Real g_min_;
  std::vector<T> coef_;
  std::vector<T> g_;
  std::vector<T> weight_;
};

Real jeffreys_limit(const Experiment& e, const std::vector<Real>& w, Real cl, const Quadrature& q) {
  const int n = e.n_obs;
  std::vector<Node> nodes;  // the product factor g over (y, z), weight phi(y) phi(z) dy dz
  {
    const std::vector<Node> eff = factor_nodes(e.eff_rel_unc, e.lognormal, q.yz_panels_per_unit);
    const std::vector<Node> lumi = factor_nodes(e.lumi_rel_unc, e.lognormal, q.yz_panels_per_unit);
    nodes.reserve(eff.size() * lumi.size());
    for (const Node& y : eff) {
      for (const Node& z : lumi) nodes.push_back({y.g * z.g, y.weight * z.weight});
    }
  }
  // Double where u^i/i! (i <= n) cannot overflow below the cut-off 700, e^-700 u^n/n! < e^-400 there.
  const Real u_cut = n <= 100 ? 700 : 2 * static_cast<Real>(n) + 1100;
  std::function<Real(Real)> likelihood;
  if (n <= 100) {
    likelihood = SignalLikelihood<double>(w, nodes, static_cast<double>(u_cut));
  } else {
    likelihood = SignalLikelihood<Real>(w, nodes, u_cut);
  }
  Real g_min = std::numeric_limits<Real>::infinity();
  for (const Node& node : nodes) g_min = std::min(g_min, node.g);

  const Real bhat = (static_cast<Real>(e.n_sb) + 1) / e.f;
  const Real root_bhat = std::sqrt(bhat);
  const auto s_of = [&](Real v) { return v * (v + 2 * root_bhat); };
  const auto density = [&](Real v) { return 2 * likelihood(s_of(v)); };  // L(s) pi(s) ds/dv
  // ∫_a^b L pi ds for a <= b by adaptive 61-point Gauss-Kronrod in v, to tol times the integral.
  const auto integral = [&](Real a, Real b) {
    return integrate_adaptive([&](Real v, Real* out) { *out = density(v); }, {a, b}, 1, q.s_tolerance)[0];
  };
  // The same for the Newton steps below, mostly short: 15-point Gauss-Kronrod, bisected until |Kronrod - Gauss|
  // is below an absolute tolerance (halved with each bisection); a <= b or b < a.
  const std::function<Real(Real, Real, Real, int)> step_integral = [&](Real a, Real b, Real abs_tol, int depth) {
    using Kronrod = boost::math::quadrature::gauss_kronrod<Real, 15>;
    using Gauss = boost::math::quadrature::gauss<Real, 7>;
    const Real centre = (a + b) / 2;
    const Real half = (b - a) / 2;
    Real kronrod = 0;
    Real gauss = 0;
    for (std::size_t i = 0; i < Kronrod::abscissa().size(); ++i) {
      for (const Real sign : {Real{1}, Real{-1}}) {
        if (i == 0 && sign < 0) break;  // the centre, once
        const Real f = density(centre + sign * half * Kronrod::abscissa()[i]);
        kronrod += Kronrod::weights()[i] * f;
        // The 7-point Gauss nodes are the even-numbered Kronrod abscissae, the centre included.
        if (i % 2 == 0) gauss += Gauss::weights()[i / 2] * f;
      }
    }
    if (std::fabs(half * (kronrod - gauss)) <= abs_tol) return half * kronrod;
    if (depth == 40) throw std::runtime_error("reference Jeffreys upper limit: s quadrature did not converge");
    return step_integral(a, centre, abs_tol / 2, depth + 1) + step_integral(centre, b, abs_tol / 2, depth + 1);
  };

  // Start at the uniform-prior limit (only a starting point: the result is the root below, to within its tolerance).
  const Real start = uniform_limit(e, w, cl, q);
  Real v = start / (std::sqrt(start + bhat) + root_bhat);
  const Real below = integral(0, v);
  // The mass above v: L vanishes (exactly, at the cut-off) beyond s g_min = u_cut. Geometric panels from v to there,
  // as the posterior can have a long tail (log-normal factors down to g ~ 2^-10), adaptively bisected.
  const Real v_end = u_cut / g_min / (std::sqrt(u_cut / g_min + bhat) + root_bhat);
  std::vector<Real> tail_breaks{v};
  while (2 * tail_breaks.back() < v_end) tail_breaks.push_back(2 * tail_breaks.back());
  tail_breaks.push_back(std::max(v_end, v));
  const Real above =
      integrate_adaptive([&](Real x, Real* out) { *out = density(x); }, tail_breaks, 1, q.s_tolerance)[0];

  // Newton's method on F(v) = ∫_v^∞ L pi ds - (1 - cl) ∫_0^∞ L pi ds (decreasing, F' = -density), kept inside a
  // bracket; the mass above is carried from step to step by integrating over each step, so the upper tail keeps its
  // relative precision (the 1 - cl side is the one solved for, as in the uniform case).
  const Real target = (1 - cl) * (below + above);
  Real tail = above;
  Real lo = 0;
  Real hi = std::numeric_limits<Real>::infinity();
  for (int iteration = 0;; ++iteration) {
    if (iteration == 100) throw std::runtime_error("reference Jeffreys upper limit: root finding did not converge");
    const Real excess = tail - target;
    if (excess == 0) break;
    (excess > 0 ? lo : hi) = v;
    const Real newton = excess / density(v);
    // Quadratic convergence: after a step of 1e-11, v is exact to ~1e-21 relative (times a curvature factor). Such a
    // step is taken as it is, even where it leaves the bracket by rounding.
    const bool converged = std::fabs(newton) <= 1e-11L * v;
    Real next = v + newton;
    if (!converged && !(next > lo && next < hi)) next = std::isinf(hi) ? 2 * v + 1 : (lo + hi) / 2;
    tail -= step_integral(v, next, q.s_tolerance * (below + above), 0);
    v = next;
    if (converged) break;
  }
  return s_of(v);
}
}  // namespace

long double upper_limit_events(const Experiment& e, long double cl, const Quadrature& q) {
  check_limit_arguments(e, cl);
  const NegativeBinomial nb(e.n_sb, e.n_obs);
  return uniform_limit(e, background_weights(e, nb, q), cl, q);
}

long double upper_limit_events(const Experiment& e, long double cl, SignalPrior prior, const Quadrature& q) {
  if (prior == SignalPrior::uniform) return upper_limit_events(e, cl, q);
  check_limit_arguments(e, cl);
  const NegativeBinomial nb(e.n_sb, e.n_obs);
  return jeffreys_limit(e, background_weights(e, nb, q), cl, q);
}

long double p0(const Experiment& e) { return p0(e, Quadrature{}); }

long double upper_limit_events(const Experiment& e, long double cl) { return upper_limit_events(e, cl, Quadrature{}); }

long double upper_limit_events(const Experiment& e, long double cl, SignalPrior prior) {
  return upper_limit_events(e, cl, prior, Quadrature{});
}

}  // namespace darkscan::reference
