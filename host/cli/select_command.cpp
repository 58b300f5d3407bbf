// darkscan select: the selection stage (selection/select.hpp) over the samples of an
// event file, its cutflows printed, the selected candidates written.
#include <fmt/format.h>

#include "cli/common_options.hpp"
#include "cli/commands.hpp"
#include "io/provenance.hpp"
#include "selection/select.hpp"
#include "selection/select_file.hpp"

namespace darkscan::cli {

namespace {

struct SelectOptions {
  std::string config;
  std::string input;
  std::string output;
  std::vector<std::string> samples;
  BackendFlags compute;
};

void print_cutflow(const selection::SampleSelection& s) {
  const bool mc = s.kind == "signal" || s.kind == "background";
  fmt::print("sample '{}' ({}, {} candidates)\n", s.name, s.kind.empty() ? "kind not set" : s.kind, s.rows);
  fmt::print("  {:>2}  {:<20} {:>12}{}\n", "#", "after", "candidates", mc ? fmt::format(" {:>14}", "weighted") : "");
  for (int k = 0; k < selection::kCutSteps; ++k)
    fmt::print("  {:>2}  {:<20} {:>12}{}\n", k, selection::kCutNames[k], s.candidates[static_cast<std::size_t>(k)],
               mc ? fmt::format(" {:>14.6g}", s.weighted[static_cast<std::size_t>(k)]) : "");
  fmt::print("  best candidates: {} mu+mu-, {} pi+pi-, {} K+K-\n", s.selected_events[0], s.selected_events[1],
             s.selected_events[2]);
}

int run_select(const SelectOptions& opt) {
  const config::Config cfg = load_config_or_defaults(opt.config);
  const io::EventFile file(opt.input.empty() ? config::events_file(cfg, "select", "--input") : opt.input);
  for (const auto& name : opt.samples) file.sample(name);  // an unknown sample is said before the work
  std::string why;
  auto backend = make_backend(opt.compute, cfg, &why);
  io::EventFileWriter writer(opt.output);  // an unwritable destination is said before the work

  const auto result = selection::select(*backend, file, cfg, opt.samples);
  fmt::print(stderr, "{}\n", why);  // after the work, so that bad input stays one line
  io::Provenance provenance{"darkscan select (docs/physics/selection.md)", {{"input", file.path()}},
                            backend->description(), cfg.text};
  selection::write_selection(writer, result, provenance);
  writer.commit();
  for (const auto& s : result.samples) print_cutflow(s);
  fmt::print("{} candidates in {} samples, {:.2f} s ({:.3g} candidates/s) on {} -> {}\n", result.candidates,
             result.samples.size(), result.seconds, static_cast<double>(result.candidates) / result.seconds,
             backend->description(), opt.output);
  return kExitOk;
}

}  // namespace

void add_select_command(CLI::App& app, Action& action) {
  auto opt = std::make_shared<SelectOptions>();
  CLI::App* cmd = app.add_subcommand(
      "select", "The selection of docs/physics/selection.md: cutflows, best candidates, selected candidates to HDF5");
  cmd->add_option("--config", opt->config, "Scan config ([selection], [collider], [columns], [input])");
  cmd->add_option("--input", opt->input, "Event file (docs/formats/events.md); default: the config's [input] events");
  cmd->add_option("--output", opt->output, "HDF5 file to write (atomically): /selected/<sample>, /cutflow/<sample>")
      ->required();
  cmd->add_option("--sample", opt->samples, "Only this sample (repeatable); default: every sample");
  add_backend_flags(cmd, opt->compute);
  cmd->callback([opt, &action] { action = [opt] { return run_select(*opt); }; });
}

}  // namespace darkscan::cli
