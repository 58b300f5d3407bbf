#include "physics/dark_sector_integrals.hpp"

#include <boost/math/quadrature/tanh_sinh.hpp>
#include <cmath>
#include <limits>

#include "errors.hpp"

namespace darkscan::physics {

namespace {

void check_point(const DarkSectorPoint& p, const char* what) {
  if (!p) {
    throw_input_error(
        "{}: unphysical dark-sector point (m_chi1 {}, delta_m {}, m_ap {}, alpha_d {}, epsilon {}, q_phi {}): "
        "all must be positive",
        what, p.m_chi1, p.delta_m, p.m_ap, p.alpha_d, p.epsilon, p.q_phi);
  }
}

void check_chi2_point(const DarkSectorPoint& p, const char* what) {
  check_point(p, what);
  if (!(p.delta_m < p.m_ap)) {
    throw_input_error("{}: delta_m {} GeV is not below m_ap {} GeV; the chi2 width of docs/physics/dark-sector.md "
                      "holds only through an off-shell A'",
                      what, p.delta_m, p.m_ap);
  }
}

// ∫ f over (lo, hi) by tanh-sinh; 0 for an empty range.
template <class F>
double integrate(F f, double lo, double hi) {
  if (!(hi > lo)) return 0.0;
  // One integrator a thread: its constructor tabulates the abscissas and weights, which
  // cost more than an integral (the interpretation calls this for every mass and point);
  // reusing them gives the same nodes, hence the same result.
  thread_local boost::math::quadrature::tanh_sinh<double> integrator;
  // On (−1, 1) with the distance to the nearest end, xc (−1 − x on the left, 1 − x on the
  // right), mapped onto [lo, hi] here: Boost 1.74's finite-interval form drops an `else`
  // and places left-hand nodes at mid + d·x, which can round onto lo (an assertion in
  // debug builds); measured from the end, a node rounds at worst onto the end itself,
  // where every integrand here vanishes.
  const double d = 0.5 * (hi - lo), mid = 0.5 * (hi + lo);
  auto mapped = [&](double x, double xc) {
    if (x < -0.5) return f(lo - d * xc);
    if (x > 0.5) return f(hi - d * xc);
    return f(mid + d * x);
  };
  return d * integrator.integrate(mapped, kDarkSectorQuadratureTolerance);
}

double lepton_width(const DarkSectorPoint& p, double m_lepton) {
  return integrate([&](double q2) { return chi2_dgamma_dq2_leptons(q2, p, m_lepton); }, 4.0 * m_lepton * m_lepton,
                   p.delta_m * p.delta_m);
}

}  // namespace

double chi2_width_ee(const DarkSectorPoint& p) {
  check_chi2_point(p, "chi2_width_ee");
  return lepton_width(p, kElectronMass);
}

double chi2_width_mumu(const DarkSectorPoint& p) {
  check_chi2_point(p, "chi2_width_mumu");
  return lepton_width(p, kMuonMass);
}

double chi2_width_pipi(const DarkSectorPoint& p) {
  check_chi2_point(p, "chi2_width_pipi");
  return integrate([&](double q2) { return chi2_dgamma_dq2_pions(q2, p); },
                   4.0 * kChargedPionMass * kChargedPionMass, p.delta_m * p.delta_m);
}

double chi2_width_total(const DarkSectorPoint& p) {
  return chi2_width_ee(p) + chi2_width_mumu(p) + chi2_width_pipi(p);
}

double chi2_ctau_cm(const DarkSectorPoint& p) {
  const double total = chi2_width_total(p);
  if (!(total > 0.0)) return std::numeric_limits<double>::infinity();  // below the e+e- threshold: stable
  return kHbarCGeVCm / total;
}

double production_cross_section_fb(const DarkSectorPoint& p, double m_hp, double sqrt_s) {
  check_point(p, "production_cross_section_fb");
  if (!(m_hp >= 0.0) || !(sqrt_s > 0.0) || !std::isfinite(m_hp) || !std::isfinite(sqrt_s)) {
    throw_input_error("production_cross_section_fb: m_hp {} GeV and sqrt_s {} GeV must be finite, m_hp >= 0 "
                      "and sqrt_s > 0",
                      m_hp, sqrt_s);
  }
  const double m_sum = p.m_chi1 + p.m_chi2();
  const double mu_max = sqrt_s - m_hp;
  if (!(m_sum < mu_max)) return 0.0;
  const double s = sqrt_s * sqrt_s;
  if (m_sum < p.m_ap && p.m_ap < mu_max) return sigma_hp_v_fb(s, p.m_ap, m_hp, p);  // on shell, B = 1
  return integrate([&](double mu2) { return dsigma_prod_dmu2_fb(s, mu2, m_hp, p); }, m_sum * m_sum, mu_max * mu_max);
}

}  // namespace darkscan::physics
