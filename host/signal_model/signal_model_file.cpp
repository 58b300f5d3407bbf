#include "signal_model/signal_model_file.hpp"

#include <fmt/format.h>

#include "errors.hpp"

namespace darkscan::signal_model {

using physics::kFinalStateNames;

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
  return model;
}

}  // namespace darkscan::signal_model
