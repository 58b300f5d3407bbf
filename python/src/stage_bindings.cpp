// darkscan._core.select / efficiency / scan / lee / interpret / run: the stages of
// docs/development.md#stages,
// each the stage function the command calls, with the same config, backend choice and
// provenance, its file written through the same writer (so the file equals the
// command's), and its result handed to Python as numpy arrays that own the engine's
// vectors (docs/python.md#stages), or, for lee and interpret, the tables of the file read
// back. Each runs watched (watched.hpp): on a thread of its own with the GIL released,
// its progress reported and Ctrl-C stopping it with no output written.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/variant.h>
#include <nanobind/stl/vector.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "arrays.hpp"
#include "bindings.hpp"
#include "config/config.hpp"
#include "errors.hpp"
#include "file_tables.hpp"
#include "interpret/interpretation.hpp"
#include "io/event_file.hpp"
#include "io/file_checksum.hpp"
#include "io/provenance.hpp"
#include "lee/lee_file.hpp"
#include "lee/look_elsewhere.hpp"
#include "pipeline/compute.hpp"
#include "pipeline/main_job.hpp"
#include "progress.hpp"
#include "scan/scan.hpp"
#include "scan/scan_file.hpp"
#include "selection/select.hpp"
#include "selection/select_file.hpp"
#include "signal_model/efficiency.hpp"
#include "signal_model/signal_model_file.hpp"
#include "watched.hpp"

namespace nb = nanobind;

namespace darkscan::python {

namespace {

// What every stage takes beside its files: the config (empty: every key at its default)
// and the backend (empty and negative: the config's [run] choice), as the commands'
// --config, --backend and --threads.
struct Setup {
  config::Config config;
  std::unique_ptr<Backend> backend;
};

Setup setup(const std::string& config_path, const std::string& backend, int threads) {
  Setup s{config_path.empty() ? config::Config{} : config::load(config_path), nullptr};
  std::string why;
  s.backend = pipeline::make_backend(pipeline::ComputeChoice{backend, threads, -1}, s.config, &why);
  return s;
}

template <class T, std::size_t N>
nb::object array_of(const std::array<T, N>& values) {
  return nb::cast(to_numpy(std::vector<T>(values.begin(), values.end())));
}

nb::dict select(const std::string& config_path, const std::string& input, const std::string& output,
                const std::vector<std::string>& samples, const std::string& backend_name, int threads,
                nb::handle progress) {
  selection::SelectionResult result;
  std::string backend;
  run_watched(progress, [&] {
    Setup s = setup(config_path, backend_name, threads);
    const io::EventFile file(input.empty() ? config::events_file(s.config, "select", "input") : input);
    for (const auto& name : samples) file.sample(name);  // an unknown sample is said before the work
    io::EventFileWriter writer(output);                  // so is an unwritable destination
    result = selection::select(*s.backend, file, s.config, samples);
    backend = s.backend->description();
    const io::Provenance provenance{"darkscan select (docs/physics/selection.md)", {{"input", file.path()}}, backend,
                                    s.config.text};
    selection::write_selection(writer, result, provenance);
    check_cancelled();
    writer.commit();
  });
  nb::list out;
  for (auto& r : result.samples) {
    nb::dict d;
    d["name"] = r.name;
    d["kind"] = r.kind;
    d["rows"] = r.rows;
    d["weight_scale"] = r.weight_scale;
    d["candidates"] = array_of(r.candidates);
    d["weighted"] = array_of(r.weighted);
    d["selected_events"] = array_of(r.selected_events);
    d["selected"] = to_numpy(std::move(r.selected));
    out.append(d);
  }
  nb::dict d;
  d["samples"] = out;
  d["candidates"] = result.candidates;
  d["seconds"] = result.seconds;
  d["backend"] = backend;
  d["luminosity_fb"] = result.luminosity_fb;
  return d;
}

nb::dict efficiency(const std::string& config_path, const std::string& input, const std::string& output,
                    const std::string& backend_name, int threads, nb::handle progress) {
  signal_model::SignalModel model;
  std::string backend;
  run_watched(progress, [&] {
    Setup s = setup(config_path, backend_name, threads);
    const io::EventFile file(input.empty() ? config::events_file(s.config, "efficiency", "input") : input);
    io::EventFileWriter writer(output);
    model = signal_model::efficiency(*s.backend, file, s.config);
    backend = s.backend->description();
    const io::Provenance provenance{"darkscan efficiency (docs/physics/signal-model.md)", {{"input", file.path()}},
                                    backend, s.config.text};
    signal_model::write_signal_model(writer, model, provenance, s.config.collider.luminosity_rel_unc);
    check_cancelled();
    writer.commit();
  });
  std::vector<std::string> names;
  std::vector<std::int8_t> final_state;
  std::vector<double> m_hp, sigma, sigma_unc;
  std::vector<std::int64_t> samples;
  for (const auto& p : model.points) {
    names.push_back(p.name);
    final_state.push_back(static_cast<std::int8_t>(p.final_state));
    m_hp.push_back(p.m_hp);
    sigma.push_back(p.sigma);
    sigma_unc.push_back(p.sigma_unc);
    samples.push_back(static_cast<std::int64_t>(p.samples.size()));
  }
  nb::dict points;
  points["point"] = names;
  points["final_state"] = to_numpy(std::move(final_state));
  points["m_hp"] = to_numpy(std::move(m_hp));
  points["sigma_mass"] = to_numpy(std::move(sigma));
  points["sigma_mass_unc"] = to_numpy(std::move(sigma_unc));
  points["samples"] = to_numpy(std::move(samples));
  nb::dict d;
  d["points"] = points;
  d["ctau_cm"] = to_numpy(std::move(model.ctau_cm));
  d["backend"] = backend;
  return d;
}

nb::dict scan(const std::string& config_path, const std::string& data, const std::string& model_path,
              const std::string& output, const std::string& sample, double credibility,
              const std::string& nuisance_prior, const std::string& signal_prior, const std::string& backend_name,
              int threads, nb::handle progress) {
  scan::ScanResult result;
  std::string backend;
  run_watched(progress, [&] {
    Setup s = setup(config_path, backend_name, threads);
    auto& cfg = s.config;
    if (credibility != 0) {
      if (!(credibility > 0 && credibility < 1))
        throw_input_error("cl: {} is not a credibility level in (0, 1)", credibility);
      cfg.scan.credibility = credibility;
    }
    if (!nuisance_prior.empty()) cfg.scan.nuisance_prior = nuisance_prior;
    if (!signal_prior.empty()) cfg.scan.signal_prior = signal_prior;
    io::EventFileWriter writer(output);
    const auto selected = selection::read_selected_data(data, sample);
    const auto model = signal_model::read_signal_model(model_path);
    backend = s.backend->description();
    // The command's provenance, input for input, so that both files are the same bytes.
    io::Provenance provenance{"darkscan scan (docs/physics/window-scan.md and docs/physics/statistics.md)", {}, "",
                              cfg.text};
    io::add_input(provenance, "data", data);
    provenance.inputs.emplace_back("data_sample", sample);
    provenance.inputs.emplace_back("data_sha256", io::sha256_file(data));
    io::add_input(provenance, "model", model_path, true);
    provenance.backend = backend;
    result = scan::run_scan(*s.backend, cfg, selected, model, model_path);
    scan::write_scan(writer, result, cfg, provenance);
    check_cancelled();
    writer.commit();
  });
  auto& t = result.rows;
  nb::dict rows;
  rows["final_state"] = to_numpy(std::move(t.final_state));
  rows["ctau_cm"] = to_numpy(std::move(t.ctau_cm));
  rows["mass"] = to_numpy(std::move(t.mass));
  rows["sigma_mass"] = to_numpy(std::move(t.sigma_mass));
  rows["window_lo"] = to_numpy(std::move(t.window_lo));
  rows["window_hi"] = to_numpy(std::move(t.window_hi));
  rows["n_obs"] = to_numpy(std::move(t.n_obs));
  rows["n_sb"] = to_numpy(std::move(t.n_sb));
  rows["f"] = to_numpy(std::move(t.f));
  rows["delta"] = to_numpy(std::move(t.delta));
  rows["efficiency"] = to_numpy(std::move(t.efficiency));
  rows["eff_rel_unc"] = to_numpy(std::move(t.eff_rel_unc));
  rows["p0"] = to_numpy(std::move(t.p0));
  rows["z"] = to_numpy(std::move(t.z));
  rows["ul_events"] = to_numpy(std::move(t.ul_events));
  rows["ul_xsec_fb"] = to_numpy(std::move(t.ul_xsec_fb));
  rows["limit_status"] = to_numpy(std::move(t.limit_status));
  rows["stats_flags"] = to_numpy(std::move(t.stats_flags));
  auto& c = result.combined;
  nb::dict combined;
  combined["ctau_cm"] = to_numpy(std::move(c.ctau_cm));
  combined["mass"] = to_numpy(std::move(c.mass));
  combined["p0"] = to_numpy(std::move(c.p0));
  combined["z"] = to_numpy(std::move(c.z));
  combined["channels"] = to_numpy(std::move(c.channels));
  combined["row_mumu"] = to_numpy(std::move(c.row[0]));
  combined["row_pipi"] = to_numpy(std::move(c.row[1]));
  combined["row_kk"] = to_numpy(std::move(c.row[2]));
  nb::dict d;
  d["rows"] = rows;
  d["combined"] = combined;
  d["ctau_cm"] = to_numpy(std::move(result.ctau_cm));
  d["missing_limits"] = array_of(result.missing_limits);
  d["experiments_computed"] = result.experiments_computed;
  d["count_seconds"] = result.count_seconds;
  d["statistics_seconds"] = result.statistics_seconds;
  d["notes"] = result.notes;
  d["backend"] = backend;
  return d;
}

nb::dict lee(const std::string& config_path, const std::string& data, const std::string& model_path,
             const std::string& scan_path, const std::string& output, std::uint64_t toys, std::int64_t seed,
             std::uint64_t batch, double gv_level, std::uint64_t coverage_toys, const std::string& backend_name,
             int threads, nb::handle progress) {
  std::string backend;
  run_watched(progress, [&] {
    Setup s = setup(config_path, backend_name, threads);
    lee::LeeRequest request;
    request.settings.toys = toys;
    request.settings.batch = batch;
    request.settings.upcrossing_level = gv_level;
    request.settings.seed = seed >= 0 ? static_cast<std::uint64_t>(seed) : s.config.run.seed;
    request.coverage_toys = coverage_toys;
    request.toys_name = "toys";
    request.batch_name = "batch";
    // The command's whole run (docs/commands/lee.md): the scan's data and model checked
    // against it, the output a copy of the scan with the tables added, toys checkpointed
    // beside it and resumed from there.
    const auto selected = selection::read_selected_data(data);
    const auto model = signal_model::read_signal_model(model_path);
    const scan::ScanSettings settings = scan::read_scan_settings(scan_path);
    if (settings.data_sha256 != io::sha256_file(data))
      throw_input_error("{}: was made from other data than {} (SHA-256 differs)", scan_path, data);
    if (settings.model_sha256 != io::sha256_file(model_path))
      throw_input_error("{}: was made with another model than {} (SHA-256 differs)", scan_path, model_path);
    const scan::ScanTable rows = scan::read_scan_rows(scan_path);
    io::EventFileWriter writer(output, scan_path);
    request.checkpoint = output + ".toys.partial";
    const auto r = lee::look_elsewhere(*s.backend, s.config, selected, model, model_path, rows, settings, request);
    backend = s.backend->description();
    lee::write_lee(writer, r, backend);
    check_cancelled();
    writer.commit();
    std::error_code ec;
    std::filesystem::remove(request.checkpoint, ec);
  });
  nb::dict d;
  d["tables"] = read_file_tables(output, {"lee/toys", "lee/coverage", "expected"});
  d["backend"] = backend;
  return d;
}

nb::dict interpret(const std::string& config_path, const std::string& scan_path, const std::string& model_path,
                   const std::string& output, bool benchmark_points, const std::string& widths_table,
                   const std::string& xsec_table, const std::string& chi2_table, const std::string& backend_name,
                   int threads, nb::handle progress) {
  std::string backend, widths_source;
  run_watched(progress, [&] {
    Setup s = setup(config_path, backend_name, threads);
    const scan::ScanSettings settings = scan::read_scan_settings(scan_path);
    const scan::ScanTable rows = scan::read_scan_rows(scan_path);
    const scan::CombinedTable combined = scan::read_scan_combined(scan_path);
    std::optional<signal_model::SignalModel> model;
    if (!model_path.empty()) {
      if (io::sha256_file(model_path) != settings.model_sha256)
        throw_input_error("{}: was made with another model than {} (SHA-256 differs)", scan_path, model_path);
      model = signal_model::read_signal_model(model_path);
    }
    io::EventFileWriter writer(output);
    const interpret::InterpretRequest request{widths_table, xsec_table, chi2_table, benchmark_points};
    const auto r = interpret::interpret(*s.backend, s.config, config_path, rows, combined, settings,
                                        model ? &*model : nullptr, request);
    backend = s.backend->description();
    widths_source = r.widths_source;
    io::Provenance provenance{"darkscan interpret (docs/physics/interpretation.md)", {}, backend, s.config.text};
    io::add_input(provenance, "scan", scan_path, true);
    provenance.inputs.emplace_back("model", model_path);
    interpret::write_interpretation(writer, r, provenance);
    check_cancelled();
    writer.commit();
  });
  nb::dict d;
  d["tables"] = read_file_tables(output, {"model_points", "combined_limits", "sin_theta/masses", "sin_theta/intervals",
                                          "y_limit/masses", "y_limit/intervals", "y_limit/curve"});
  d["backend"] = backend;
  d["widths_source"] = widths_source;
  return d;
}

nb::dict run(const std::string& config_path, const std::string& output_dir, std::uint64_t toys, bool force,
             bool plots, const std::string& python, const std::string& backend_name, int threads,
             nb::handle progress) {
  pipeline::MainJobResult result;
  run_watched(progress, [&] {
    pipeline::MainJobOptions options;
    options.config = config_path;
    options.output_dir = output_dir;
    options.toys = toys;
    options.force = force;
    options.compute = pipeline::ComputeChoice{backend_name, threads, -1};
    // The figures are drawn as darkscan run draws them, by `python -m darkscan.plot` in a
    // child process, here of the caller's interpreter (docs/python.md#stages).
    options.plots = plots;
    options.plot_pythons = {python};
    result = pipeline::run_main_job(options);
  });
  nb::list stages;
  for (const auto& t : result.times) stages.append(nb::make_tuple(t.name, t.ran, t.seconds));
  nb::dict d;
  d["dir"] = result.dir.string();
  d["summary"] = result.results;
  d["stages"] = stages;
  d["report"] = result.report;
  return d;
}

}  // namespace

void add_stages(nb::module_& m) {
  m.def("select", &select, nb::arg("config"), nb::arg("input"), nb::arg("output"), nb::arg("samples"),
        nb::arg("backend"), nb::arg("threads"), nb::arg("progress").none(), "darkscan select; darkscan.select wraps it");
  m.def("efficiency", &efficiency, nb::arg("config"), nb::arg("input"), nb::arg("output"), nb::arg("backend"),
        nb::arg("threads"), nb::arg("progress").none(), "darkscan efficiency; darkscan.signal_model wraps it");
  m.def("scan", &scan, nb::arg("config"), nb::arg("data"), nb::arg("model"), nb::arg("output"), nb::arg("sample"),
        nb::arg("cl"), nb::arg("nuisance_prior"), nb::arg("prior"), nb::arg("backend"), nb::arg("threads"),
        nb::arg("progress").none(), "darkscan scan; darkscan.scan wraps it");
  m.def("lee", &lee, nb::arg("config"), nb::arg("data"), nb::arg("model"), nb::arg("scan"), nb::arg("output"),
        nb::arg("toys"), nb::arg("seed"), nb::arg("batch"), nb::arg("gv_level"), nb::arg("coverage_toys"),
        nb::arg("backend"), nb::arg("threads"), nb::arg("progress").none(), "darkscan lee; darkscan.lee wraps it");
  m.def("interpret", &interpret, nb::arg("config"), nb::arg("scan"), nb::arg("model"), nb::arg("output"),
        nb::arg("benchmark_points"), nb::arg("widths_table"), nb::arg("xsec_table"), nb::arg("chi2_table"),
        nb::arg("backend"), nb::arg("threads"), nb::arg("progress").none(),
        "darkscan interpret; darkscan.interpret wraps it");
  m.def("run", &run, nb::arg("config"), nb::arg("output_dir"), nb::arg("toys"), nb::arg("force"), nb::arg("plots"),
        nb::arg("python"), nb::arg("backend"), nb::arg("threads"), nb::arg("progress").none(),
        "darkscan run; darkscan.run wraps it");
}

}  // namespace darkscan::python
