// darkscan efficiency: the signal model stage (signal_model/efficiency.hpp) over the
// signal samples of an event file, a line per signal point printed, the model written.
#include <fmt/format.h>

#include <chrono>

#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "io/provenance.hpp"
#include "signal_model/efficiency.hpp"
#include "signal_model/signal_model_file.hpp"

namespace darkscan::cli {

namespace {

struct EfficiencyOptions {
  std::string config;
  std::string input;
  std::string output;
  BackendFlags compute;
};

void print_points(const signal_model::SignalModel& model) {
  fmt::print("{:<24} {:>8} {:>10} {:>12} {:>12} {:>10}\n", "signal point", "samples", "sigma/MeV", "max eff",
             "at ctau/cm", "trusted");
  for (const auto& p : model.points) {
    const auto& cells = p.map.cells[p.final_state];
    std::size_t best = 0, trusted = 0;
    for (std::size_t j = 0; j < cells.size(); ++j) {
      if (cells[j].efficiency > cells[best].efficiency) best = j;
      trusted += p.trusted[j];
    }
    fmt::print("{:<24} {:>8} {:>10.3f} {:>12.4g} {:>12.4g} {:>6}/{}\n", p.name, p.samples.size(), 1e3 * p.sigma,
               cells[best].efficiency, model.ctau_cm[best], trusted, cells.size());
  }
}

int run_efficiency(const EfficiencyOptions& opt) {
  const config::Config cfg = load_config_or_defaults(opt.config);
  const io::EventFile file(opt.input.empty() ? config::events_file(cfg, "efficiency", "--input") : opt.input);
  std::string why;
  auto backend = make_backend(opt.compute, cfg, &why);
  io::EventFileWriter writer(opt.output);  // an unwritable destination is said before the work

  const auto start = std::chrono::steady_clock::now();
  const auto model = signal_model::efficiency(*backend, file, cfg);
  fmt::print(stderr, "{}\n", why);  // after the work, so that bad input stays one line
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  io::Provenance provenance{"darkscan efficiency (docs/physics/signal-model.md)", {{"input", file.path()}},
                            backend->description(), cfg.text};
  signal_model::write_signal_model(writer, model, provenance, cfg.collider.luminosity_rel_unc);
  writer.commit();

  print_points(model);
  std::size_t unconverged = 0;
  for (const auto& r : model.samples) unconverged += !r.fit.converged;
  fmt::print("{} signal points, {} lifetimes, {} resolution fits ({} not converged) in {:.2f} s -> {}\n",
             model.points.size(), model.ctau_cm.size(), model.samples.size(), unconverged, seconds, opt.output);
  return kExitOk;
}

}  // namespace

void add_efficiency_command(CLI::App& app, Action& action) {
  auto opt = std::make_shared<EfficiencyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "efficiency", "Signal model: efficiency maps over ctau by lifetime reweighting, and the mass resolution");
  cmd->add_option("--config", opt->config, "Scan config ([signal_model], [selection], [collider], [input])");
  cmd->add_option("--input", opt->input, "Event file with signal samples; default: the config's [input] events");
  cmd->add_option("--output", opt->output, "HDF5 file to write (atomically): /points, /efficiency, /resolution, /maps")
      ->required();
  add_backend_flags(cmd, opt->compute);
  cmd->callback([opt, &action] { action = [opt] { return run_efficiency(*opt); }; });
}

}  // namespace darkscan::cli
