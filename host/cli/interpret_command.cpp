// darkscan interpret: the model-dependent interpretation of ANALYSIS.md section 7 from a
// scan's results: the final states combined into limits on σ_prod × B(chi2 → chi1 e+e-)
// at every (m(h'), cτ(h')), the sinθ exclusion and the y limit vs m(chi1) of the config's
// model point and, on request, of the paper's benchmark points.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <optional>

#include "cli/backend_flags.hpp"
#include "cli/commands.hpp"
#include "config/config.hpp"
#include "darkscan/generator/signal_process.hpp"
#include "darkscan/version.hpp"
#include "errors.hpp"
#include "generator/signal_process_builder.hpp"
#include "interpret/interpret.hpp"
#include "interpret/interpret_file.hpp"
#include "interpret/model_points.hpp"
#include "interpret/y_limit.hpp"
#include "physics/dark_sector_integrals.hpp"
#include "signal_model/efficiency_map.hpp"
#include "signal_model/mass_interpolation.hpp"
#include "signal_model/signal_model_file.hpp"
#include "io/event_writer.hpp"
#include "io/file_checksum.hpp"
#include "scan/scan_file.hpp"

namespace darkscan::cli {

namespace {

using Clock = std::chrono::steady_clock;

struct InterpretOptions {
  std::string config;
  std::string scan;
  std::string model;
  std::string output;
  std::string widths_table;
  std::string xsec_table;
  std::string chi2_table;
  bool benchmark_points = false;
  BackendFlags compute;
};

// The cτ(chi2) the signal samples were generated with at the scan's m(chi1) (their
// attribute), or the config's rule where the model file is not given.
double generated_ctau_chi2(const std::optional<signal_model::SignalModel>& model, const config::Config& cfg,
                           const physics::DarkSectorPoint& d) {
  if (model)
    for (const auto& p : model->points)
      if (signal_model::point_m_chi1(p) == d.m_chi1 && !std::isnan(signal_model::point_number(p, "ctau_chi2_cm")))
        return signal_model::point_number(p, "ctau_chi2_cm");
  return cfg.model.ctau_chi2_cm > 0 ? cfg.model.ctau_chi2_cm : physics::chi2_ctau_cm(d);
}

int run_interpret(const InterpretOptions& opt) {
  const auto start = Clock::now();
  const config::Config cfg = opt.config.empty() ? config::Config{} : config::load(opt.config);
  const scan::ScanSettings settings = scan::read_scan_settings(opt.scan);
  const scan::ScanTable rows = scan::read_scan_rows(opt.scan);
  const scan::CombinedTable combined = scan::read_scan_combined(opt.scan);
  std::optional<signal_model::SignalModel> model;
  if (!opt.model.empty()) {
    if (io::sha256_file(opt.model) != settings.model_sha256)
      throw_input_error("{}: was made with another model than --model (SHA-256 differs)", opt.scan);
    model = signal_model::read_signal_model(opt.model);
  }
  const bool maps = model && !model->ctau_chi2_cm.empty();
  const auto widths = opt.widths_table.empty() ? physics::DarkHiggsWidths::builtin()
                                               : physics::DarkHiggsWidths::from_table(opt.widths_table);
  std::optional<interpret::ProductionTable> xsec;
  if (!opt.xsec_table.empty()) xsec = interpret::ProductionTable::from_table(opt.xsec_table);
  std::optional<interpret::TheoryTable> chi2;
  if (!opt.chi2_table.empty())
    chi2 = interpret::TheoryTable::read(opt.chi2_table, interpret::kChi2TableRequired, interpret::kChi2TableOptional);
  const generator::SignalPoint signal = generator::model_point(cfg.model);
  if (!signal.dark) throw_input_error("{}: [model] is not a physical dark-sector point", opt.config);
  const auto& d = signal.dark;
  const double sqrt_s = generator::make_collision(cfg.collider.e_minus_gev, cfg.collider.e_plus_gev).sqrt_s;
  std::vector<interpret::ModelPoint> points = {interpret::model_point(d)};
  if (opt.benchmark_points || cfg.interpret.benchmark_points)
    for (auto& p : interpret::benchmark_points(d)) points.push_back(std::move(p));
  io::EventFileWriter writer(opt.output);
  std::string why;
  auto backend = make_backend(opt.compute, cfg, &why);

  // Each point's sinθ exclusion: the scan's efficiencies where its chi2 lives as the
  // generated one did, else the maps over cτ(chi2) at its own lifetime.
  const double generated = generated_ctau_chi2(model, cfg, d);
  const auto base = interpret::combined_limits(*backend, rows, combined, widths, settings.luminosity_fb,
                                               settings.luminosity_rel_unc, settings.options);
  std::vector<interpret::PointResult> results;
  for (std::size_t k = 0; k < points.size(); ++k) {
    interpret::PointResult r;
    r.point = points[k];
    r.ctau_chi2_cm = physics::chi2_ctau_cm(points[k].dark());
    r.efficiency_ctau_chi2_cm = generated;
    const interpret::CombinedLimits* limits = &base;
    interpret::CombinedLimits own;
    if (std::abs(r.ctau_chi2_cm / generated - 1) > 1e-6 && maps) {
      own = interpret::combined_limits(
          *backend, rows, combined, widths, settings.luminosity_fb, settings.luminosity_rel_unc, settings.options,
          interpret::efficiency_at_ctau_chi2(*model, rows, d.m_chi1, r.ctau_chi2_cm, settings.options));
      limits = &own;
      r.efficiency_ctau_chi2_cm = r.ctau_chi2_cm;
    }
    r.sin_theta = interpret::sin_theta_exclusion(*limits, widths, points[k].dark(), sqrt_s,
                                                 k == 0 && xsec ? &*xsec : nullptr);
    results.push_back(std::move(r));
  }

  interpret::YLimitSettings y_settings;
  y_settings.m_hp = cfg.interpret.y_m_hp_gev;
  y_settings.sin_theta = cfg.interpret.y_sin_theta;
  y_settings.epsilon = signal_model::log_grid(cfg.interpret.epsilon_range.lo, cfg.interpret.epsilon_range.hi,
                                              cfg.interpret.epsilon_points_per_decade);
  y_settings.sqrt_s = sqrt_s;
  y_settings.luminosity_fb = settings.luminosity_fb;
  y_settings.luminosity_rel_unc = settings.luminosity_rel_unc;
  y_settings.options = settings.options;
  std::vector<interpret::YLimitMass> y;
  if (maps) y = interpret::y_limits(*backend, rows, combined, *model, widths, points, y_settings, chi2 ? &*chi2 : nullptr);

  io::Attributes model_attrs = {{"m_chi1", d.m_chi1},   {"delta_m", d.delta_m}, {"m_ap", d.m_ap},
                                {"alpha_d", d.alpha_d}, {"epsilon", d.epsilon}, {"sqrt_s_gev", sqrt_s},
                                {"hp_widths", widths.source()}, {"hp_widths_valid_up_to_gev", widths.valid_up_to()},
                                {"sigma_prod", xsec ? xsec->source() : std::string("THEORY.md section 3 (leading order)")},
                                {"chi2_for_y_limit", chi2 ? chi2->source() : std::string("THEORY.md sections 2 and 3")}};
  writer.set_root_attributes({{"creator", std::string("darkscan interpret (ANALYSIS.md section 7)")},
                              {"darkscan_version", std::string(version())},
                              {"darkscan_commit", std::string(commit())},
                              {"scan", opt.scan},
                              {"scan_sha256", io::sha256_file(opt.scan)},
                              {"model", opt.model},
                              {"backend", backend->description()},
                              {"config", cfg.text}});
  interpret::write_model_points(writer, results, y, model_attrs);
  interpret::write_combined_limits(writer, base, model_attrs);
  interpret::write_sin_theta(writer, results, model_attrs);
  if (maps) interpret::write_y_limit(writer, y, y_settings, model_attrs);
  writer.commit();

  fmt::print(stderr, "{}\n", why);
  fmt::print("model point: m(chi1) = {} GeV, delta m = {} GeV, m(A') = {} GeV, alpha_D = {}, epsilon = {}; h' widths: {}\n",
             d.m_chi1, d.delta_m, d.m_ap, d.alpha_d, d.epsilon, widths.source());
  fmt::print("combined limits: {} (mass, ctau) points up to m(h') = {} GeV\n", base.size(), widths.valid_up_to());
  for (std::size_t k = 0; k < results.size(); ++k) {
    const auto& r = results[k];
    std::size_t excluded_masses = 0;
    double smallest = HUGE_VAL, at = 0;
    for (const auto& s : r.sin_theta) {
      excluded_masses += !s.intervals.empty();
      for (const auto& iv : s.intervals)
        if (iv.lo < smallest) {
          smallest = iv.lo;
          at = s.mass;
        }
    }
    const std::string name = points.size() > 1 ? fmt::format("{:<18} ", r.point.name) : std::string();
    if (excluded_masses > 0)
      fmt::print("{}sin theta: excluded at {} of {} masses; smallest excluded sin theta {:.3g} at m(h') = {:.4f} GeV\n",
                 name, excluded_masses, r.sin_theta.size(), smallest, at);
    else
      fmt::print("{}sin theta: nothing excluded at the {} masses (predicted sigma x B(chi2) below every limit)\n", name,
                 r.sin_theta.size());
  }
  if (!maps)
    fmt::print("y limit: not made (the signal model has no maps over ctau(chi2): [signal_model] "
               "ctau_chi2_points_per_decade > 0 and [generate] signal_m_chi1_gev make them)\n");
  for (std::size_t k = 0; maps && k < points.size(); ++k) {
    std::size_t n = 0, excluded = 0;
    double smallest = HUGE_VAL, at = 0;
    for (const auto& r : y) {
      if (r.model_point != k) continue;
      ++n;
      excluded += !r.intervals.empty();
      if (r.smallest_excluded_y() < smallest) {  // NaN (nothing excluded) compares false
        smallest = r.smallest_excluded_y();
        at = r.m_chi1;
      }
    }
    const std::string name = points.size() > 1 ? fmt::format("{:<18} ", points[k].name) : std::string();
    if (excluded > 0)
      fmt::print("{}y (m(h') = {} GeV, sin theta = {}): excluded at {} of {} m(chi1); smallest excluded y {:.3g} at "
                 "m(chi1) = {} GeV\n",
                 name, y_settings.m_hp, y_settings.sin_theta, excluded, n, smallest, at);
    else
      fmt::print("{}y (m(h') = {} GeV, sin theta = {}): nothing excluded at the {} m(chi1)\n", name, y_settings.m_hp,
                 y_settings.sin_theta, n);
  }
  fmt::print("time {:.2f} s on {} -> {}\n", std::chrono::duration<double>(Clock::now() - start).count(),
             backend->description(), opt.output);
  return kExitOk;
}

}  // namespace

void add_interpret_command(CLI::App& app, Action& action) {
  auto opt = std::make_shared<InterpretOptions>();
  CLI::App* cmd = app.add_subcommand(
      "interpret", "Model-dependent interpretation: combined limits on sigma_prod x B(chi2) and the sin theta exclusion");
  cmd->add_option("--config", opt->config, "Scan config ([model]: the dark-sector point; [collider])");
  cmd->add_option("--scan", opt->scan, "darkscan scan (or lee) output")->required();
  cmd->add_option("--model", opt->model, "darkscan efficiency output the scan used (checked against the scan); its maps over ctau(chi2), "
                  "when present, give the y limit and the benchmark points' efficiencies");
  cmd->add_option("--output", opt->output,
                  "HDF5 file to write (atomically): /model_points, /combined_limits, /sin_theta, /y_limit")
      ->required();
  cmd->add_flag("--benchmark-points", opt->benchmark_points,
                "Also the paper's twelve benchmark model points (as interpret.benchmark_points = true)");
  cmd->add_option("--widths-table", opt->widths_table,
                  "CSV or HDF5 table of h' widths at sin theta = 1 (m_hp_gev, gamma_ee_gev, gamma_mumu_gev, gamma_pipi_gev, "
                  "gamma_kk_gev[, gamma_total_gev]); default: built in");
  cmd->add_option("--xsec-table", opt->xsec_table,
                  "CSV or HDF5 table of the model point's production: m_hp_gev, sigma_prod_fb[, b_chi2_to_chi1_ee]; default: "
                  "THEORY.md's formulas");
  cmd->add_option("--chi2-table", opt->chi2_table,
                  "CSV or HDF5 table of the model point's chi2 for the y limit: m_chi1_gev, ctau_chi2_cm, "
                  "b_chi2_to_chi1_ee[, sigma_prod_fb at interpret.y_m_hp_gev], at its ratios and epsilon; default: "
                  "THEORY.md's formulas");
  add_backend_flags(cmd, opt->compute);
  cmd->callback([opt, &action] { action = [opt] { return run_interpret(*opt); }; });
}

}  // namespace darkscan::cli
