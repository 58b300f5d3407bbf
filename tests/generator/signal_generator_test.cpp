// The signal generator's physics: conservation, masses, the boost, the decay-length
// law, the production angle, the M(e+e-) and off-shell A' spectra, and the mass
// resolution of the reconstructed h' (docs/physics/signal-model.md: about 1 MeV for a light
// h', about 7 MeV near 3 GeV). Each against a value worked out here another way.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>
#include <vector>

#include "darkscan/generator/event_functor.hpp"
#include "darkscan/physics/dark_sector.hpp"
#include "generator/candidate_columns.hpp"
#include "generator/signal_process_builder.hpp"
#include "physics/dark_sector_integrals.hpp"

namespace darkscan::generator {
namespace {

using boost::math::quadrature::gauss_kronrod;

// The paper's figure-3 model point (docs/physics/interpretation.md).
SignalPoint figure3_point(int final_state, double m_hp, double ctau) {
  SignalPoint p;
  p.final_state = final_state;
  p.m_hp = m_hp;
  p.ctau_hp_cm = ctau;
  p.dark.m_chi1 = 2.5;
  p.dark.delta_m = 1.0;
  p.dark.m_ap = 7.5;
  p.dark.alpha_d = 0.1;
  p.dark.epsilon = 1.5e-3;
  return p;
}

// Kolmogorov–Smirnov distance of a sample from a CDF.
template <class Cdf>
double ks_distance(std::vector<double> x, Cdf cdf) {
  std::sort(x.begin(), x.end());
  double d = 0;
  const double n = static_cast<double>(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double f = cdf(x[i]);
    const double rank = static_cast<double>(i);
    d = std::max({d, std::fabs(f - rank / n), std::fabs((rank + 1) / n - f)});
  }
  return d;
}
// The 0.1 % critical KS distance for n draws: 1.95 / sqrt(n).
double ks_critical(std::size_t n) { return 1.95 / std::sqrt(static_cast<double>(n)); }

class SignalGenerator : public ::testing::Test {
 protected:
  Collision col = make_collision(7.0, 4.0);
  std::vector<TrueEvent> events(const SignalProcess& m, int n, std::uint64_t seed = 7) {
    std::vector<TrueEvent> out;
    for (int i = 0; i < n; ++i) {
      RandomStream rng({seed, 11}, static_cast<std::uint64_t>(i));
      out.push_back(generate_true_event(m, rng));
    }
    return out;
  }
};

TEST_F(SignalGenerator, CollisionIsBelleII) {
  // E = 11 GeV, pz = 3 GeV (electron mass negligible at 1e-8): sqrt(s) = sqrt(112),
  // βγ = pz / sqrt(s) = 0.2835 (docs/physics/model.md: 0.28).
  EXPECT_NEAR(col.sqrt_s, std::sqrt(112.0), 1e-6);
  const double beta = col.cm_velocity.z;
  EXPECT_NEAR(beta / std::sqrt(1 - beta * beta), 3.0 / std::sqrt(112.0), 1e-7);
}

TEST_F(SignalGenerator, FourMomentumIsConservedBeforeDetectorEffects) {
  const auto model = make_signal_process(figure3_point(1, 0.5, 1.0), col, "test");
  for (const auto& ev : events(model, 2000)) {
    const FourVector sum = ev.hp.track[0].p + ev.hp.track[1].p + ev.chi.track[0].p + ev.chi.track[1].p + ev.invisible;
    EXPECT_NEAR(sum.e, col.beams.e, 1e-9);
    EXPECT_NEAR(sum.p.x, col.beams.p.x, 1e-9);
    EXPECT_NEAR(sum.p.y, col.beams.p.y, 1e-9);
    EXPECT_NEAR(sum.p.z, col.beams.p.z, 1e-9);
    // Two chi1 escape: the invisible mass is at least 2 m(chi1).
    EXPECT_GE(ev.invisible.mass(), 2 * 2.5 - 1e-9);
  }
}

TEST_F(SignalGenerator, DaughterMassesAndChargesAreTheModels) {
  const auto model = make_signal_process(figure3_point(0, 0.75, 1.0), col, "test");
  const double me = 0.000510998950, mmu = 0.1056583755;
  for (const auto& ev : events(model, 1000)) {
    EXPECT_NEAR((ev.hp.track[0].p + ev.hp.track[1].p).mass(), 0.75, 1e-10);
    EXPECT_NEAR(ev.hp.track[0].p.mass(), mmu, 1e-9);
    EXPECT_EQ(ev.hp.track[0].species, muon);
    EXPECT_EQ(ev.hp.track[0].charge, 1);
    EXPECT_EQ(ev.hp.track[1].charge, -1);
    EXPECT_EQ(ev.chi.track[0].species, electron);
    const double mee = (ev.chi.track[0].p + ev.chi.track[1].p).mass();
    EXPECT_GT(mee, 2 * me);
    EXPECT_LT(mee, 1.0);  // below Δm
  }
}

TEST_F(SignalGenerator, HiggsEnergyInTheCmFrameIsTwoBody) {
  // On-shell A': E*(h') = (s + m_h'² − m_A'²) / (2 sqrt(s)).
  const auto model = make_signal_process(figure3_point(1, 0.5, 1.0), col, "test");
  ASSERT_TRUE(model.ap_on_shell);
  const double s = col.sqrt_s * col.sqrt_s;
  const double expected = (s + 0.25 - 7.5 * 7.5) / (2 * col.sqrt_s);
  for (const auto& ev : events(model, 200)) {
    const FourVector hp = ev.hp.track[0].p + ev.hp.track[1].p;
    EXPECT_NEAR(physics::boost(hp, col.cm_velocity * -1.0).e, expected, 1e-10);
  }
}

TEST_F(SignalGenerator, DecayLengthsFollowBetaGammaCtau) {
  const double ctau = 3.0;
  auto point = figure3_point(1, 1.2, ctau);
  point.ctau_chi2_cm = 0.5;
  const auto model = make_signal_process(point, col, "test");
  std::vector<double> proper_hp, proper_chi2;
  for (const auto& ev : events(model, 20000)) {
    // The vertex lies βγ cτ along the h' flight: |x − origin| = (p/m) ℓ.
    const FourVector hp = ev.hp.track[0].p + ev.hp.track[1].p;
    const double lab = (ev.hp.position - ev.origin).norm();
    ASSERT_NEAR(lab, hp.p.norm() / 1.2 * ev.hp_ctau, 1e-9 * (1 + lab));
    const Vec3 along = (ev.hp.position - ev.origin).unit();
    ASSERT_NEAR(along.dot(hp.p.unit()), 1.0, 1e-9);
    proper_hp.push_back(ev.hp_ctau);
    proper_chi2.push_back(ev.chi2_ctau);
  }
  EXPECT_LT(ks_distance(proper_hp, [&](double x) { return 1 - std::exp(-x / ctau); }), ks_critical(proper_hp.size()));
  EXPECT_LT(ks_distance(proper_chi2, [&](double x) { return 1 - std::exp(-x / 0.5); }),
            ks_critical(proper_chi2.size()));
}

TEST_F(SignalGenerator, ProductionAngleFollowsTheHiggsstrahlungLaw) {
  // dσ/dcosθ* ∝ λ sin²θ* + 8 r, r = m_A'²/s: <cos²θ*> = (4λ/15 + 16r/3) / (4λ/3 + 16r).
  // A light A' (1.5 GeV, chi1 0.5 and chi2 0.7 GeV): far from isotropy.
  auto point = figure3_point(1, 0.5, 1.0);
  point.dark.m_chi1 = 0.5;
  point.dark.delta_m = 0.2;
  point.dark.m_ap = 1.5;
  const auto model = make_signal_process(point, col, "test");
  ASSERT_TRUE(model.ap_on_shell);
  const double s = col.sqrt_s * col.sqrt_s, r = 1.5 * 1.5 / s;
  const double lam = (1 - r - 0.25 / s) * (1 - r - 0.25 / s) - 4 * r * 0.25 / s;
  const double expected = (4 * lam / 15 + 16 * r / 3) / (4 * lam / 3 + 16 * r);
  const auto evs = events(model, 40000);
  double sum = 0;
  for (const auto& ev : evs) {
    const FourVector hp = physics::boost(ev.hp.track[0].p + ev.hp.track[1].p, col.cm_velocity * -1.0);
    const double c = -hp.p.z / hp.p.norm();  // the A' flies opposite the h'
    sum += c * c;
  }
  const double mean = sum / static_cast<double>(evs.size());
  // Var(cos²) <= 1/4 / n: 4 standard deviations.
  EXPECT_NEAR(mean, expected, 4 * 0.5 / std::sqrt(static_cast<double>(evs.size())));
  EXPECT_GT(std::fabs(expected - 1.0 / 3), 0.01);  // distinguishable from isotropy
}

TEST_F(SignalGenerator, ElectronPairMassFollowsTheChi2Spectrum) {
  // <M(e+e-)> against ∫ q dΓ/dq ⁄ ∫ dΓ/dq by adaptive Gauss–Kronrod in q².
  const auto point = figure3_point(1, 0.5, 1.0);
  const auto model = make_signal_process(point, col, "test");
  const double me = 0.000510998950, lo = 4 * me * me, hi = point.dark.delta_m * point.dark.delta_m;
  auto f = [&](double q2) { return physics::chi2_dgamma_dq2_leptons(q2, point.dark, me); };
  const double norm = gauss_kronrod<double, 61>::integrate(f, lo, hi, 15, 1e-12);
  const double mean_q =
      gauss_kronrod<double, 61>::integrate([&](double q2) { return std::sqrt(q2) * f(q2); }, lo, hi, 15, 1e-12) / norm;
  const double mean_q2 =
      gauss_kronrod<double, 61>::integrate([&](double q2) { return q2 * f(q2); }, lo, hi, 15, 1e-12) / norm;
  const auto evs = events(model, 40000);
  double sum = 0;
  for (const auto& ev : evs) sum += (ev.chi.track[0].p + ev.chi.track[1].p).mass();
  const double sd = std::sqrt(mean_q2 - mean_q * mean_q);
  EXPECT_NEAR(sum / static_cast<double>(evs.size()), mean_q, 4 * sd / std::sqrt(static_cast<double>(evs.size())));
}

TEST_F(SignalGenerator, OffShellDarkPhotonMassFollowsTheProductionIntegrand) {
  // The off-shell example of docs/physics/dark-sector.md#sanity-values: m(chi1) = 3, Δm = 1.2, m(A') = 12 > sqrt(s) − m(h').
  SignalPoint p;
  p.final_state = 0;
  p.m_hp = 1.0;
  p.dark.m_chi1 = 3.0;
  p.dark.delta_m = 1.2;
  p.dark.m_ap = 12.0;
  p.dark.q_phi = 1.0;
  const auto model = make_signal_process(p, col, "test");
  ASSERT_FALSE(model.ap_on_shell);
  const double s = col.sqrt_s * col.sqrt_s, lo = 7.2 * 7.2, hi = (col.sqrt_s - 1.0) * (col.sqrt_s - 1.0);
  auto f = [&](double mu2) { return physics::dsigma_prod_dmu2_fb(s, mu2, 1.0, p.dark); };
  const double norm = gauss_kronrod<double, 61>::integrate(f, lo, hi, 15, 1e-12);
  const double mean_mu =
      gauss_kronrod<double, 61>::integrate([&](double m2) { return std::sqrt(m2) * f(m2); }, lo, hi, 15, 1e-12) / norm;
  const auto evs = events(model, 20000);
  double sum = 0;
  for (const auto& ev : evs) {
    const double mu = (ev.chi.track[0].p + ev.chi.track[1].p + ev.invisible).mass();  // the virtual A'
    ASSERT_GE(mu, 7.2 - 1e-9);
    ASSERT_LE(mu, col.sqrt_s - 1.0 + 1e-9);
    sum += mu;
  }
  // The spread is below the range's width / 2: a conservative 4σ.
  EXPECT_NEAR(sum / static_cast<double>(evs.size()), mean_mu, 4 * (std::sqrt(hi) - std::sqrt(lo)) / 2 / std::sqrt(20000.0));
}

// Half the central 68 % interval of the reconstructed minus the true mass.
double mass_resolution(const SignalProcess& model, int n) {
  std::vector<double> residual;
  const double mx = species_mass(final_state_species(model.final_state));
  for (int i = 0; i < n; ++i) {
    RandomStream rng({3, 5}, static_cast<std::uint64_t>(i));
    const TrueEvent ev = generate_true_event(model, rng);
    CandidateRow row;
    if (!reconstruct_event(ev, model.collision, rng, row)) continue;
    const Vec3 a{row.trk[0].px, row.trk[0].py, row.trk[0].pz}, b{row.trk[1].px, row.trk[1].py, row.trk[1].pz};
    residual.push_back(physics::pair_mass(a, mx, b, mx) - model.m_hp);
  }
  std::sort(residual.begin(), residual.end());
  return 0.5 * (residual[residual.size() * 84 / 100] - residual[residual.size() * 16 / 100]);
}

TEST_F(SignalGenerator, MassResolutionRisesFromAboutOneToAboutSevenMeV) {
  const double light = mass_resolution(make_signal_process(figure3_point(0, 0.25, 1.0), col, "test"), 20000);
  const double heavy = mass_resolution(make_signal_process(figure3_point(0, 2.9, 1.0), col, "test"), 20000);
  EXPECT_GT(light, 0.0005);
  EXPECT_LT(light, 0.0015);
  EXPECT_GT(heavy, 0.005);
  EXPECT_LT(heavy, 0.009);
}

TEST_F(SignalGenerator, EventsDependOnlyOnSeedSampleAndNumber) {
  const auto model = make_signal_process(figure3_point(1, 0.5, 1.0), col, "test");
  std::vector<CandidateRow> a(64), b(64), c(64);
  std::vector<std::uint8_t> va(64), vb(64), vc(64);
  // Events 0..31 in one call; the same events as two calls of 16 in reverse order.
  GenerateCandidates<SignalProcess> f{model, {42, 9}, 0, 0, 0.5, a.data(), va.data()};
  for (std::uint64_t i = 0; i < 32; ++i) f(i);
  for (int half : {1, 0}) {
    GenerateCandidates<SignalProcess> g{model, {42, 9}, 16u * half, 16 * half, 0.5, b.data() + 32 * half,
                                      vb.data() + 32 * half};
    for (std::uint64_t i = 16; i-- > 0;) g(i);
  }
  EXPECT_EQ(va, vb);
  auto kept = [](const std::vector<CandidateRow>& rows, const std::vector<std::uint8_t>& valid) {
    std::vector<CandidateRow> out;
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (valid[i]) out.push_back(rows[i]);
    return to_host_batch(out, "signal", 0);
  };
  const auto batch_a = kept(a, va), batch_b = kept(b, vb);
  ASSERT_GT(batch_a.rows, 10u);
  for (std::size_t k = 0; k < batch_a.columns.size(); ++k)
    EXPECT_EQ(batch_a.columns[k].bytes, batch_b.columns[k].bytes) << batch_a.columns[k].name;
  GenerateCandidates<SignalProcess> h{model, {43, 9}, 0, 0, 0.5, c.data(), vc.data()};
  for (std::uint64_t i = 0; i < 32; ++i) h(i);
  int differ = 0;
  for (int i = 0; i < 64; i += 2) differ += va[i] && vc[i] && a[i].trk[0].px != c[i].trk[0].px;
  EXPECT_GT(differ, 5);
}

}  // namespace
}  // namespace darkscan::generator
