// darkscan lee: the look-elsewhere stage (lee/look_elsewhere.hpp) on a scan's data,
// model and rows, its tables added to the scan's file (lee/lee_file.hpp), the global
// significance, coverage and expected limits printed. Toys are checkpointed beside the
// output: the same command resumes an interrupted run.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "errors.hpp"
#include "io/file_checksum.hpp"
#include "lee/lee_file.hpp"
#include "lee/look_elsewhere.hpp"
#include "selection/select_file.hpp"
#include "signal_model/signal_model_file.hpp"

namespace darkscan::cli {

namespace {

using physics::kFinalStateNames;

struct LeeOptions {
  std::string config;
  std::string data;
  std::string model;
  std::string scan;
  std::string output;  // default: the scan file, extended
  lee::LeeRequest request;
  std::int64_t seed = -1;  // -1: run.seed
  BackendFlags compute;
};

void print_summary(const lee::LeeResult& r, const scan::ScanTable& rows) {
  const auto& s = r.summary;
  std::string per_final_state;
  for (int fs = 0; fs < physics::kFinalStates; ++fs)
    if (!r.windows[fs].empty())
      per_final_state += fmt::format("{}{} {:.2f}", per_final_state.empty() ? "" : ", ", kFinalStateNames[fs],
                                     r.observed.max_z_fs[fs]);
  fmt::print("observed: largest local Z = {:.3f} (p = {:.3g}){}\n", s.z_local, s.p_local,
             r.observed.max_z > -HUGE_VAL ? ", per final state " + per_final_state : "");
  fmt::print("toys: {} ({} reach it): global p = {:.4g} ± {:.2g}, global Z = {:.3f}, trials factor {:.3g}\n", s.toys,
             s.exceeding, s.p_global, s.p_global_unc, s.z_global, s.trials_factor);
  fmt::print("Gross–Vitells (c0 = {} in Z^2, up-crossings per toy {:.3g}): global p ≈ {:.4g}, Z ≈ {:.3f}\n",
             r.settings.upcrossing_level, s.mean_upcrossings[0] + s.mean_upcrossings[1] + s.mean_upcrossings[2],
             s.p_gross_vitells, s.z_gross_vitells);
  for (const auto& c : r.coverage)
    fmt::print("coverage at {} m = {:.4f} GeV, cτ = {:g} cm, s = {:.1f} x median expected = {:.3g} events "
               "(sideband {:.0f}): {:.4f} ± {:.4f} ({} toys; credibility {})\n",
               kFinalStateNames[rows.final_state[c.row]], rows.mass[c.row], rows.ctau_cm[c.row], c.signal_factor,
               c.true_events, c.true_background, c.coverage, c.coverage_unc, c.toys, r.credibility);
  const auto& e = r.expected.ul_xsec_fb;
  if (const auto best = scan::largest_excess(rows); best >= 0 && rows.limit_status[best] == scan::kLimitOk)
    fmt::print("at the largest excess: observed limit {:.4g} fb, expected {:.4g} fb (68 %: {:.4g}-{:.4g}, 95 %: "
               "{:.4g}-{:.4g}); expected limits of {} rows in {:.2f} s\n",
               rows.ul_xsec_fb[best], e[2][best], e[1][best], e[3][best], e[0][best], e[4][best], rows.size(),
               r.expected_seconds);
}

int run_lee_command(LeeOptions opt) {
  const auto start = std::chrono::steady_clock::now();
  const config::Config cfg = load_config_or_defaults(opt.config);
  if (opt.request.settings.toys == 0) throw_input_error("--toys: must be positive");
  if (!(opt.request.settings.upcrossing_level > 0))
    throw_input_error("--gv-level: {} must be positive (a level in q = Z^2)", opt.request.settings.upcrossing_level);
  const std::string output = opt.output.empty() ? opt.scan : opt.output;
  const auto data = selection::read_selected_data(opt.data);
  const auto model = signal_model::read_signal_model(opt.model);
  const scan::ScanSettings scan_settings = scan::read_scan_settings(opt.scan);
  if (scan_settings.data_sha256 != io::sha256_file(opt.data))
    throw_input_error("{}: was made from other data than --data (SHA-256 differs)", opt.scan);
  if (scan_settings.model_sha256 != io::sha256_file(opt.model))
    throw_input_error("{}: was made with another model than --model (SHA-256 differs)", opt.scan);
  const scan::ScanTable rows = scan::read_scan_rows(opt.scan);
  io::EventFileWriter writer(output, opt.scan);  // an unwritable destination is said before the toys

  opt.request.settings.seed = opt.seed >= 0 ? static_cast<std::uint64_t>(opt.seed) : cfg.run.seed;
  opt.request.checkpoint = output + ".toys.partial";
  std::string why;
  auto backend = make_backend(opt.compute, cfg, &why);
  const auto r = lee::look_elsewhere(*backend, cfg, data, model, opt.model, rows, scan_settings, opt.request);
  lee::write_lee(writer, r, backend->description());
  writer.commit();
  std::error_code ec;
  std::filesystem::remove(opt.request.checkpoint, ec);

  fmt::print(stderr, "{}\n", why);
  print_summary(r, rows);
  const std::uint64_t ran = r.settings.toys - r.resumed;
  fmt::print("{} toys in {:.2f} s ({:.3g} toys/s) on {}; total {:.2f} s -> {}\n", ran, r.toy_seconds,
             static_cast<double>(ran) / r.toy_seconds, backend->description(),
             std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), output);
  return kExitOk;
}

}  // namespace

void add_lee_command(CLI::App& app, Action& action) {
  auto opt = std::make_shared<LeeOptions>();
  auto& s = opt->request.settings;
  s.toys = 10000;
  CLI::App* cmd = app.add_subcommand(
      "lee", "Look-elsewhere effect: global significance from background-only toys of the whole scan");
  cmd->add_option("--config", opt->config, "Scan config (the one the scan ran with)");
  cmd->add_option("--data", opt->data, "darkscan select output holding /selected/data")->required();
  cmd->add_option("--model", opt->model, "darkscan efficiency output (the signal model)")->required();
  cmd->add_option("--scan", opt->scan, "darkscan scan output of these data and model")->required();
  cmd->add_option("--output", opt->output, "File to write (default: the --scan file, extended with /lee)");
  cmd->add_option("--toys", s.toys, "Background-only toys")->capture_default_str();
  cmd->add_option("--seed", opt->seed, "Seed of the toys (default: the config's run.seed)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--batch", s.batch, "Toys per backend call and per checkpoint")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--gv-level", s.upcrossing_level, "Gross–Vitells reference level c0 in q = Z^2")
      ->capture_default_str();
  cmd->add_option("--coverage-toys", opt->request.coverage_toys, "Signal-plus-background toys per coverage point")
      ->capture_default_str();
  add_backend_flags(cmd, opt->compute);
  cmd->callback([opt, &action] { action = [opt] { return run_lee_command(*opt); }; });
}

}  // namespace darkscan::cli
