#include "generator/signal_process_builder.hpp"

#include <cmath>
#include <vector>

#include "errors.hpp"
#include "physics/dark_sector_integrals.hpp"

namespace darkscan::generator {

SignalPoint model_point(const config::ModelConfig& m) {
  SignalPoint p;
  p.dark.m_chi1 = m.m_chi1_gev;
  p.dark.delta_m = m.delta_m_gev;
  p.dark.m_ap = m.m_ap_gev;
  p.dark.alpha_d = m.alpha_d;
  p.dark.epsilon = m.epsilon;
  p.ctau_chi2_cm = m.ctau_chi2_cm;
  return p;
}

InverseCdf tabulate_inverse_cdf(const std::function<double(double)>& density, double lo, double hi) {
  // Trapezoid CDF on 2^14 intervals: the tabulated quantiles are then exact to far
  // below the spacing of the 128 quantile steps.
  constexpr int kGrid = 1 << 14;
  std::vector<double> x(kGrid + 1), cdf(kGrid + 1, 0.0);
  double previous = 0;
  for (int i = 0; i <= kGrid; ++i) {
    x[i] = lo + (hi - lo) * i / kGrid;
    const double f = std::fmax(0.0, density(x[i]));
    if (i > 0) cdf[i] = cdf[i - 1] + 0.5 * (f + previous) * (x[i] - x[i - 1]);
    previous = f;
  }
  InverseCdf table;
  const double total = cdf[kGrid];
  int j = 0;
  for (int k = 0; k < InverseCdf::kKnots; ++k) {
    const double target = total * k / (InverseCdf::kKnots - 1);
    while (j < kGrid - 1 && cdf[j + 1] < target) ++j;
    const double span = cdf[j + 1] - cdf[j];
    const double t = span > 0 ? std::fmin(1.0, std::fmax(0.0, (target - cdf[j]) / span)) : 0.0;
    table.x[k] = x[j] + t * (x[j + 1] - x[j]);
  }
  table.x[0] = lo;
  table.x[InverseCdf::kKnots - 1] = hi;
  return table;
}

SignalProcess make_signal_process(const SignalPoint& point, const Collision& collision, const std::string& where) {
  const auto& d = point.dark;
  if (!d) throw_input_error("{}: the dark-sector point needs positive masses, splitting and couplings", where);
  const double mx = species_mass(final_state_species(point.final_state));
  if (!(point.m_hp > 2 * mx))
    throw_input_error("{}: m_hp = {} GeV is below the {} threshold 2 m = {:.4f} GeV", where, point.m_hp,
                      final_state_name(point.final_state), 2 * mx);
  if (!(point.ctau_hp_cm > 0)) throw_input_error("{}: ctau_hp_cm must be positive", where);
  if (!(point.m_hp + d.m_chi1 + d.m_chi2() < collision.sqrt_s))
    throw_input_error("{}: m_hp + m_chi1 + m_chi2 = {} GeV is above sqrt(s) = {:.3f} GeV", where,
                      point.m_hp + d.m_chi1 + d.m_chi2(), collision.sqrt_s);
  const double me = species_mass(electron);
  if (!(d.delta_m > 2 * me))
    throw_input_error("{}: delta_m = {} GeV leaves no room for chi2 -> chi1 e+e-", where, d.delta_m);
  if (!(d.delta_m < d.m_ap))
    throw_input_error("{}: delta_m = {} GeV must be below m_ap = {} GeV (chi2 decays through an off-shell A')", where,
                      d.delta_m, d.m_ap);

  SignalProcess m;
  m.collision = collision;
  m.final_state = point.final_state;
  m.m_hp = point.m_hp;
  m.ctau_hp_cm = point.ctau_hp_cm;
  m.m_chi1 = d.m_chi1;
  m.m_chi2 = d.m_chi2();
  m.m_ap = d.m_ap;
  m.ctau_chi2_cm = point.ctau_chi2_cm > 0 ? point.ctau_chi2_cm : physics::chi2_ctau_cm(d);
  const double s = collision.sqrt_s * collision.sqrt_s;
  m.ap_on_shell = d.m_chi1 + d.m_chi2() < d.m_ap && d.m_ap < collision.sqrt_s - point.m_hp;
  if (!m.ap_on_shell) {
    // Virtual A' mass μ: dσ/dμ = 2μ dσ/dμ² over the open range.
    m.ap_mass = tabulate_inverse_cdf(
        [&](double mu) { return 2 * mu * physics::dsigma_prod_dmu2_fb(s, mu * mu, point.m_hp, d); },
        d.m_chi1 + d.m_chi2(), collision.sqrt_s - point.m_hp);
  }
  // M(e+e-) = q: dΓ/dq = 2q dΓ/dq².
  m.ee_mass = tabulate_inverse_cdf([&](double q) { return 2 * q * physics::chi2_dgamma_dq2_leptons(q * q, d, me); },
                                   2 * me, d.delta_m);
  return m;
}

double signal_cross_section_fb(const SignalPoint& point, const Collision& collision) {
  return physics::production_cross_section_fb(point.dark, point.m_hp, collision.sqrt_s);
}

}  // namespace darkscan::generator
