#include "signal_model/signal_model_file.hpp"

#include <fmt/format.h>

#include "errors.hpp"
#include "io/h5.hpp"
#include "io/sample_reader.hpp"

namespace darkscan::signal_model {

using physics::kFinalStateNames;

namespace {

// /efficiency_chi2/<point>: every point's map over cτ(h') x cτ(chi2), on one cτ(chi2)
// grid, rows lifetime-major as the efficiency stage writes them.
void read_chi2_maps(const std::string& path, SignalModel& model) {
  const io::EventFile file(path, "efficiency_chi2");
  for (auto& p : model.points) {
    const std::string ctx = fmt::format("{}: /efficiency_chi2/{}", path, p.name);
    const io::SampleInfo& table = file.sample(p.name);
    std::vector<io::ColumnRequest> requests;
    for (const char* name : {"ctau_cm", "ctau_chi2_cm", "efficiency", "efficiency_unc", "n_eff"})
      requests.push_back({name, DType::f64, io::WhenMissing::fail, 0.0});
    requests.push_back({"trusted", DType::i8, io::WhenMissing::fail, 0.0});
    io::SampleReader reader(file, table.name, {}, requests);
    const auto batch = reader.read_all();
    auto column = [&](const char* name) { return batch.find(name)->values<double>(); };
    const auto ctau = column("ctau_cm"), ctau_chi2 = column("ctau_chi2_cm");
    const std::size_t lifetimes = model.ctau_cm.size();
    if (lifetimes == 0 || ctau.size() % lifetimes != 0)
      throw_input_error("{}: {} rows are not a whole number of the {} lifetimes of /points", ctx, ctau.size(),
                        lifetimes);
    const std::size_t n_chi2 = ctau.size() / lifetimes;
    if (model.ctau_chi2_cm.empty())
      for (std::size_t k = 0; k < n_chi2; ++k) model.ctau_chi2_cm.push_back(ctau_chi2[k]);
    if (n_chi2 != model.ctau_chi2_cm.size())
      throw_input_error("{}: column 'ctau_chi2_cm' differs from the other points' grid", ctx);
    for (std::size_t c = 0; c < ctau.size(); ++c)
      if (ctau[c] != model.ctau_cm[c / n_chi2] || ctau_chi2[c] != model.ctau_chi2_cm[c % n_chi2])
        throw_input_error("{}: row {} is not (ctau_cm, ctau_chi2_cm) = ({}, {}) of the grids", ctx, c,
                          model.ctau_cm[c / n_chi2], model.ctau_chi2_cm[c % n_chi2]);
    const auto eff = column("efficiency"), unc = column("efficiency_unc"), n_eff = column("n_eff");
    const auto trusted = batch.find("trusted")->values<std::int8_t>();
    p.chi2_map.resize(ctau.size());
    p.chi2_trusted.resize(ctau.size());
    for (std::size_t c = 0; c < ctau.size(); ++c) {
      p.chi2_map[c] = {eff[c], unc[c], n_eff[c]};
      p.chi2_trusted[c] = trusted[c] != 0;
    }
    p.ctau_chi2_0 = table.number("ctau_chi2_generated_cm", ctx);
  }
}

}  // namespace

SignalModel read_signal_model(const std::string& path) {
  const io::EventFile file(path, "points");
  SignalModel model;
  for (const auto& table : file.samples()) {
    const std::string ctx = fmt::format("{}: /points/{}", path, table.name);
    std::vector<io::ColumnRequest> requests;
    for (const char* name : {"ctau_cm", "efficiency", "efficiency_unc", "n_eff", "eff_rel_unc", "mean_hp_dv",
                             "efficiency_as_mumu", "efficiency_as_pipi", "efficiency_as_kk"})
      requests.push_back({name, DType::f64, io::WhenMissing::fail, 0.0});
    requests.push_back({"trusted", DType::i8, io::WhenMissing::fail, 0.0});
    io::SampleReader reader(file, table.name, {}, requests);
    const auto batch = reader.read_all();
    auto column = [&](const char* name) { return batch.find(name)->values<double>(); };

    SignalPointModel p;
    p.name = table.name;
    p.final_state = final_state_attribute(table, ctx);
    p.m_hp = table.number("m_hp", ctx);
    p.sigma = table.number("sigma_gev", ctx);
    p.sigma_unc = table.number("sigma_unc_gev", ctx);
    for (const char* k : kDarkSectorKeys)
      if (const auto* v = table.attribute(k)) p.attributes.emplace_back(k, *v);

    const auto ctau = column("ctau_cm");
    if (model.ctau_cm.empty()) model.ctau_cm.assign(ctau.begin(), ctau.end());
    else if (!std::equal(ctau.begin(), ctau.end(), model.ctau_cm.begin(), model.ctau_cm.end()))
      throw_input_error("{}: column 'ctau_cm' differs from the other points' lifetime grid", ctx);
    const auto eff = column("efficiency"), unc = column("efficiency_unc"), n_eff = column("n_eff"),
               dv = column("mean_hp_dv"), rel = column("eff_rel_unc");
    const auto trusted = batch.find("trusted")->values<std::int8_t>();
    for (int f = 0; f < physics::kFinalStates; ++f) {
      const auto as = column(fmt::format("efficiency_as_{}", kFinalStateNames[f]).c_str());
      for (std::size_t j = 0; j < ctau.size(); ++j) {
        MapCell c;
        c.efficiency = as[j];
        if (f == p.final_state) {
          c.efficiency = eff[j];
          c.efficiency_unc = unc[j];
          c.n_eff = n_eff[j];
          c.mean_hp_dv = dv[j];
        }
        p.map.cells[f].push_back(c);
      }
    }
    p.map.ctau_cm = model.ctau_cm;
    p.rel_unc.assign(rel.begin(), rel.end());
    p.trusted.assign(trusted.begin(), trusted.end());
    model.points.push_back(std::move(p));
  }
  if (h5::link_exists(file.id(), "/efficiency_chi2")) read_chi2_maps(path, model);
  return model;
}

}  // namespace darkscan::signal_model
