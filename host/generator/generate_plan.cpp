#include "generator/generate_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/poisson.hpp>
#include <cmath>
#include <limits>

#include "errors.hpp"
#include "generator/cocktail.hpp"

namespace darkscan::generator {

namespace {

// A Poisson count of mean `mean`: the quantile (Boost.Math's, the inverse of the CDF) of
// a Philox uniform. Not lee::poisson_count, which inverts from the mode instead: the
// two orders of the outcomes give different counts for the same uniform, and each one
// fixes outputs already made (the data samples of generated files, the coverage toys).
std::uint64_t poisson_quantile(double mean, RandomKey key) {
  if (mean <= 0) return 0;
  const auto w = random_words(key, 0);
  const double u = std::fmin(uniform01(w[0], w[1]), 1.0 - std::numeric_limits<double>::epsilon());
  using namespace boost::math::policies;
  const boost::math::poisson_distribution<double, policy<discrete_quantile<integer_round_up>>> poisson(mean);
  return static_cast<std::uint64_t>(boost::math::quantile(poisson, u));
}

io::Attributes signal_attributes(const SignalPoint& p, const SignalProcess& m, double sigma_fb, std::uint64_t events,
                                 double luminosity_fb) {
  return {{"kind", std::string("signal")},
          {"final_state", std::string(final_state_name(p.final_state))},
          {"m_hp", p.m_hp},
          {"ctau_hp_cm", p.ctau_hp_cm},
          {"m_chi1", p.dark.m_chi1},
          {"delta_m", p.dark.delta_m},
          {"m_ap", p.dark.m_ap},
          {"alpha_d", p.dark.alpha_d},
          {"epsilon", p.dark.epsilon},
          {"ctau_chi2_cm", m.ctau_chi2_cm},
          {"ap_on_shell", static_cast<std::int64_t>(m.ap_on_shell)},
          {"cross_section_fb", sigma_fb},
          {"cross_section_note", std::string("sigma(e+e- -> h' chi1 chi2) at the model's epsilon (docs/physics/dark-sector.md), "
                                             "no branching fractions")},
          {"n_generated", static_cast<std::int64_t>(events)},
          {"luminosity_fb", luminosity_fb}};
}

// `suffix` tells apart samples that differ in more than the final state, m(h') and cτ(h').
SamplePlan signal_sample(const SignalPoint& p, const Collision& col, std::uint64_t seed, std::uint64_t events,
                         double luminosity_fb, const std::string& where, const std::string& suffix = "") {
  SamplePlan plan;
  plan.name =
      fmt::format("signal_{}_m{:.3f}_ctau{:g}{}", final_state_name(p.final_state), p.m_hp, p.ctau_hp_cm, suffix);
  plan.kind = "signal";
  const SignalProcess model = make_signal_process(p, col, where);
  plan.cross_section_fb = signal_cross_section_fb(p, col);
  plan.attributes = signal_attributes(p, model, plan.cross_section_fb, events, luminosity_fb);
  plan.parts.push_back({model, RandomKey{seed, sample_stream(plan.name)}, events, 0});
  return plan;
}

// The samples in the order they are written, before plan_samples checks them as a whole.
std::vector<SamplePlan> collect_samples(const GenerateRequest& req, const Collision& col,
                                        std::vector<std::string>& notes) {
  const auto& cfg = req.config;
  const auto& g = cfg.generate;
  std::vector<SamplePlan> plans;
  const std::string origin = cfg.source.empty() ? std::string("defaults") : cfg.source.string();

  if (!req.signal_points.empty()) {
    for (std::size_t i = 0; i < req.signal_points.size(); ++i)
      plans.push_back(signal_sample(req.signal_points[i], col, req.seed, req.events_per_point, req.luminosity_fb,
                                    "--signal-point",
                                    i < req.signal_point_suffixes.size() ? req.signal_point_suffixes[i] : ""));
    return plans;
  }

  // The signal grid: final state x m(h') x cτ(h') (x m(chi1), the model's mass ratios kept).
  if (g.signal_events > 0) {
    std::vector<double> chi1_masses = g.signal_m_chi1_gev;
    const bool restricted = !chi1_masses.empty() && !g.signal_m_chi1_at_m_hp_gev.empty();
    if (chi1_masses.empty() || (restricted && std::find(chi1_masses.begin(), chi1_masses.end(),
                                                        cfg.model.m_chi1_gev) == chi1_masses.end()))
      chi1_masses.push_back(cfg.model.m_chi1_gev);
    // With signal_m_chi1_at_m_hp_gev, the m(chi1) grid only at those m(h'); the [model]
    // m(chi1) at every m(h') (what the scan uses).
    auto wanted = [&](double m1, double m_hp) {
      if (!restricted || m1 == cfg.model.m_chi1_gev) return true;
      for (double at : g.signal_m_chi1_at_m_hp_gev)
        if (std::abs(at - m_hp) <= 1e-9 * std::max(1.0, at)) return true;
      return false;
    };
    for (double m1 : chi1_masses) {
      physics::DarkSectorPoint dark = model_point(cfg.model).dark;
      dark.m_chi1 = m1;
      dark.m_ap = cfg.model.m_ap_gev / cfg.model.m_chi1_gev * m1;
      dark.delta_m = cfg.model.delta_m_gev / cfg.model.m_chi1_gev * m1;
      for (const auto& fs : g.signal_final_states) {
        for (double m : g.signal_m_hp_gev) {
          if (!wanted(m1, m)) continue;
          const int state = final_state_from_name(fs);
          const double threshold = 2 * species_mass(final_state_species(state));
          if (!(m > threshold)) {
            // Said once, not once for each m(chi1) of the grid.
            auto note = fmt::format("signal grid: {} at m_hp = {} GeV skipped (below the threshold {:.3f} GeV)", fs,
                                    m, threshold);
            if (std::find(notes.begin(), notes.end(), note) == notes.end()) notes.push_back(std::move(note));
            continue;
          }
          if (!(m + dark.m_chi1 + dark.m_chi2() < col.sqrt_s)) {
            notes.push_back(fmt::format("signal grid: m_hp = {} GeV with m_chi1 = {} GeV skipped (above sqrt(s))", m,
                                        m1));
            continue;
          }
          for (double ctau : g.signal_ctau_cm) {
            SignalPoint p{state, m, ctau, dark, cfg.model.ctau_chi2_cm};
            plans.push_back(signal_sample(p, col, req.seed, g.signal_events, req.luminosity_fb,
                                          fmt::format("{}: [generate] signal grid", origin),
                                          g.signal_m_chi1_gev.empty() ? "" : fmt::format("_mchi1{:.3f}", m1)));
          }
        }
      }
    }
  }

  // One MC sample per background process.
  const auto& processes = background_processes();
  if (g.backgrounds) {
    for (int i = 0; i < kBackgroundProcesses; ++i) {
      const double sigma = g.xsec_fb[static_cast<std::size_t>(i)];
      const auto events = static_cast<std::uint64_t>(std::llround(g.background_mc_scale * sigma * req.luminosity_fb));
      if (events == 0) continue;
      SamplePlan plan;
      plan.name = fmt::format("bkg_{}", processes[static_cast<std::size_t>(i)].name);
      plan.kind = "background";
      plan.cross_section_fb = sigma;
      plan.attributes = {{"kind", std::string("background")},
                         {"process", std::string(processes[static_cast<std::size_t>(i)].description)},
                         {"cross_section_fb", sigma},
                         {"n_generated", static_cast<std::int64_t>(events)},
                         {"luminosity_fb", req.luminosity_fb}};
      plan.parts.push_back({background_model(i, col), RandomKey{req.seed, sample_stream(plan.name)}, events, 0});
      plans.push_back(std::move(plan));
    }
  }

  // Data: a Poisson realisation of every process at the luminosity, with their own
  // streams (data never repeats an MC event), and the injected signal.
  if (g.data) {
    SamplePlan plan;
    plan.name = "data";
    plan.kind = "data";
    plan.attributes = {{"kind", std::string("data")}, {"luminosity_fb", req.luminosity_fb}};
    std::int64_t number = 0;
    for (int i = 0; i < kBackgroundProcesses; ++i) {
      const std::string name = fmt::format("data/{}", processes[static_cast<std::size_t>(i)].name);
      const double mean = g.xsec_fb[static_cast<std::size_t>(i)] * req.luminosity_fb;
      const std::uint64_t n = poisson_quantile(mean, RandomKey{req.seed, sample_stream(name + "/count")});
      plan.parts.push_back({background_model(i, col), RandomKey{req.seed, sample_stream(name)}, n, number});
      number += static_cast<std::int64_t>(n);
    }
    if (g.inject_sigma_fb > 0) {
      SignalPoint p = model_point(cfg.model);
      p.final_state = final_state_from_name(g.inject_final_state);
      p.m_hp = g.inject_m_hp_gev;
      p.ctau_hp_cm = g.inject_ctau_cm;
      const SignalProcess model = make_signal_process(p, col, fmt::format("{}: [generate] inject_*", origin));
      const std::uint64_t n =
          poisson_quantile(g.inject_sigma_fb * req.luminosity_fb, RandomKey{req.seed, sample_stream("data/signal/count")});
      plan.parts.push_back({model, RandomKey{req.seed, sample_stream("data/signal")}, n, number});
      plan.attributes.emplace_back("injected_final_state", g.inject_final_state);
      plan.attributes.emplace_back("injected_m_hp", g.inject_m_hp_gev);
      plan.attributes.emplace_back("injected_ctau_hp_cm", g.inject_ctau_cm);
      plan.attributes.emplace_back("injected_sigma_fb", g.inject_sigma_fb);
      plan.attributes.emplace_back("injected_events_generated", static_cast<std::int64_t>(n));
    }
    plans.push_back(std::move(plan));
  }
  return plans;
}

}  // namespace

std::uint32_t sample_stream(std::string_view name) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : name) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

std::vector<SamplePlan> plan_samples(const GenerateRequest& req, const Collision& col,
                                     std::vector<std::string>& notes) {
  auto plans = collect_samples(req, col, notes);
  if (plans.empty()) throw_input_error("generate: nothing to generate (no signal points, backgrounds or data)");
  // Two points that differ only where the sample name does not look would collide.
  for (std::size_t i = 0; i < plans.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (plans[i].name == plans[j].name)
        throw_input_error("{}: two samples would be named '{}' (a value repeated in a grid, or signal points that "
                          "differ only in m_chi1, delta_m, m_ap, alpha_d, epsilon or ctau_chi2_cm: write those to "
                          "separate files, or scan m_chi1 with [generate] signal_m_chi1_gev)",
                          req.signal_points.empty() ? "[generate]" : "--signal-point", plans[i].name);
  return plans;
}

}  // namespace darkscan::generator
