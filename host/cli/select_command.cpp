// darkscan select: the selection of ANALYSIS.md section 2 over every sample of an event
// file, with cutflows, the best candidate of each event, and the selected candidates
// written for the later stages.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "backend/backend.hpp"
#include "cli/backend_flags.hpp"
#include "cli/commands.hpp"
#include "config/config.hpp"
#include "darkscan/version.hpp"
#include "errors.hpp"
#include "io/event_file.hpp"
#include "io/event_writer.hpp"
#include "progress.hpp"
#include "selection/select_sample.hpp"
#include "selection/selection_params.hpp"

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

io::HostBatch cutflow_table(const selection::SampleSelection& s) {
  std::vector<std::int32_t> cut(selection::kCutSteps);
  std::vector<std::int64_t> candidates(selection::kCutSteps);
  for (int k = 0; k < selection::kCutSteps; ++k) {
    cut[static_cast<std::size_t>(k)] = k;
    candidates[static_cast<std::size_t>(k)] = static_cast<std::int64_t>(s.candidates[static_cast<std::size_t>(k)]);
  }
  io::HostBatch b;
  b.rows = selection::kCutSteps;
  b.columns.push_back(io::HostColumn::from<std::int32_t>("cut", cut));
  b.columns.push_back(io::HostColumn::from<std::int64_t>("candidates", candidates));
  b.columns.push_back(io::HostColumn::from<double>("weighted_yield", s.weighted));
  return b;
}

int run_select(const SelectOptions& opt) {
  const config::Config cfg = opt.config.empty() ? config::Config{} : config::load(opt.config);
  const io::EventFile file(opt.input.empty() ? config::events_file(cfg, "select", "--input") : opt.input);
  std::vector<const io::SampleInfo*> samples;
  if (opt.samples.empty())
    for (const auto& s : file.samples()) samples.push_back(&s);
  else
    for (const auto& name : opt.samples) samples.push_back(&file.sample(name));

  std::string why;
  auto backend = make_backend(opt.compute, cfg, &why);

  // Opened before the work, so that an unwritable destination is said at once; it
  // appears under its name only when committed.
  io::EventFileWriter writer(opt.output);
  const auto params = selection::params_from_config(cfg);
  const double luminosity = cfg.collider.luminosity_fb;
  std::uint64_t total = 0;
  for (const auto* s : samples) total += s->rows;
  const auto start = std::chrono::steady_clock::now();
  Progress progress("select", total, "candidates");
  std::vector<selection::SampleSelection> results;
  for (const auto* s : samples)
    results.push_back(selection::select_sample(*backend, file, *s, cfg.columns, params, luminosity,
                                               cfg.input.chunk_rows, &progress));
  progress.finish();
  fmt::print(stderr, "{}\n", why);  // after the work, so that bad input stays one line
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::string cut_names;
  for (const char* n : selection::kCutNames) cut_names += (cut_names.empty() ? "" : ", ") + std::string(n);
  writer.set_root_attributes({{"creator", std::string("darkscan select (ANALYSIS.md section 2)")},
                              {"darkscan_version", std::string(version())},
                              {"darkscan_commit", std::string(commit())},
                              {"input", file.path()},
                              {"backend", backend->description()},
                              {"luminosity_fb", luminosity},
                              {"config", cfg.text}});
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    print_cutflow(r);
    io::Attributes attributes = samples[i]->attributes;
    attributes.emplace_back("weight_scale", r.weight_scale);
    const char* fs[3] = {"selected_mumu", "selected_pipi", "selected_kk"};
    for (int k = 0; k < 3; ++k)
      attributes.emplace_back(fs[k], static_cast<std::int64_t>(r.selected_events[static_cast<std::size_t>(k)]));
    writer.begin_table("selected", r.name, attributes, r.selected);
    writer.begin_table("cutflow", r.name, {{"cut_names", cut_names}}, cutflow_table(r));
  }
  writer.commit();
  fmt::print("{} candidates in {} samples, {:.2f} s ({:.3g} candidates/s) on {} -> {}\n", total, samples.size(),
             seconds, static_cast<double>(total) / seconds, backend->description(), opt.output);
  return kExitOk;
}

}  // namespace

void add_select_command(CLI::App& app, Action& action) {
  auto opt = std::make_shared<SelectOptions>();
  CLI::App* cmd = app.add_subcommand(
      "select", "The selection of ANALYSIS.md section 2: cutflows, best candidates, selected candidates to HDF5");
  cmd->add_option("--config", opt->config, "Scan config ([selection], [collider], [columns], [input])");
  cmd->add_option("--input", opt->input, "Event file (DATA.md); default: the config's [input] events");
  cmd->add_option("--output", opt->output, "HDF5 file to write (atomically): /selected/<sample>, /cutflow/<sample>")
      ->required();
  cmd->add_option("--sample", opt->samples, "Only this sample (repeatable); default: every sample");
  add_backend_flags(cmd, opt->compute);
  cmd->callback([opt, &action] { action = [opt] { return run_select(*opt); }; });
}

}  // namespace darkscan::cli
