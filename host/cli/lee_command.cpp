// darkscan lee: the look-elsewhere effect of ANALYSIS.md section 6 from background-only
// toys of the whole scan, with the Gross–Vitells estimate beside it, added to the scan's
// result file. Toys are checkpointed after every batch: an interrupted or failed run
// keeps them, and the same command resumes where it stopped.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "backend/backend.hpp"
#include "cli/backend_flags.hpp"
#include "cli/commands.hpp"
#include "config/config.hpp"
#include "darkscan/version.hpp"
#include "errors.hpp"
#include "io/event_file.hpp"
#include "io/event_writer.hpp"
#include "io/file_checksum.hpp"
#include "lee/lee.hpp"
#include "lee/toy_checkpoint.hpp"
#include "progress.hpp"
#include "scan/scan.hpp"
#include "signal_model/signal_model_file.hpp"

namespace darkscan::cli {

namespace {

using physics::kFinalStateNames;
using Clock = std::chrono::steady_clock;

struct LeeOptions {
  std::string config;
  std::string data;
  std::string model;
  std::string scan;
  std::string output;  // default: the scan file, extended
  std::uint64_t toys = 10000;
  std::int64_t seed = -1;  // -1: run.seed
  std::uint64_t batch = 4096;
  double gv_level = 1.0;
  BackendFlags compute;
};

// The scan file must be the scan of these data and this model.
void check_scan_file(const std::string& scan_path, const std::string& data_sha, const std::string& model_sha) {
  h5::silence_errors();
  const h5::File file = h5::open_file_readonly(scan_path);
  std::string data, model;
  for (const auto& [k, v] : h5::read_attributes(file.get(), scan_path)) {
    if (k == "data_sha256" && std::holds_alternative<std::string>(v)) data = std::get<std::string>(v);
    if (k == "model_sha256" && std::holds_alternative<std::string>(v)) model = std::get<std::string>(v);
  }
  if (data.empty() || model.empty())
    throw_input_error("{}: not a darkscan scan output (no data_sha256 / model_sha256 attributes)", scan_path);
  if (data != data_sha) throw_input_error("{}: was made from other data than --data (SHA-256 differs)", scan_path);
  if (model != model_sha) throw_input_error("{}: was made with another model than --model (SHA-256 differs)", scan_path);
}

template <class T, class Get>
io::HostColumn toy_column(const char* name, const std::vector<lee::ToyOutcome>& toys, Get get) {
  std::vector<T> v;
  v.reserve(toys.size());
  for (const auto& t : toys) v.push_back(static_cast<T>(get(t)));
  return io::HostColumn::from<T>(name, std::span<const T>(v));
}

int run_lee_command(const LeeOptions& opt) {
  const auto start = Clock::now();
  const config::Config cfg = opt.config.empty() ? config::Config{} : config::load(opt.config);
  if (opt.toys == 0) throw_input_error("--toys: must be positive");
  if (!(opt.gv_level > 0)) throw_input_error("--gv-level: {} must be positive (a level in q = Z^2)", opt.gv_level);
  const std::string output = opt.output.empty() ? opt.scan : opt.output;
  const scan::SelectedData data = scan::read_selected_data(opt.data);
  const auto model = signal_model::read_signal_model(opt.model);
  const std::string data_sha = io::sha256_file(opt.data), model_sha = io::sha256_file(opt.model);
  check_scan_file(opt.scan, data_sha, model_sha);
  io::EventFileWriter writer(output, opt.scan);  // an unwritable destination is said before the toys

  lee::LeeSettings settings;
  settings.toys = opt.toys;
  settings.seed = opt.seed >= 0 ? static_cast<std::uint64_t>(opt.seed) : cfg.run.seed;
  settings.batch = opt.batch;
  settings.upcrossing_level = opt.gv_level;
  const lee::Windows windows = scan::scan_windows(cfg, model, opt.model);
  const auto regions = lee::toy_regions(cfg, data);
  const lee::ToyOutcome observed = lee::scan_observed(data, windows, settings);

  std::string why;
  auto backend = make_backend(opt.compute, cfg, &why);
  const std::filesystem::path checkpoint = output + ".toys.partial";
  const std::string fingerprint = fmt::format("darkscan {} seed {} data {} model {} config {} level {} nodes {}",
                                              version(), settings.seed, data_sha, model_sha,
                                              std::hash<std::string>{}(cfg.text), settings.upcrossing_level,
                                              settings.legendre_nodes);
  std::vector<lee::ToyOutcome> toys = lee::read_checkpoint(checkpoint, fingerprint);
  if (toys.size() > settings.toys) toys.resize(settings.toys);
  if (!toys.empty()) fmt::print(stderr, "resuming after {} toys kept in {}\n", toys.size(), checkpoint.string());
  const std::uint64_t first = toys.size();
  const auto toy_start = Clock::now();
  {
    Progress progress("lee", settings.toys - first, "toys");
    try {
      lee::run_toys(*backend, regions, windows, settings, first, settings.toys - first, toys, &progress,
                    [&](const std::vector<lee::ToyOutcome>& done) { lee::write_checkpoint(checkpoint, fingerprint, done); });
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("{} ({} toys kept in {}; the same command resumes)", e.what(), toys.size(),
                                           checkpoint.string()));
    }
    progress.finish();
  }
  const double toy_seconds = std::chrono::duration<double>(Clock::now() - toy_start).count();
  const lee::LeeSummary s = lee::summarise(observed, toys, settings.upcrossing_level);

  io::Attributes attrs = {{"creator", std::string("darkscan lee (ANALYSIS.md section 6)")},
                          {"darkscan_version", std::string(version())},
                          {"seed", static_cast<std::int64_t>(settings.seed)},
                          {"toys", static_cast<std::int64_t>(s.toys)},
                          {"z_local", s.z_local},
                          {"p_local", s.p_local},
                          {"exceeding", static_cast<std::int64_t>(s.exceeding)},
                          {"p_global", s.p_global},
                          {"p_global_unc", s.p_global_unc},
                          {"z_global", s.z_global},
                          {"trials_factor", s.trials_factor},
                          {"gv_level_q", settings.upcrossing_level},
                          {"p_gross_vitells", s.p_gross_vitells},
                          {"z_gross_vitells", s.z_gross_vitells},
                          {"backend", backend->description()}};
  for (int fs = 0; fs < physics::kFinalStates; ++fs) {
    attrs.emplace_back(fmt::format("mean_upcrossings_{}", kFinalStateNames[fs]), s.mean_upcrossings[fs]);
    attrs.emplace_back(fmt::format("observed_z_{}", kFinalStateNames[fs]), observed.max_z_fs[fs]);
  }
  io::HostBatch table;
  table.rows = toys.size();
  std::vector<std::int64_t> index(toys.size());
  for (std::size_t i = 0; i < index.size(); ++i) index[i] = static_cast<std::int64_t>(i);
  table.columns.push_back(io::HostColumn::from<std::int64_t>("toy", index));
  table.columns.push_back(toy_column<double>("max_z", toys, [](const auto& t) { return t.max_z; }));
  for (int fs = 0; fs < physics::kFinalStates; ++fs)
    table.columns.push_back(toy_column<double>(fmt::format("max_z_{}", kFinalStateNames[fs]).c_str(), toys,
                                               [fs](const auto& t) { return t.max_z_fs[fs]; }));
  for (int fs = 0; fs < physics::kFinalStates; ++fs)
    table.columns.push_back(toy_column<std::int32_t>(fmt::format("upcrossings_{}", kFinalStateNames[fs]).c_str(),
                                                     toys, [fs](const auto& t) { return t.upcrossings[fs]; }));
  table.columns.push_back(toy_column<std::int64_t>("events", toys, [](const auto& t) { return t.events; }));
  writer.remove_group("lee");
  writer.begin_table("lee", "toys", attrs, table);
  writer.commit();
  std::error_code ec;
  std::filesystem::remove(checkpoint, ec);

  fmt::print(stderr, "{}\n", why);
  fmt::print("observed: largest local Z = {:.3f} (p = {:.3g}){}\n", s.z_local, s.p_local,
             observed.max_z > -HUGE_VAL
                 ? fmt::format(", per final state {}", [&] {
                     std::string t;
                     for (int fs = 0; fs < physics::kFinalStates; ++fs)
                       if (!windows[fs].empty())
                         t += fmt::format("{}{} {:.2f}", t.empty() ? "" : ", ", kFinalStateNames[fs],
                                          observed.max_z_fs[fs]);
                     return t;
                   }())
                 : "");
  fmt::print("toys: {} ({} reach it): global p = {:.4g} ± {:.2g}, global Z = {:.3f}, trials factor {:.3g}\n", s.toys,
             s.exceeding, s.p_global, s.p_global_unc, s.z_global, s.trials_factor);
  fmt::print("Gross–Vitells (c0 = {} in Z^2, up-crossings per toy {:.3g}): global p ≈ {:.4g}, Z ≈ {:.3f}\n",
             settings.upcrossing_level, s.mean_upcrossings[0] + s.mean_upcrossings[1] + s.mean_upcrossings[2],
             s.p_gross_vitells, s.z_gross_vitells);
  fmt::print("{} toys in {:.2f} s ({:.3g} toys/s) on {}; total {:.2f} s -> {}\n", settings.toys - first, toy_seconds,
             static_cast<double>(settings.toys - first) / toy_seconds, backend->description(),
             std::chrono::duration<double>(Clock::now() - start).count(), output);
  return kExitOk;
}

}  // namespace

void add_lee_command(CLI::App& app, Action& action) {
  auto opt = std::make_shared<LeeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "lee", "Look-elsewhere effect: global significance from background-only toys of the whole scan");
  cmd->add_option("--config", opt->config, "Scan config (the one the scan ran with)");
  cmd->add_option("--data", opt->data, "darkscan select output holding /selected/data")->required();
  cmd->add_option("--model", opt->model, "darkscan efficiency output (the signal model)")->required();
  cmd->add_option("--scan", opt->scan, "darkscan scan output of these data and model")->required();
  cmd->add_option("--output", opt->output, "File to write (default: the --scan file, extended with /lee)");
  cmd->add_option("--toys", opt->toys, "Background-only toys")->capture_default_str();
  cmd->add_option("--seed", opt->seed, "Seed of the toys (default: the config's run.seed)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--batch", opt->batch, "Toys per backend call and per checkpoint")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--gv-level", opt->gv_level, "Gross–Vitells reference level c0 in q = Z^2")->capture_default_str();
  add_backend_flags(cmd, opt->compute);
  cmd->callback([opt, &action] { action = [opt] { return run_lee_command(*opt); }; });
}

}  // namespace darkscan::cli
