// darkscan._core.select / efficiency / scan: the stages of docs/development.md#stages,
// each the stage function the command calls, with the same config, backend choice and
// provenance, its file written through the same writer (so the file equals the
// command's), and its result handed to Python as numpy arrays that own the engine's
// vectors (docs/python.md#stages). The GIL is released while a stage runs.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/variant.h>
#include <nanobind/stl/vector.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "arrays.hpp"
#include "bindings.hpp"
#include "config/config.hpp"
#include "errors.hpp"
#include "io/event_file.hpp"
#include "io/file_checksum.hpp"
#include "io/provenance.hpp"
#include "pipeline/compute.hpp"
#include "scan/scan.hpp"
#include "scan/scan_file.hpp"
#include "selection/select.hpp"
#include "selection/select_file.hpp"
#include "signal_model/efficiency.hpp"
#include "signal_model/signal_model_file.hpp"

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
                const std::vector<std::string>& samples, const std::string& backend_name, int threads) {
  selection::SelectionResult result;
  std::string backend;
  {
    nb::gil_scoped_release released;
    Setup s = setup(config_path, backend_name, threads);
    const io::EventFile file(input.empty() ? config::events_file(s.config, "select", "input") : input);
    for (const auto& name : samples) file.sample(name);  // an unknown sample is said before the work
    io::EventFileWriter writer(output);                  // so is an unwritable destination
    result = selection::select(*s.backend, file, s.config, samples);
    backend = s.backend->description();
    const io::Provenance provenance{"darkscan select (docs/physics/selection.md)", {{"input", file.path()}}, backend,
                                    s.config.text};
    selection::write_selection(writer, result, provenance);
    writer.commit();
  }
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
                    const std::string& backend_name, int threads) {
  signal_model::SignalModel model;
  std::string backend;
  {
    nb::gil_scoped_release released;
    Setup s = setup(config_path, backend_name, threads);
    const io::EventFile file(input.empty() ? config::events_file(s.config, "efficiency", "input") : input);
    io::EventFileWriter writer(output);
    model = signal_model::efficiency(*s.backend, file, s.config);
    backend = s.backend->description();
    const io::Provenance provenance{"darkscan efficiency (docs/physics/signal-model.md)", {{"input", file.path()}},
                                    backend, s.config.text};
    signal_model::write_signal_model(writer, model, provenance, s.config.collider.luminosity_rel_unc);
    writer.commit();
  }
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
              int threads) {
  scan::ScanResult result;
  std::string backend;
  {
    nb::gil_scoped_release released;
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
    writer.commit();
  }
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

}  // namespace

void add_stages(nb::module_& m) {
  m.def("select", &select, nb::arg("config"), nb::arg("input"), nb::arg("output"), nb::arg("samples"),
        nb::arg("backend"), nb::arg("threads"), "darkscan select; darkscan.select wraps it");
  m.def("efficiency", &efficiency, nb::arg("config"), nb::arg("input"), nb::arg("output"), nb::arg("backend"),
        nb::arg("threads"), "darkscan efficiency; darkscan.signal_model wraps it");
  m.def("scan", &scan, nb::arg("config"), nb::arg("data"), nb::arg("model"), nb::arg("output"), nb::arg("sample"),
        nb::arg("cl"), nb::arg("nuisance_prior"), nb::arg("prior"), nb::arg("backend"), nb::arg("threads"),
        "darkscan scan; darkscan.scan wraps it");
}

}  // namespace darkscan::python
