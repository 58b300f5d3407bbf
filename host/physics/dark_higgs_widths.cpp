#include "physics/dark_higgs_widths.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include "darkscan/physics/dark_higgs.hpp"
#include "darkscan/physics/particles.hpp"
#include "errors.hpp"
#include "io/numeric_table.hpp"

#ifndef DARKSCAN_THEORY_DIR
#define DARKSCAN_THEORY_DIR ""
#endif

namespace darkscan::physics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// docs/physics/dark-sector.md: Winkler's tables end at 2.0 GeV, and above about 1.4 GeV the
// channels the default total leaves out (4π, ηη, gluons) matter.
constexpr double kBuiltinValidUpTo = 2.0;
constexpr double kBuiltinTotalCompleteUpTo = 1.4;

double parse_number(const std::string& field, const std::string& where) {
  double v = 0;
  const char* first = field.data();
  const char* last = first + field.size();
  while (first < last && *first == ' ') ++first;
  while (last > first && (last[-1] == ' ' || last[-1] == '\r')) --last;
  const auto [end, ec] = std::from_chars(first, last, v);
  if (ec != std::errc() || end != last || !std::isfinite(v)) throw_input_error("{}: '{}' is not a number", where, field);
  return v;
}

void check_increasing(const std::vector<double>& m, const std::string& path) {
  for (std::size_t i = 1; i < m.size(); ++i)
    if (!(m[i] > m[i - 1])) throw_input_error("{}: masses must increase (row {})", path, i + 1);
}

}  // namespace

double DarkHiggsWidths::Column::at(double m_hp) const {
  if (m.empty() || m_hp < m.front()) return 0.0;
  if (m_hp >= m.back()) return m_hp == m.back() ? gamma.back() : kNaN;
  const auto hi = static_cast<std::size_t>(std::upper_bound(m.begin(), m.end(), m_hp) - m.begin());
  const double t = (m_hp - m[hi - 1]) / (m[hi] - m[hi - 1]);
  return gamma[hi - 1] + t * (gamma[hi] - gamma[hi - 1]);
}

DarkHiggsWidths DarkHiggsWidths::builtin(std::filesystem::path theory_dir) {
  if (theory_dir.empty()) {
    const char* env = std::getenv("DARKSCAN_THEORY_DIR");
    theory_dir = env ? env : DARKSCAN_THEORY_DIR;
  }
  auto read = [&](const char* name) {
    const std::string path = (theory_dir / name).string();
    std::ifstream in(path);
    if (!in) throw_input_error("{}: cannot read the h' width table (set DARKSCAN_THEORY_DIR)", path);
    Column c;
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream fields(line);
      std::string a, b;
      fields >> a >> b;
      const std::string where = fmt::format("{}:{}", path, n);
      c.m.push_back(parse_number(a, where));
      c.gamma.push_back(parse_number(b, where));
    }
    if (c.m.size() < 2) throw_input_error("{}: fewer than two rows", path);
    check_increasing(c.m, path);
    return c;
  };
  DarkHiggsWidths w;
  w.builtin_ = true;
  w.source_ = "builtin (leptons: leading order; pi pi, K K: Winkler, PRD 99 (2019) 015018)";
  w.pipi_ = read("winkler_pipi.txt");
  w.kk_ = read("winkler_KK.txt");
  w.valid_up_to_ = kBuiltinValidUpTo;
  return w;
}

DarkHiggsWidths DarkHiggsWidths::from_table(const std::string& path) {
  const auto table = io::read_numeric_table(
      path, {"m_hp_gev", "gamma_ee_gev", "gamma_mumu_gev", "gamma_pipi_gev", "gamma_kk_gev"}, {"gamma_total_gev"});
  DarkHiggsWidths w;
  w.source_ = path;
  const auto& m = *table.find("m_hp_gev");
  for (auto [column, name] : {std::pair{&w.ee_, "gamma_ee_gev"}, std::pair{&w.mumu_, "gamma_mumu_gev"},
                              std::pair{&w.pipi_, "gamma_pipi_gev"}, std::pair{&w.kk_, "gamma_kk_gev"},
                              std::pair{&w.total_, "gamma_total_gev"}}) {
    if (const auto* values = table.find(name)) {
      column->m = m;
      column->gamma = *values;
    }
  }
  w.valid_up_to_ = m.back();
  return w;
}

double DarkHiggsWidths::partial_hat(HiggsChannel channel, double m_hp) const {
  if (m_hp > valid_up_to_) return kNaN;
  switch (channel) {
    case HiggsChannel::ee:
      return builtin_ ? width_hp_to_leptons_hat(m_hp, species_mass(electron)) : ee_.at(m_hp);
    case HiggsChannel::mumu:
      return builtin_ ? width_hp_to_leptons_hat(m_hp, species_mass(muon)) : mumu_.at(m_hp);
    case HiggsChannel::pipi:
      return 2.0 / 3.0 * pipi_.at(m_hp);
    case HiggsChannel::kk:
      return 0.5 * kk_.at(m_hp);
  }
  return kNaN;
}

double DarkHiggsWidths::total_hat(double m_hp) const {
  if (m_hp > valid_up_to_) return kNaN;
  if (!total_.m.empty()) return total_.at(m_hp);
  // Every charge state: ππ and KK whole, not only their charged parts.
  return partial_hat(HiggsChannel::ee, m_hp) + partial_hat(HiggsChannel::mumu, m_hp) + pipi_.at(m_hp) + kk_.at(m_hp);
}

double DarkHiggsWidths::branching(HiggsChannel channel, double m_hp) const {
  const double total = total_hat(m_hp);
  return total > 0 ? partial_hat(channel, m_hp) / total : kNaN;
}

double DarkHiggsWidths::ctau_cm(double m_hp, double sin_theta) const {
  return ctau_cm_from_width(total_hat(m_hp) * sin_theta * sin_theta);
}

bool DarkHiggsWidths::total_incomplete(double m_hp) const {
  return builtin_ && m_hp > kBuiltinTotalCompleteUpTo;
}

}  // namespace darkscan::physics
