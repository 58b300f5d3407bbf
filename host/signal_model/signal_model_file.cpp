#include "signal_model/signal_model_file.hpp"

#include <fmt/format.h>

#include "errors.hpp"

namespace darkscan::signal_model {

namespace {

constexpr const char* kFinalStateNames[physics::kFinalStates] = {"mumu", "pipi", "kk"};
constexpr const char* kPointKeys[] = {"m_chi1", "delta_m", "m_ap", "alpha_d", "epsilon", "ctau_chi2_cm"};

double number(const io::SampleInfo& t, const char* key, const std::string& ctx) {
  const auto* v = t.attribute(key);
  if (v == nullptr) throw_input_error("{}: attribute '{}' is missing", ctx, key);
  if (const auto* d = std::get_if<double>(v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(v)) return static_cast<double>(*i);
  throw_input_error("{}: attribute '{}' is not a number", ctx, key);
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
    const auto* fs = table.attribute("final_state");
    const auto* fs_name = fs ? std::get_if<std::string>(fs) : nullptr;
    p.final_state = -1;
    for (int f = 0; f < physics::kFinalStates; ++f)
      if (fs_name && *fs_name == kFinalStateNames[f]) p.final_state = f;
    if (p.final_state < 0) throw_input_error("{}: attribute 'final_state' must be mumu, pipi or kk", ctx);
    p.m_hp = number(table, "m_hp", ctx);
    p.sigma = number(table, "sigma_gev", ctx);
    p.sigma_unc = number(table, "sigma_unc_gev", ctx);
    for (const char* k : kPointKeys)
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
