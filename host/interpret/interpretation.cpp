#include "interpret/interpretation.hpp"

#include <algorithm>
#include <cmath>

#include "darkscan/generator/signal_process.hpp"
#include "errors.hpp"
#include "generator/signal_process_builder.hpp"
#include "physics/dark_sector_integrals.hpp"
#include "signal_model/efficiency_map.hpp"
#include "signal_model/mass_interpolation.hpp"

namespace darkscan::interpret {

namespace {

// The cτ(chi2) the signal samples were generated with at the scan's m(chi1) (their
// attribute), or the config's rule where the model is not given.
double generated_ctau_chi2(const signal_model::SignalModel* model, const config::Config& cfg,
                           const physics::DarkSectorPoint& d) {
  if (model)
    for (const auto& p : model->points)
      if (signal_model::point_m_chi1(p) == d.m_chi1 && !std::isnan(signal_model::point_number(p, "ctau_chi2_cm")))
        return signal_model::point_number(p, "ctau_chi2_cm");
  return cfg.model.ctau_chi2_cm > 0 ? cfg.model.ctau_chi2_cm : physics::chi2_ctau_cm(d);
}

}  // namespace

IndexRange InterpretWork::masses(Shard shard) const {
  const IndexRange r = shard_range(shard, items());
  return {std::min(r.begin, grid_masses), std::min(r.end, grid_masses)};
}

IndexRange InterpretWork::pairs(Shard shard) const {
  const IndexRange r = shard_range(shard, items());
  return {std::max(r.begin, grid_masses) - grid_masses, std::max(r.end, grid_masses) - grid_masses};
}

Interpretation interpret(Backend& backend, const config::Config& cfg, const std::string& config_path,
                         const scan::ScanTable& rows, const scan::CombinedTable& combined,
                         const scan::ScanSettings& settings, const signal_model::SignalModel* model,
                         const InterpretRequest& request) {
  const bool maps = model && !model->ctau_chi2_cm.empty();
  const auto widths = request.widths_table.empty() ? physics::DarkHiggsWidths::builtin()
                                                   : physics::DarkHiggsWidths::from_table(request.widths_table);
  std::optional<ProductionTable> xsec;
  if (!request.xsec_table.empty()) xsec = ProductionTable::from_table(request.xsec_table);
  std::optional<TheoryTable> chi2;
  if (!request.chi2_table.empty()) chi2 = TheoryTable::read(request.chi2_table, kChi2TableRequired, kChi2TableOptional);
  const generator::SignalPoint signal = generator::model_point(cfg.model);
  if (!signal.dark) throw_input_error("{}: [model] is not a physical dark-sector point", config_path);

  Interpretation out;
  const auto& d = signal.dark;
  out.model = d;
  out.sqrt_s = generator::make_collision(cfg.collider.e_minus_gev, cfg.collider.e_plus_gev).sqrt_s;
  out.widths_source = widths.source();
  out.widths_valid_up_to = widths.valid_up_to();
  out.points = {model_point(d)};
  if (request.benchmark_points || cfg.interpret.benchmark_points)
    for (auto& p : benchmark_points(d)) out.points.push_back(std::move(p));

  // Each point's sinθ exclusion: the scan's efficiencies where its chi2 lives as the
  // generated one did, else the maps over cτ(chi2) at its own lifetime.
  const double generated = generated_ctau_chi2(model, cfg, d);
  out.work.grid_masses = grid_masses(combined, widths);
  out.work.y_pairs = maps ? y_limit_pairs(*model, out.points.size()) : 0;
  const IndexRange masses = out.work.masses(request.shard), pairs = out.work.pairs(request.shard);
  out.combined = combined_limits(backend, rows, combined, widths, settings.luminosity_fb, settings.luminosity_rel_unc,
                                 settings.options, {}, masses);
  for (std::size_t k = 0; k < out.points.size(); ++k) {
    PointResult r;
    r.point = out.points[k];
    r.ctau_chi2_cm = physics::chi2_ctau_cm(out.points[k].dark());
    r.efficiency_ctau_chi2_cm = generated;
    const CombinedLimits* limits = &out.combined;
    CombinedLimits own;
    if (std::abs(r.ctau_chi2_cm / generated - 1) > 1e-6 && maps) {
      own = combined_limits(backend, rows, combined, widths, settings.luminosity_fb, settings.luminosity_rel_unc,
                            settings.options,
                            efficiency_at_ctau_chi2(*model, rows, d.m_chi1, r.ctau_chi2_cm, settings.options),
                            masses);
      limits = &own;
      r.efficiency_ctau_chi2_cm = r.ctau_chi2_cm;
    }
    r.sin_theta = sin_theta_exclusion(*limits, widths, out.points[k].dark(), out.sqrt_s,
                                      k == 0 && xsec ? &*xsec : nullptr);
    out.results.push_back(std::move(r));
  }

  auto& y = out.y_settings;
  y.m_hp = cfg.interpret.y_m_hp_gev;
  y.sin_theta = cfg.interpret.y_sin_theta;
  y.epsilon = signal_model::log_grid(cfg.interpret.epsilon_range.lo, cfg.interpret.epsilon_range.hi,
                                     cfg.interpret.epsilon_points_per_decade);
  y.sqrt_s = out.sqrt_s;
  y.luminosity_fb = settings.luminosity_fb;
  y.luminosity_rel_unc = settings.luminosity_rel_unc;
  y.options = settings.options;
  out.y_limit = maps;
  if (maps) out.y = y_limits(backend, rows, combined, *model, widths, out.points, y, chi2 ? &*chi2 : nullptr, pairs);

  out.attributes = {{"m_chi1", d.m_chi1},
                    {"delta_m", d.delta_m},
                    {"m_ap", d.m_ap},
                    {"alpha_d", d.alpha_d},
                    {"epsilon", d.epsilon},
                    {"sqrt_s_gev", out.sqrt_s},
                    {"hp_widths", widths.source()},
                    {"hp_widths_valid_up_to_gev", widths.valid_up_to()},
                    {"sigma_prod", xsec ? xsec->source() : std::string("docs/physics/dark-sector.md (leading order)")},
                    {"chi2_for_y_limit", chi2 ? chi2->source() : std::string("docs/physics/dark-sector.md")}};
  return out;
}

}  // namespace darkscan::interpret
