#include "pipeline/main_job.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "errors.hpp"
#include "generator/generate.hpp"
#include "interpret/interpretation.hpp"
#include "io/atomic_output.hpp"
#include "io/file_checksum.hpp"
#include "io/provenance.hpp"
#include "lee/lee_file.hpp"
#include "lee/look_elsewhere.hpp"
#include "pipeline/stage.hpp"
#include "progress.hpp"
#include "scan/scan.hpp"
#include "scan/scan_file.hpp"
#include "selection/select.hpp"
#include "selection/select_file.hpp"
#include "signal_model/efficiency.hpp"
#include "signal_model/signal_model_file.hpp"

namespace darkscan::pipeline {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Paths {
  std::string events, selected, model, scan, results, interpretation, report, summary;
};

// The stages' results in memory: what a stage that ran in this call left for the next;
// otherwise read back from its file (it was up to date).
class StageResults {
 public:
  explicit StageResults(const Paths& paths) : paths_(paths) {}

  std::optional<selection::SelectionResult> selection;
  std::optional<signal_model::SignalModel> model;
  std::optional<scan::ScanResult> scan;
  std::optional<scan::ScanSettings> scan_settings;

  selection::SelectedData data() const {
    if (!selection) return selection::read_selected_data(paths_.selected);
    auto data = selection::selected_data(*selection);
    data.path = paths_.selected;  // what messages name: the file the data are in
    return data;
  }
  const signal_model::SignalModel& signal_model() {
    if (!model) model = signal_model::read_signal_model(paths_.model);
    return *model;
  }
  // The scan's settings, rows and combined rows (from `file` when the scan did not run
  // here), checked to be the scan of this selection and model.
  scan::ScanSettings settings(const std::string& file) const {
    auto s = scan_settings ? *scan_settings : scan::read_scan_settings(file);
    if (s.data_sha256 != io::sha256_file(paths_.selected))
      throw_input_error("{}: was made from other data than {} (SHA-256 differs)", file, paths_.selected);
    if (s.model_sha256 != io::sha256_file(paths_.model))
      throw_input_error("{}: was made with another model than {} (SHA-256 differs)", file, paths_.model);
    return s;
  }
  scan::ScanTable rows(const std::string& file) const { return scan ? scan->rows : scan::read_scan_rows(file); }
  scan::CombinedTable combined(const std::string& file) const {
    return scan ? scan->combined : scan::read_scan_combined(file);
  }

 private:
  const Paths& paths_;
};

Paths output_paths(const config::Config& cfg, const MainJobOptions& opt, const fs::path& dir) {
  Paths p;
  if (cfg.run.generate) p.events = (dir / "events.h5").string();  // the toy sample belongs to the run
  else if (!cfg.input.events.empty()) {
    try {
      p.events = config::events_file(cfg, "run", "[input] events");  // InputError when the file is not there
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}; run.generate = true makes the toy sample", e.what()));
    }
  } else {
    throw_input_error("{}: key 'input.events' is not set and run.generate is false: no events", opt.config);
  }
  p.selected = (dir / "selected.h5").string();
  p.model = (dir / "signal_model.h5").string();
  p.scan = (dir / "scan.h5").string();
  p.results = (dir / "results.h5").string();
  p.interpretation = (dir / "interpretation.h5").string();
  p.report = (dir / "report.md").string();
  p.summary = (dir / "summary.txt").string();
  return p;
}

io::Provenance provenance(const char* creator, const Backend& backend, const config::Config& cfg) {
  return {creator, {}, backend.description(), cfg.text};
}

std::vector<Stage> engine_stages(const config::Config& cfg, const MainJobOptions& opt, const Paths& p,
                                 Backend& backend, StageResults& mem) {
  const std::uint64_t toys = opt.toys > 0 ? opt.toys : cfg.run.toys;
  std::vector<Stage> stages;
  if (cfg.run.generate)
    stages.push_back({"generate", {p.events}, {}, p.events, {"run.seed", "model", "generate", "collider"}, [&, p] {
                        generator::GenerateRequest req;
                        req.config = cfg;
                        req.output = p.events;
                        req.seed = cfg.run.seed;
                        req.luminosity_fb = cfg.collider.luminosity_fb;
                        req.threads = opt.compute.threads >= 0 ? opt.compute.threads : cfg.run.threads;
                        const auto summary = generator::generate_file(req);
                        for (const auto& note : summary.notes) fmt::print(stderr, "note: {}\n", note);
                      }});
  stages.push_back({"select", {p.events}, {p.events}, p.selected,
                    {"input.chunk_rows", "columns", "collider", "selection"}, [&, p] {
                      const io::EventFile file(p.events);
                      auto result = selection::select(backend, file, cfg);
                      io::EventFileWriter writer(p.selected);
                      auto prov = provenance("darkscan select (docs/physics/selection.md)", backend, cfg);
                      io::add_input(prov, "input", file.path());
                      selection::write_selection(writer, result, prov);
                      writer.commit();
                      mem.selection = std::move(result);
                    }});
  stages.push_back({"efficiency", {p.events}, {p.events}, p.model,
                    {"input.chunk_rows", "columns", "collider", "selection", "model", "signal_model"}, [&, p] {
                      const io::EventFile file(p.events);
                      auto model = signal_model::efficiency(backend, file, cfg);
                      io::EventFileWriter writer(p.model);
                      auto prov = provenance("darkscan efficiency (docs/physics/signal-model.md)", backend, cfg);
                      io::add_input(prov, "input", file.path());
                      signal_model::write_signal_model(writer, model, prov, cfg.collider.luminosity_rel_unc);
                      writer.commit();
                      mem.model = std::move(model);
                    }});
  stages.push_back({"scan", {p.selected, p.model}, {p.selected, p.model}, p.scan,
                    {"collider", "selection", "model", "signal_model", "scan"}, [&, p] {
                      auto result = scan::run_scan(backend, cfg, mem.data(), mem.signal_model(), p.model);
                      for (const auto& note : result.notes) fmt::print(stderr, "note: {}\n", note);
                      io::EventFileWriter writer(p.scan);
                      auto prov = provenance("darkscan scan (docs/physics/window-scan.md and docs/physics/statistics.md)", backend, cfg);
                      io::add_input(prov, "data", p.selected);
                      prov.inputs.emplace_back("data_sample", std::string("data"));
                      prov.inputs.emplace_back("data_sha256", io::sha256_file(p.selected));
                      io::add_input(prov, "model", p.model, true);
                      scan::write_scan(writer, result, cfg, prov);
                      writer.commit();
                      mem.scan_settings = scan::scan_settings(cfg, io::sha256_file(p.selected), io::sha256_file(p.model));
                      mem.scan = std::move(result);
                    }});
  stages.push_back({"lee", {p.scan, fmt::format("toys {}", toys)}, {p.selected, p.model, p.scan}, p.results,
                    {"run.seed", "collider", "selection", "model", "signal_model", "scan"}, [&, p, toys] {
                      lee::LeeRequest request;
                      request.settings.toys = toys;
                      request.settings.seed = cfg.run.seed;
                      request.checkpoint = p.results + ".toys.partial";
                      request.toys_name = fmt::format("{}: key 'run.toys'", opt.config);
                      request.batch_name = "the toys' batch (4096)";
                      const auto settings = mem.settings(p.scan);
                      const auto rows = mem.rows(p.scan);
                      io::EventFileWriter writer(p.results, p.scan);
                      const auto r =
                          lee::look_elsewhere(backend, cfg, mem.data(), mem.signal_model(), p.model, rows, settings, request);
                      lee::write_lee(writer, r, backend.description());
                      writer.commit();
                      std::error_code ec;
                      fs::remove(request.checkpoint, ec);
                    }});
  stages.push_back({"interpret", {p.results, p.model}, {p.results, p.model}, p.interpretation,
                    {"collider", "model", "interpret"}, [&, p] {
                      const auto settings = mem.settings(p.results);
                      const auto r = interpret::interpret(backend, cfg, opt.config, mem.rows(p.results),
                                                          mem.combined(p.results), settings, &mem.signal_model(), {});
                      io::EventFileWriter writer(p.interpretation);
                      auto prov = provenance("darkscan interpret (docs/physics/interpretation.md)", backend, cfg);
                      io::add_input(prov, "scan", p.results, true);
                      prov.inputs.emplace_back("model", p.model);
                      interpret::write_interpretation(writer, r, prov);
                      writer.commit();
                    }});
  return stages;
}

// Runs the stage unless it is up to date; the time it took, or skipped.
StageTime run_stage(const Stage& stage, const config::Config& cfg, bool force) {
  // A cancelled job (progress.hpp) stops between stages, those done kept, even when the
  // stage it was in reports no progress.
  check_cancelled();
  const std::string fp = fingerprint(stage, config::canonical_text(cfg, stage.config_sections));
  if (!force && up_to_date(stage, fp)) {
    fmt::print(stderr, "run: {} is up to date ({})\n", stage.name, stage.output);
    return {stage.name, false, 0};
  }
  fmt::print(stderr, "run: {}\n", stage.name);
  const auto start = Clock::now();
  try {
    stage.run();
  } catch (const InputError& e) {
    throw InputError(fmt::format("stage {}: {}", stage.name, e.what()));
  } catch (const Cancelled&) {
    throw;
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("stage {} failed: {}; the stages before it are kept and the same command "
                                         "resumes from it",
                                         stage.name, e.what()));
  }
  record(stage, fp);
  return {stage.name, true, std::chrono::duration<double>(Clock::now() - start).count()};
}

// Asked of each candidate Python without importing anything (a few tens of milliseconds):
// whether it has darkscan with its plot module, matplotlib and h5py; if so, the files of
// darkscan.plot, one a line, which the plots' fingerprint hashes (a changed module redraws).
constexpr const char* kPlotProbe = R"(import importlib.util as u, os, sys
missing = [m for m in ("darkscan", "matplotlib", "h5py") if u.find_spec(m) is None]
d = None if "darkscan" in missing else os.path.join(u.find_spec("darkscan").submodule_search_locations[0], "plot")
if d is not None and not os.path.isfile(os.path.join(d, "__main__.py")):
    missing.insert(0, "darkscan.plot")
if missing:
    print("missing " + ", ".join(missing))
    sys.exit(3)
print("\n".join(os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith(".py")))
)";

struct PlotPython {
  std::string interpreter;
  std::vector<std::string> sources;  // darkscan.plot's files
};

// The first of `candidates` that can draw the plots; else none, with what each lacked in
// `tried` ("python3: missing darkscan; ...").
std::optional<PlotPython> find_plot_python(const std::vector<std::string>& candidates, std::string& tried) {
  for (const auto& python : candidates) {
    std::string output;
    const int status = run_program_output({python, "-c", kPlotProbe}, output);
    std::vector<std::string> lines;
    for (std::size_t start = 0; start < output.size();) {
      const std::size_t end = std::min(output.find('\n', start), output.size());
      if (end > start) lines.push_back(output.substr(start, end - start));
      start = end + 1;
    }
    if (status == 0 && !lines.empty()) return PlotPython{python, lines};
    const std::string why = status == 127 ? "not found"
                            : status == 3 && !lines.empty() ? lines.front()
                                                            : fmt::format("probe failed (exit {})", status);
    tried += fmt::format("{}{}: {}", tried.empty() ? "" : "; ", python, why);
  }
  return std::nullopt;
}

// The plots and report.md, drawn by the package's darkscan.plot (docs/commands/run.md); no
// Python that has it, or a failure, is said in one line, not fatal: the results are
// complete without them.
void run_plots(const MainJobOptions& opt, const config::Config& cfg, const fs::path& dir, const Paths& p,
               std::vector<StageTime>& times) {
  if (!opt.plots) return;
  std::string tried;
  const auto python = find_plot_python(opt.plot_pythons, tried);
  if (!python) {
    fmt::print(stderr,
               "run: plots skipped: no Python with darkscan, matplotlib and h5py ({}); scripts/setup.sh installs "
               "them in .venv, DARKSCAN_PYTHON names another; the results are complete without them\n",
               tried.empty() ? "none given" : tried);
    return;
  }
  const std::vector<std::string> argv{python->interpreter, "-m",      "darkscan.plot", "--dir",
                                      dir.string(),        "--selected", p.selected,   "--model",
                                      p.model,             "--results",  p.results,    "--interpretation",
                                      p.interpretation,    "--summary",  p.summary};
  std::vector<std::string> inputs{p.selected, p.model, p.results, p.interpretation};
  inputs.insert(inputs.end(), python->sources.begin(), python->sources.end());
  Stage plots{"plots", argv, inputs, p.report, {}, {}};
  const std::string fp = fingerprint(plots, cfg.text);  // the report shows the whole config
  // The figures are drawn by as many processes as the stages' threads (0: darkscan.plot
  // uses every core); the count changes no figure, so it stays out of the fingerprint.
  std::vector<std::string> command = argv;
  if (const int threads = opt.compute.threads >= 0 ? opt.compute.threads : cfg.run.threads; threads > 0)
    command.insert(command.end(), {"--jobs", std::to_string(threads)});
  if (!opt.force && up_to_date(plots, fp)) {
    fmt::print(stderr, "run: plots are up to date ({})\n", p.report);
    times.push_back({"plots", false, 0});
    return;
  }
  fmt::print(stderr, "run: plots\n");
  const auto start = Clock::now();
  if (const int status = run_program(command); status != 0) {
    fmt::print(stderr, "run: plots failed (exit {}); the results are complete without them\n", status);
    return;
  }
  record(plots, fp);
  times.push_back({"plots", true, std::chrono::duration<double>(Clock::now() - start).count()});
}

}  // namespace

MainJobResult run_main_job(const MainJobOptions& opt) {
  const config::Config cfg = config::load(opt.config);
  MainJobResult out;
  out.dir = opt.output_dir.empty() ? fs::path(cfg.run.output_dir) : fs::path(opt.output_dir);
  std::error_code ec;
  fs::create_directories(out.dir, ec);
  if (ec || !fs::is_directory(out.dir))
    throw_input_error("{}: cannot create the output folder ({})", out.dir.string(), ec.message());
  const Paths p = output_paths(cfg, opt, out.dir);
  std::string why;
  auto backend = make_backend(opt.compute, cfg, &why);
  fmt::print(stderr, "{}\n", why);

  StageResults mem(p);
  for (const auto& stage : engine_stages(cfg, opt, p, *backend, mem)) out.times.push_back(run_stage(stage, cfg, opt.force));

  // The results are read once; the plots do not change them.
  out.results = results_summary({p.events, p.selected, p.model, p.scan, p.results, p.interpretation});
  {
    io::AtomicOutput summary(p.summary);
    for (const auto& l : out.results) summary.write(l + '\n');
    summary.write(stages_summary(out.times) + '\n');
    summary.commit();
  }
  run_plots(opt, cfg, out.dir, p, out.times);
  if (fs::exists(p.report)) out.report = p.report;
  return out;
}

}  // namespace darkscan::pipeline
