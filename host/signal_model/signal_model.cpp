#include "signal_model/signal_model.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "errors.hpp"
#include "progress.hpp"
#include "selection/select_sample.hpp"
#include "selection/selection_params.hpp"

namespace darkscan::signal_model {

int final_state_attribute(const io::SampleInfo& s, const std::string& ctx) {
  const auto* v = s.attribute("final_state");
  const auto* text = v ? std::get_if<std::string>(v) : nullptr;
  const int k = text ? physics::final_state_from_name(*text) : -1;
  if (k < 0) throw_input_error("{}: attribute 'final_state' must be mumu, pipi or kk", ctx);
  return k;
}

namespace {

using physics::kFinalStateNames;

// Relative efficiency uncertainty of each cell, all sources in quadrature (ANALYSIS.md
// section 3; the lifetime-dependent PID scaled with the selected vertices' mean
// displacement), and whether the cell is trusted.
void add_uncertainties(const config::SignalModelConfig& sm, const std::vector<MapCell>& cells,
                       std::vector<double>& rel_unc, std::vector<std::uint8_t>& trusted) {
  for (const auto& cell : cells) {
    const double displaced = sm.pid_displaced_rel_unc * std::min(1.0, cell.mean_hp_dv / 100.0);
    const double mc = cell.efficiency > 0 ? cell.efficiency_unc / cell.efficiency : 0.0;
    const double rel = std::sqrt(sm.tracking_rel_unc * sm.tracking_rel_unc +
                                 sm.pid_electron_rel_unc * sm.pid_electron_rel_unc +
                                 sm.pid_hadron_rel_unc * sm.pid_hadron_rel_unc + displaced * displaced + mc * mc);
    rel_unc.push_back(cell.efficiency > 0 ? rel : std::numeric_limits<double>::quiet_NaN());
    trusted.push_back(cell.efficiency > 0 && cell.n_eff >= sm.min_n_eff ? 1 : 0);
  }
}

}  // namespace

SignalModel build_signal_model(Backend& backend, const io::EventFile& file, const config::Config& cfg,
                               Progress* progress) {
  const auto& sm = cfg.signal_model;
  SignalModel model;
  model.ctau_cm = log_grid(sm.ctau_range_cm.lo, sm.ctau_range_cm.hi, sm.ctau_points_per_decade);
  if (sm.ctau_chi2_points_per_decade > 0)
    model.ctau_chi2_cm = log_grid(sm.ctau_chi2_range_cm.lo, sm.ctau_chi2_range_cm.hi, sm.ctau_chi2_points_per_decade);

  // Group the signal samples into points.
  std::map<std::string, SignalPointModel> points;  // by a key of their parameters
  std::map<std::string, std::vector<const io::SampleInfo*>> members;
  for (const auto& s : file.samples()) {
    if (s.kind != "signal") continue;
    const std::string ctx = fmt::format("{}: sample '{}'", file.path(), s.name);
    const int fs = final_state_attribute(s, ctx);
    const double m_hp = s.number("m_hp", ctx);
    s.number("ctau_hp_cm", ctx);
    s.number("n_generated", ctx);
    std::string key = fmt::format("{} {:.17g}", fs, m_hp);
    io::Attributes attributes;
    for (const char* k : kDarkSectorKeys)
      if (const auto* v = s.attribute(k)) {
        attributes.emplace_back(k, *v);
        key += fmt::format(" {}={:.17g}", k, s.number(k, ctx));
      }
    auto& p = points[key];
    p.final_state = fs;
    p.m_hp = m_hp;
    p.attributes = attributes;
    members[key].push_back(&s);
  }
  if (points.empty()) throw_input_error("{}: no signal samples (kind = \"signal\")", file.path());

  const auto params = selection::params_from_config(cfg);
  std::map<std::string, int> per_mass;  // names of points sharing final state and mass
  for (auto& [key, p] : points) {
    const auto& samples = members[key];
    const std::string base = fmt::format("signal_{}_m{:.4f}", kFinalStateNames[p.final_state], p.m_hp);
    const int k = per_mass[base]++;
    p.name = k == 0 ? base : fmt::format("{}_{}", base, k);
    if (samples.size() > static_cast<std::size_t>(LifetimeMixture::kMaxComponents))
      throw_input_error("{}: point {} has {} samples; at most {} generated lifetimes combine", file.path(), p.name,
                        samples.size(), LifetimeMixture::kMaxComponents);
    std::vector<double> ell, mc_weight, hp_dv, ell_chi2;
    std::vector<std::int8_t> fs;
    double inverse_variance = 0, weighted_sigma = 0;
    for (const auto* s : samples) {
      const std::string ctx = fmt::format("{}: sample '{}'", file.path(), s->name);
      p.samples.push_back(s->name);
      const int c = p.generated.components++;
      p.generated.ctau0[c] = s->number("ctau_hp_cm", ctx);
      p.generated.n_generated[c] = s->number("n_generated", ctx);
      const auto sel = selection::select_sample(backend, file, *s, cfg.columns, params, cfg.collider.luminosity_fb,
                                                cfg.input.chunk_rows, progress);
      const auto truth = sel.selected.find("true_hp_ctau")->values<float>();
      const auto states = sel.selected.find("final_state")->values<std::int8_t>();
      const auto masses = sel.selected.find("mass")->values<double>();
      const auto weights = sel.selected.find("mc_weight")->values<float>();
      const auto dv = sel.selected.find("hp_dv")->values<double>();
      const auto truth_chi2 = sel.selected.find("true_chi2_ctau")->values<float>();
      ell_chi2.insert(ell_chi2.end(), truth_chi2.begin(), truth_chi2.end());
      if (!model.ctau_chi2_cm.empty()) p.ctau_chi2_0 = s->number("ctau_chi2_cm", ctx);
      const std::size_t first = ell.size();
      ell.insert(ell.end(), truth.begin(), truth.end());
      fs.insert(fs.end(), states.begin(), states.end());
      mc_weight.insert(mc_weight.end(), weights.begin(), weights.end());
      hp_dv.insert(hp_dv.end(), dv.begin(), dv.end());

      // The resolution: the sample's own final state.
      std::vector<double> own;
      for (std::size_t i = 0; i < masses.size(); ++i)
        if (states[i] == p.final_state) own.push_back(masses[i]);
      const auto range = fit_range(own);
      SampleModel r;
      r.sample = s->name;
      r.point = p.name;
      r.ctau0 = p.generated.ctau0[c];
      r.attributes = s->attributes;
      r.fit = fit_crystal_ball(own, range[0], range[1]);
      if (r.fit.converged && r.fit.errors[1] > 0) {
        const double w = 1 / (r.fit.errors[1] * r.fit.errors[1]);
        inverse_variance += w;
        weighted_sigma += w * r.fit.shape.sigma;
      }
      // The sample alone, reweighted from its own cτ0.
      LifetimeMixture alone;
      alone.components = 1;
      alone.ctau0[0] = p.generated.ctau0[c];
      alone.n_generated[0] = p.generated.n_generated[c];
      const std::size_t n_rows = ell.size() - first;
      const SelectedTruth mine{std::span(ell).subspan(first, n_rows), std::span(fs).subspan(first, n_rows),
                               std::span(mc_weight).subspan(first, n_rows), std::span(hp_dv).subspan(first, n_rows),
                               {}};
      r.cells = efficiency_map(mine, alone, model.ctau_cm, backend).cells[p.final_state];
      add_uncertainties(sm, r.cells, r.rel_unc, r.trusted);
      model.samples.push_back(std::move(r));
    }
    p.sigma = inverse_variance > 0 ? weighted_sigma / inverse_variance : std::numeric_limits<double>::quiet_NaN();
    p.sigma_unc = inverse_variance > 0 ? 1 / std::sqrt(inverse_variance) : std::numeric_limits<double>::quiet_NaN();
    const SelectedTruth truth{ell, fs, mc_weight, hp_dv, ell_chi2};
    p.map = efficiency_map(truth, p.generated, model.ctau_cm, backend);
    if (!model.ctau_chi2_cm.empty()) {
      p.chi2_map = efficiency_map_chi2(truth, p.final_state, p.generated, p.ctau_chi2_0, model.ctau_cm,
                                       model.ctau_chi2_cm, backend);
      for (const auto& c : p.chi2_map) p.chi2_trusted.push_back(c.efficiency > 0 && c.n_eff >= sm.min_n_eff);
    }

    add_uncertainties(sm, p.map.cells[p.final_state], p.rel_unc, p.trusted);
    model.points.push_back(p);
  }
  std::sort(model.points.begin(), model.points.end(), [](const auto& a, const auto& b) {
    return a.final_state != b.final_state ? a.final_state < b.final_state : a.m_hp < b.m_hp;
  });
  return model;
}

namespace {

// The columns over the lifetime axis that /points and /efficiency tables share.
io::HostBatch lifetime_table(const std::vector<double>& ctau, const std::vector<MapCell>& cells,
                             const std::vector<double>& rel_unc, const std::vector<std::uint8_t>& trusted) {
  std::vector<double> eff, unc, n_eff;
  for (const auto& c : cells) {
    eff.push_back(c.efficiency);
    unc.push_back(c.efficiency_unc);
    n_eff.push_back(c.n_eff);
  }
  const std::vector<std::int8_t> flags(trusted.begin(), trusted.end());
  io::HostBatch b;
  b.rows = ctau.size();
  b.columns.push_back(io::HostColumn::from<double>("ctau_cm", ctau));
  b.columns.push_back(io::HostColumn::from<double>("efficiency", eff));
  b.columns.push_back(io::HostColumn::from<double>("efficiency_unc", unc));
  b.columns.push_back(io::HostColumn::from<double>("n_eff", n_eff));
  b.columns.push_back(io::HostColumn::from<double>("eff_rel_unc", rel_unc));
  b.columns.push_back(io::HostColumn::from<std::int8_t>("trusted", flags));
  return b;
}

}  // namespace

void write_signal_model(io::EventFileWriter& writer, const SignalModel& model) {
  const std::size_t n = model.ctau_cm.size();
  for (const auto& p : model.points) {
    const auto& own = p.map.cells[p.final_state];
    io::HostBatch b = lifetime_table(model.ctau_cm, own, p.rel_unc, p.trusted);
    std::vector<double> dv;
    for (const auto& c : own) dv.push_back(c.mean_hp_dv);
    b.columns.push_back(io::HostColumn::from<double>("mean_hp_dv", dv));
    for (int f = 0; f < physics::kFinalStates; ++f) {
      std::vector<double> as;
      for (const auto& c : p.map.cells[f]) as.push_back(c.efficiency);
      b.columns.push_back(io::HostColumn::from<double>(fmt::format("efficiency_as_{}", kFinalStateNames[f]), as));
    }
    io::Attributes attributes = p.attributes;
    attributes.emplace_back("final_state", std::string(kFinalStateNames[p.final_state]));
    attributes.emplace_back("m_hp", p.m_hp);
    attributes.emplace_back("samples", fmt::format("{}", fmt::join(p.samples, ", ")));
    attributes.emplace_back("n_generated", p.generated.total());
    attributes.emplace_back("sigma_gev", p.sigma);
    attributes.emplace_back("sigma_unc_gev", p.sigma_unc);
    writer.begin_table("points", p.name, attributes, b);
  }

  // Over both lifetimes, one row per (cτ, cτ(chi2)).
  if (!model.ctau_chi2_cm.empty()) {
    for (const auto& p : model.points) {
      std::vector<double> ctau, ctau_chi2, eff, unc, n_eff;
      std::vector<std::int8_t> trusted;
      for (std::size_t c = 0; c < p.chi2_map.size(); ++c) {
        ctau.push_back(model.ctau_cm[c / model.ctau_chi2_cm.size()]);
        ctau_chi2.push_back(model.ctau_chi2_cm[c % model.ctau_chi2_cm.size()]);
        eff.push_back(p.chi2_map[c].efficiency);
        unc.push_back(p.chi2_map[c].efficiency_unc);
        n_eff.push_back(p.chi2_map[c].n_eff);
        trusted.push_back(static_cast<std::int8_t>(p.chi2_trusted[c]));
      }
      io::HostBatch b;
      b.rows = ctau.size();
      b.columns.push_back(io::HostColumn::from<double>("ctau_cm", ctau));
      b.columns.push_back(io::HostColumn::from<double>("ctau_chi2_cm", ctau_chi2));
      b.columns.push_back(io::HostColumn::from<double>("efficiency", eff));
      b.columns.push_back(io::HostColumn::from<double>("efficiency_unc", unc));
      b.columns.push_back(io::HostColumn::from<double>("n_eff", n_eff));
      b.columns.push_back(io::HostColumn::from<std::int8_t>("trusted", trusted));
      writer.begin_table("efficiency_chi2", p.name, {{"ctau_chi2_generated_cm", p.ctau_chi2_0}}, b);
    }
  }

  // Each sample alone over the same lifetimes.
  for (const auto& r : model.samples) {
    const io::HostBatch b = lifetime_table(model.ctau_cm, r.cells, r.rel_unc, r.trusted);
    io::Attributes attributes = r.attributes;
    attributes.emplace_back("point", r.point);
    writer.begin_table("efficiency", r.sample, attributes, b);
  }

  for (const auto& r : model.samples) {
    io::HostBatch b;
    b.rows = 1;
    const double values[6] = {r.fit.shape.mu,      r.fit.shape.sigma,       r.fit.shape.alpha_left,
                              r.fit.shape.n_left,  r.fit.shape.alpha_right, r.fit.shape.n_right};
    for (int k = 0; k < CrystalBallFit::kParameters; ++k) {
      const std::string name = CrystalBallFit::kNames[k];
      b.columns.push_back(io::HostColumn::from<double>(name, std::span<const double>(&values[k], 1)));
      b.columns.push_back(
          io::HostColumn::from<double>(name + "_unc", std::span<const double>(&r.fit.errors[static_cast<std::size_t>(k)], 1)));
    }
    const double range[2] = {r.fit.lo, r.fit.hi};
    b.columns.push_back(io::HostColumn::from<double>("fit_lo", std::span<const double>(&range[0], 1)));
    b.columns.push_back(io::HostColumn::from<double>("fit_hi", std::span<const double>(&range[1], 1)));
    const std::int64_t events = static_cast<std::int64_t>(r.fit.events);
    b.columns.push_back(io::HostColumn::from<std::int64_t>("events", std::span<const std::int64_t>(&events, 1)));
    const std::int8_t converged = r.fit.converged ? 1 : 0;
    b.columns.push_back(io::HostColumn::from<std::int8_t>("converged", std::span<const std::int8_t>(&converged, 1)));
    const std::int32_t status = r.fit.nlopt_status;
    b.columns.push_back(io::HostColumn::from<std::int32_t>("nlopt_status", std::span<const std::int32_t>(&status, 1)));
    writer.begin_table("resolution", r.sample, {{"point", r.point}, {"ctau_hp_cm", r.ctau0}, {"status", r.fit.status}},
                       b);
  }

  // The maps the scan interpolates: one long table per final state, a row per (point, cτ).
  for (int f = 0; f < physics::kFinalStates; ++f) {
    std::vector<double> m, m_chi1, ctau, eff, unc, rel, n_eff, sigma;
    std::vector<std::int8_t> trusted;
    for (const auto& p : model.points) {
      if (p.final_state != f) continue;
      double chi1 = std::numeric_limits<double>::quiet_NaN();
      for (const auto& [k, v] : p.attributes)
        if (k == "m_chi1" && std::holds_alternative<double>(v)) chi1 = std::get<double>(v);
      for (std::size_t j = 0; j < n; ++j) {
        const auto& c = p.map.cells[f][j];
        m.push_back(p.m_hp);
        m_chi1.push_back(chi1);
        ctau.push_back(model.ctau_cm[j]);
        eff.push_back(c.efficiency);
        unc.push_back(c.efficiency_unc);
        rel.push_back(p.rel_unc[j]);
        n_eff.push_back(c.n_eff);
        sigma.push_back(p.sigma);
        trusted.push_back(static_cast<std::int8_t>(p.trusted[j]));
      }
    }
    if (m.empty()) continue;
    io::HostBatch b;
    b.rows = m.size();
    b.columns.push_back(io::HostColumn::from<double>("m_hp", m));
    b.columns.push_back(io::HostColumn::from<double>("m_chi1", m_chi1));
    b.columns.push_back(io::HostColumn::from<double>("ctau_cm", ctau));
    b.columns.push_back(io::HostColumn::from<double>("efficiency", eff));
    b.columns.push_back(io::HostColumn::from<double>("efficiency_unc", unc));
    b.columns.push_back(io::HostColumn::from<double>("eff_rel_unc", rel));
    b.columns.push_back(io::HostColumn::from<double>("n_eff", n_eff));
    b.columns.push_back(io::HostColumn::from<std::int8_t>("trusted", trusted));
    b.columns.push_back(io::HostColumn::from<double>("sigma_gev", sigma));
    writer.begin_table("maps", std::string(kFinalStateNames[f]),
                       {{"layout", std::string("one row per (signal point, ctau); interpolate linearly in m_hp "
                                               "between the points of one m_chi1, the ctau grid is shared")}},
                       b);
  }
}

}  // namespace darkscan::signal_model
