#include "pipeline/main_job.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "errors.hpp"
#include "generator/generate.hpp"
#include "interpret/interpret_file.hpp"
#include "interpret/interpret_shard_file.hpp"
#include "interpret/interpretation.hpp"
#include "io/atomic_output.hpp"
#include "io/file_checksum.hpp"
#include "io/provenance.hpp"
#include "lee/lee_file.hpp"
#include "lee/look_elsewhere.hpp"
#include "mpi/distributed_lee.hpp"
#include "mpi/distributed_shards.hpp"
#include "mpi/ranked_stages.hpp"
#include "pipeline/stage.hpp"
#include "progress.hpp"
#include "scan/scan.hpp"
#include "scan/scan_file.hpp"
#include "selection/select.hpp"
#include "selection/select_file.hpp"
#include "signal_model/efficiency.hpp"
#include "signal_model/efficiency_shard_file.hpp"
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

// Whether this process writes the job's files and speaks: one process, or rank 0.
bool writes(const MainJobOptions& opt) { return !opt.world || opt.world->rank() == 0; }

// The signal model over the ranks (mpi/ranked_stages.hpp): each builds its shard of the
// points, rank 0 writes the model of one process.
void efficiency_on_ranks(const mpi::World& world, Backend& backend, const config::Config& cfg,
                         const io::EventFile& file, const io::Provenance& prov, const std::string& output) {
  std::optional<io::EventFileWriter> writer;  // an unwritable destination is said before the work
  if (world.rank() == 0) writer.emplace(output);
  const io::Attributes root = signal_model::signal_model_root_attributes(prov, cfg.collider.luminosity_rel_unc);
  const std::string fp = signal_model::efficiency_fingerprint(root, backend.name(), file.path());
  mpi::check_same_run(world, fp, "efficiency");
  const Shard shard = mpi::rank_shard(world);
  const auto model = signal_model::efficiency(backend, file, cfg, shard);
  mpi::efficiency_on_rank0(world, model, root, {"efficiency", shard, fp, backend.description()},
                           writer ? &*writer : nullptr, backend.description(), nullptr);
  if (writer) writer->commit();
}

// The scan over the ranks: each computes the statistics of its shard of the rows, rank 0
// writes the scan of one process and returns it.
std::optional<scan::ScanResult> scan_on_ranks(const mpi::World& world, Backend& backend, const config::Config& cfg,
                                              const selection::SelectedData& data,
                                              const signal_model::SignalModel& model, const std::string& model_path,
                                              const io::Provenance& prov, const std::string& output) {
  std::optional<io::EventFileWriter> writer;
  if (world.rank() == 0) writer.emplace(output);
  const io::Attributes root = scan::scan_root_attributes(cfg, prov);
  const std::string fp = io::run_fingerprint("scan", root, backend.name());
  mpi::check_same_run(world, fp, "scan");
  const Shard shard = mpi::rank_shard(world);
  const auto mine = scan::run_scan(backend, cfg, data, model, model_path, shard);
  auto whole = mpi::scan_on_rank0(world, mine, root, {"scan", shard, fp, backend.description()},
                                  writer ? &*writer : nullptr, backend.description(), nullptr);
  if (writer) writer->commit();
  return whole;
}

std::vector<Stage> engine_stages(const config::Config& cfg, const MainJobOptions& opt, const Paths& p,
                                 Backend& backend, StageResults& mem) {
  const std::uint64_t toys = opt.toys > 0 ? opt.toys : cfg.run.toys;
  std::vector<Stage> stages;
  if (cfg.run.generate)
    stages.push_back({"generate", {p.events}, {}, p.events, {"run.seed", "model", "generate", "collider"}, [&, p] {
                        if (!writes(opt)) return;  // rank 0 alone (docs/cluster.md#mpi)
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
                      if (!writes(opt)) return;  // rank 0 alone
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
                      auto prov = provenance("darkscan efficiency (docs/physics/signal-model.md)", backend, cfg);
                      io::add_input(prov, "input", file.path());
                      if (opt.world) return efficiency_on_ranks(*opt.world, backend, cfg, file, prov, p.model);
                      auto model = signal_model::efficiency(backend, file, cfg);
                      io::EventFileWriter writer(p.model);
                      signal_model::write_signal_model(writer, model, prov, cfg.collider.luminosity_rel_unc);
                      writer.commit();
                      mem.model = std::move(model);
                    }});
  stages.push_back({"scan", {p.selected, p.model}, {p.selected, p.model}, p.scan,
                    {"collider", "selection", "model", "signal_model", "scan"}, [&, p] {
                      auto prov = provenance("darkscan scan (docs/physics/window-scan.md and docs/physics/statistics.md)", backend, cfg);
                      io::add_input(prov, "data", p.selected);
                      prov.inputs.emplace_back("data_sample", std::string("data"));
                      prov.inputs.emplace_back("data_sha256", io::sha256_file(p.selected));
                      io::add_input(prov, "model", p.model, true);
                      std::optional<scan::ScanResult> result;
                      if (opt.world) {
                        result = scan_on_ranks(*opt.world, backend, cfg, mem.data(), mem.signal_model(), p.model, prov,
                                               p.scan);
                      } else {
                        result = scan::run_scan(backend, cfg, mem.data(), mem.signal_model(), p.model);
                        io::EventFileWriter writer(p.scan);
                        scan::write_scan(writer, *result, cfg, prov);
                        writer.commit();
                      }
                      if (!result) return;  // another rank than 0: rank 0 wrote the scan
                      for (const auto& note : result->notes) fmt::print(stderr, "note: {}\n", note);
                      mem.scan_settings = scan::scan_settings(cfg, io::sha256_file(p.selected), io::sha256_file(p.model));
                      mem.scan = std::move(*result);
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
                      std::error_code ec;
                      if (opt.world) {  // each rank its shard of the toys, with its own checkpoint
                        request.checkpoint = mpi::rank_checkpoint(p.results, *opt.world);
                        std::optional<io::EventFileWriter> writer;
                        if (writes(opt)) writer.emplace(p.results, p.scan);
                        const auto ranked = mpi::look_elsewhere_on_ranks(*opt.world, backend, cfg, mem.data(),
                                                                         mem.signal_model(), p.model, rows, settings,
                                                                         request);
                        if (writer) {
                          lee::write_lee(*writer, *ranked.result, backend.description());
                          writer->commit();
                        }
                        // The output is complete: every rank's checkpoint may go.
                        opt.world->barrier();
                        fs::remove(request.checkpoint, ec);
                        return;
                      }
                      io::EventFileWriter writer(p.results, p.scan);
                      const auto r =
                          lee::look_elsewhere(backend, cfg, mem.data(), mem.signal_model(), p.model, rows, settings, request);
                      lee::write_lee(writer, r, backend.description());
                      writer.commit();
                      fs::remove(request.checkpoint, ec);
                    }});
  stages.push_back({"interpret", {p.results, p.model}, {p.results, p.model}, p.interpretation,
                    {"collider", "model", "interpret"}, [&, p] {
                      auto prov = provenance("darkscan interpret (docs/physics/interpretation.md)", backend, cfg);
                      io::add_input(prov, "scan", p.results, true);
                      prov.inputs.emplace_back("model", p.model);
                      const auto settings = mem.settings(p.results);
                      interpret::InterpretRequest request;
                      std::optional<io::EventFileWriter> writer;  // an unwritable destination is said first
                      if (writes(opt)) writer.emplace(p.interpretation);
                      const io::Attributes root = io::provenance_attributes(prov);
                      std::string fp;
                      if (opt.world) {  // each rank its shard of the grid masses and y-limit pairs
                        fp = interpret::interpret_fingerprint(root, backend.name(), request, p.model);
                        mpi::check_same_run(*opt.world, fp, "interpret");
                        request.shard = mpi::rank_shard(*opt.world);
                      }
                      const auto r = interpret::interpret(backend, cfg, opt.config, mem.rows(p.results),
                                                          mem.combined(p.results), settings, &mem.signal_model(), request);
                      if (opt.world)
                        mpi::interpret_on_rank0(*opt.world, r, root, {"interpret", request.shard, fp, backend.description()},
                                                writer ? &*writer : nullptr, backend.description(), nullptr);
                      else
                        interpret::write_interpretation(*writer, r, root);
                      if (writer) writer->commit();
                    }});
  return stages;
}

// Runs the stage unless it is up to date; the time it took, or skipped.
StageTime run_stage(const Stage& stage, const config::Config& cfg, const MainJobOptions& opt) {
  const bool force = opt.force;
  // A cancelled job (progress.hpp) stops between stages, those done kept, even when the
  // stage it was in reports no progress.
  check_cancelled();
  const std::string fp = fingerprint(stage, config::canonical_text(cfg, stage.config_sections));
  // Every rank decides alike: rank 0 records a stage before any rank goes on (below).
  if (!force && up_to_date(stage, fp)) {
    if (writes(opt)) fmt::print(stderr, "run: {} is up to date ({})\n", stage.name, stage.output);
    return {stage.name, false, 0};
  }
  if (writes(opt)) fmt::print(stderr, "run: {}\n", stage.name);
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
  if (writes(opt)) record(stage, fp);
  // The next stage reads this one's file: no rank goes on before rank 0 has written it.
  if (opt.world) opt.world->barrier();
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
  if (writes(opt))
    fmt::print(stderr, "{}{}\n", why, opt.world ? fmt::format(" (rank 0 of {}; every rank its own)", opt.world->size()) : "");

  StageResults mem(p);
  for (const auto& stage : engine_stages(cfg, opt, p, *backend, mem)) out.times.push_back(run_stage(stage, cfg, opt));
  if (!writes(opt)) return out;

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
