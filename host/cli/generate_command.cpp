// darkscan generate: the toy Belle II event generator (signal grid, background
// cocktail, data) writing the event-file layout (docs/formats/events.md).
#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>

#include "cli/commands.hpp"
#include "config/config.hpp"
#include "errors.hpp"
#include "generator/generate.hpp"

namespace darkscan::cli {

namespace {

struct GenerateOptions {
  std::string config;
  std::string output;
  std::vector<std::string> signal_points;
  std::uint64_t events = 10000;
  std::int64_t seed = -1;
  std::optional<double> lumi_fb;
  int threads = -1;
};

double parse_number(const std::string& text, const std::string& where) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v))
    throw_input_error("{}: '{}' is not a number", where, text);
  return v;
}

// "final_state=pipi,m_hp=0.5,ctau_hp_cm=1.0[,m_chi1=..,delta_m=..,m_ap=..,alpha_d=..,epsilon=..,ctau_chi2_cm=..]";
// parameters left out take the config's [model] values. `suffix` receives the given
// dark-sector parameters as a sample-name suffix ("_m_chi11_delta_m0.4").
generator::SignalPoint parse_signal_point(const std::string& spec, const config::ModelConfig& model,
                                          std::string& suffix) {
  const std::string where = fmt::format("--signal-point '{}'", spec);
  generator::SignalPoint p = generator::model_point(model);
  std::map<std::string, bool> seen;
  std::stringstream in(spec);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) throw_input_error("{}: '{}' is not key=value", where, item);
    const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    const std::string at = fmt::format("{}: key '{}'", where, key);
    if (seen[key]) throw_input_error("{}: given twice", at);
    seen[key] = true;
    if (key == "final_state") {
      p.final_state = generator::final_state_from_name(value);
      if (p.final_state < 0) throw_input_error("{}: '{}' is not one of mumu | pipi | kk", at, value);
      continue;
    }
    const double v = parse_number(value, at);
    if (!(v > 0)) throw_input_error("{}: {} must be positive", at, value);
    if (key != "m_hp" && key != "ctau_hp_cm") suffix += fmt::format("_{}{:g}", key, v);
    if (key == "m_hp") p.m_hp = v;
    else if (key == "ctau_hp_cm") p.ctau_hp_cm = v;
    else if (key == "m_chi1") p.dark.m_chi1 = v;
    else if (key == "delta_m") p.dark.delta_m = v;
    else if (key == "m_ap") p.dark.m_ap = v;
    else if (key == "alpha_d") p.dark.alpha_d = v;
    else if (key == "epsilon") p.dark.epsilon = v;
    else if (key == "ctau_chi2_cm") p.ctau_chi2_cm = v;
    else
      throw_input_error("{}: unknown (known: final_state, m_hp, ctau_hp_cm, m_chi1, delta_m, m_ap, alpha_d, "
                        "epsilon, ctau_chi2_cm)", at);
  }
  for (const char* required : {"final_state", "m_hp", "ctau_hp_cm"})
    if (!seen[required]) throw_input_error("{}: key '{}' is required", where, required);
  return p;
}

int run_generate(const GenerateOptions& opt) {
  generator::GenerateRequest req;
  req.config = opt.config.empty() ? config::Config{} : config::load(opt.config);
  req.output = opt.output;
  req.seed = opt.seed >= 0 ? static_cast<std::uint64_t>(opt.seed) : req.config.run.seed;
  if (opt.lumi_fb && !(*opt.lumi_fb > 0 && std::isfinite(*opt.lumi_fb)))
    throw_input_error("--lumi-fb: {} is not a positive luminosity (fb^-1)", *opt.lumi_fb);
  req.luminosity_fb = opt.lumi_fb ? *opt.lumi_fb : req.config.collider.luminosity_fb;
  req.threads = opt.threads >= 0 ? opt.threads : req.config.run.threads;
  for (const auto& spec : opt.signal_points) {
    std::string suffix;
    req.signal_points.push_back(parse_signal_point(spec, req.config.model, suffix));
    req.signal_point_suffixes.push_back(suffix);
  }
  req.events_per_point = opt.events;

  const auto summary = generator::generate_file(req);
  for (const auto& note : summary.notes) fmt::print(stderr, "note: {}\n", note);
  std::uint64_t events = 0, candidates = 0;
  fmt::print("{:<28} {:<10} {:>12} {:>12} {:>14}\n", "sample", "kind", "events", "candidates", "sigma (fb)");
  for (const auto& s : summary.samples) {
    fmt::print("{:<28} {:<10} {:>12} {:>12} {:>14.6g}\n", s.name, s.kind, s.events, s.candidates, s.cross_section_fb);
    events += s.events;
    candidates += s.candidates;
  }
  fmt::print("{} events, {} candidates in {} samples, {:.2f} s ({:.3g} events/s) -> {}\n", events, candidates,
             summary.samples.size(), summary.seconds, static_cast<double>(events) / summary.seconds, opt.output);
  return kExitOk;
}

}  // namespace

void add_generate_command(CLI::App& app, Action& action) {
  auto opt = std::make_shared<GenerateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "generate", "Toy Belle II events in the event-file layout (docs/formats/events.md): a signal grid, the background cocktail and data");
  cmd->add_option("--config", opt->config, "Scan config ([model], [generate], [collider]); defaults without it");
  cmd->add_option("--output", opt->output, "HDF5 event file to write (atomically)")->required();
  cmd->add_option("--seed", opt->seed, "Seed of every random stream (default: the config's run.seed)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--lumi-fb", opt->lumi_fb, "Luminosity of data and MC normalisation (default: collider.luminosity_fb)");
  cmd->add_option("--signal-point", opt->signal_points,
                  "Generate only this signal sample: final_state=pipi,m_hp=0.5,ctau_hp_cm=1.0 (and optionally "
                  "m_chi1, delta_m, m_ap, alpha_d, epsilon, ctau_chi2_cm); repeatable")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--events", opt->events, "Events per --signal-point sample")
      ->check(CLI::PositiveNumber)
      ->needs("--signal-point");
  cmd->add_option("--threads", opt->threads, "CPU threads (0: every core; default: the config's run.threads)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([opt, &action] { action = [opt] { return run_generate(*opt); }; });
}

}  // namespace darkscan::cli
