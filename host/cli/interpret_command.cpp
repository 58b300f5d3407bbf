// darkscan interpret: the model-dependent interpretation of ANALYSIS.md section 7 from a
// scan's results: the final states combined into limits on σ_prod × B(chi2 → chi1 e+e-)
// at every (m(h'), cτ(h')), and the sinθ exclusion of the config's model point.
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
#include "generator/signal_model_builder.hpp"
#include "interpret/interpret.hpp"
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
  BackendFlags compute;
};

template <class T>
io::HostColumn column(const char* name, const std::vector<T>& v) {
  return io::HostColumn::from<T>(name, std::span<const T>(v));
}

int run_interpret(const InterpretOptions& opt) {
  const auto start = Clock::now();
  const config::Config cfg = opt.config.empty() ? config::Config{} : config::load(opt.config);
  const scan::ScanSettings settings = scan::read_scan_settings(opt.scan);
  const scan::ScanTable rows = scan::read_scan_rows(opt.scan);
  const scan::CombinedTable combined = scan::read_scan_combined(opt.scan);
  if (!opt.model.empty() && io::sha256_file(opt.model) != settings.model_sha256)
    throw_input_error("{}: was made with another model than --model (SHA-256 differs)", opt.scan);
  const auto widths = opt.widths_table.empty() ? physics::DarkHiggsWidths::builtin()
                                               : physics::DarkHiggsWidths::from_csv(opt.widths_table);
  std::optional<interpret::ProductionTable> xsec;
  if (!opt.xsec_table.empty()) xsec = interpret::ProductionTable::from_csv(opt.xsec_table);
  const generator::SignalPoint point = generator::model_point(cfg.model);
  if (!point.dark) throw_input_error("{}: [model] is not a physical dark-sector point", opt.config);
  const double sqrt_s = generator::make_collision(cfg.collider.e_minus_gev, cfg.collider.e_plus_gev).sqrt_s;
  io::EventFileWriter writer(opt.output);
  std::string why;
  auto backend = make_backend(opt.compute, cfg, &why);

  const auto limits = interpret::combined_limits(*backend, rows, combined, widths, settings.luminosity_fb,
                                                 settings.luminosity_rel_unc, settings.options);
  const auto sin_theta = interpret::sin_theta_exclusion(limits, widths, point.dark, sqrt_s, xsec ? &*xsec : nullptr);

  const auto& d = point.dark;
  io::Attributes model_attrs = {{"m_chi1", d.m_chi1},   {"delta_m", d.delta_m}, {"m_ap", d.m_ap},
                                {"alpha_d", d.alpha_d}, {"epsilon", d.epsilon}, {"sqrt_s_gev", sqrt_s},
                                {"hp_widths", widths.source()}, {"hp_widths_valid_up_to_gev", widths.valid_up_to()},
                                {"sigma_prod", xsec ? xsec->source() : std::string("THEORY.md section 3 (leading order)")}};
  writer.set_root_attributes({{"creator", std::string("darkscan interpret (ANALYSIS.md section 7)")},
                              {"darkscan_version", std::string(version())},
                              {"darkscan_commit", std::string(commit())},
                              {"scan", opt.scan},
                              {"scan_sha256", io::sha256_file(opt.scan)},
                              {"backend", backend->description()},
                              {"config", cfg.text}});
  // /combined_limits
  io::HostBatch table;
  table.rows = limits.size();
  table.columns = {column("ctau_cm", limits.ctau_cm), column("mass", limits.mass),
                   column("limit_fb", limits.limit_fb), column("p0", limits.p0),
                   column("z", limits.z), column("channels", limits.channels),
                   column("stats_flags", limits.flags), column("b_mumu", limits.branching[0]),
                   column("b_pipi", limits.branching[1]), column("b_kk", limits.branching[2])};
  writer.begin_table("", "combined_limits", model_attrs, table);
  writer.describe_column("limit_fb", {{"unit", std::string("fb")},
                                      {"description", std::string("upper limit on sigma_prod x B(chi2 -> chi1 e+e-) "
                                                                  "from the final states combined; NaN: no channel")}});
  writer.describe_column("p0", {{"unit", std::string("")},
                                {"description", std::string("product of the combined channels' p0")}});
  // /sin_theta/masses and /sin_theta/intervals
  io::HostBatch masses;
  std::vector<double> m, sp, bc, pred, hat, best;
  std::vector<std::int8_t> incomplete, excluded;
  std::vector<double> i_mass, i_lo, i_hi, i_ctau_lo, i_ctau_hi, i_pred, i_limit_lo, i_limit_hi;
  std::vector<std::int8_t> i_open_lo, i_open_hi, i_incomplete;
  for (const auto& s : sin_theta) {
    m.push_back(s.mass);
    sp.push_back(s.sigma_prod_fb);
    bc.push_back(s.b_chi2);
    pred.push_back(s.predicted_fb);
    hat.push_back(s.ctau_hat_cm);
    best.push_back(s.best_limit_fb);
    incomplete.push_back(s.width_incomplete);
    excluded.push_back(!s.intervals.empty());
    for (const auto& iv : s.intervals) {
      i_mass.push_back(s.mass);
      i_lo.push_back(iv.lo);
      i_hi.push_back(iv.hi);
      i_ctau_lo.push_back(iv.ctau.ctau_lo_cm);
      i_ctau_hi.push_back(iv.ctau.ctau_hi_cm);
      i_pred.push_back(s.predicted_fb);
      // sinθ lo ↔ cτ hi: the limit at each sinθ edge.
      i_limit_lo.push_back(iv.ctau.limit_hi_fb);
      i_limit_hi.push_back(iv.ctau.limit_lo_fb);
      i_open_lo.push_back(iv.ctau.open_hi);
      i_open_hi.push_back(iv.ctau.open_lo);
      i_incomplete.push_back(s.width_incomplete);
    }
  }
  masses.rows = m.size();
  masses.columns = {column("mass", m),           column("sigma_prod_fb", sp), column("b_chi2_to_chi1_ee", bc),
                    column("predicted_fb", pred), column("ctau_at_sin_theta_1_cm", hat),
                    column("best_limit_fb", best), column("width_incomplete", incomplete),
                    column("excluded", excluded)};
  writer.begin_table("sin_theta", "masses", model_attrs, masses);
  io::HostBatch intervals;
  intervals.rows = i_mass.size();
  intervals.columns = {column("mass", i_mass),          column("sin_theta_lo", i_lo),
                       column("sin_theta_hi", i_hi),     column("ctau_at_lo_cm", i_ctau_hi),
                       column("ctau_at_hi_cm", i_ctau_lo), column("predicted_fb", i_pred),
                       column("limit_at_lo_fb", i_limit_lo), column("limit_at_hi_fb", i_limit_hi),
                       column("open_lo", i_open_lo),      column("open_hi", i_open_hi),
                       column("width_incomplete", i_incomplete)};
  writer.begin_table("sin_theta", "intervals", model_attrs, intervals);
  writer.commit();

  fmt::print(stderr, "{}\n", why);
  std::size_t excluded_masses = 0;
  double smallest = HUGE_VAL, at = 0;
  for (const auto& s : sin_theta) {
    excluded_masses += !s.intervals.empty();
    for (const auto& iv : s.intervals)
      if (iv.lo < smallest) {
        smallest = iv.lo;
        at = s.mass;
      }
  }
  fmt::print("model point: m(chi1) = {} GeV, delta m = {} GeV, m(A') = {} GeV, alpha_D = {}, epsilon = {}; h' widths: {}\n",
             d.m_chi1, d.delta_m, d.m_ap, d.alpha_d, d.epsilon, widths.source());
  fmt::print("combined limits: {} (mass, ctau) points up to m(h') = {} GeV\n", limits.size(), widths.valid_up_to());
  if (excluded_masses > 0)
    fmt::print("sin theta: excluded at {} of {} masses; smallest excluded sin theta {:.3g} at m(h') = {:.4f} GeV\n",
               excluded_masses, sin_theta.size(), smallest, at);
  else
    fmt::print("sin theta: nothing excluded at the {} masses (predicted sigma x B(chi2) below every limit)\n",
               sin_theta.size());
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
  cmd->add_option("--model", opt->model, "darkscan efficiency output the scan used (checked against the scan)");
  cmd->add_option("--output", opt->output, "HDF5 file to write (atomically): /combined_limits, /sin_theta")->required();
  cmd->add_option("--widths-table", opt->widths_table,
                  "CSV of h' widths at sin theta = 1 (m_hp_gev, gamma_ee_gev, gamma_mumu_gev, gamma_pipi_gev, "
                  "gamma_kk_gev[, gamma_total_gev]); default: built in");
  cmd->add_option("--xsec-table", opt->xsec_table,
                  "CSV of the model point's production: m_hp_gev, sigma_prod_fb[, b_chi2_to_chi1_ee]; default: "
                  "THEORY.md's formulas");
  add_backend_flags(cmd, opt->compute);
  cmd->callback([opt, &action] { action = [opt] { return run_interpret(*opt); }; });
}

}  // namespace darkscan::cli
