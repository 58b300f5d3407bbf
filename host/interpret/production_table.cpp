#include "interpret/production_table.hpp"

#include <algorithm>

#include "io/numeric_csv.hpp"

namespace darkscan::interpret {

ProductionTable ProductionTable::from_csv(const std::string& path) {
  const auto table = io::read_numeric_csv(path, {"m_hp_gev", "sigma_prod_fb"}, {"b_chi2_to_chi1_ee"});
  ProductionTable t;
  t.source_ = path;
  t.m_ = *table.find("m_hp_gev");
  t.sigma_prod_ = *table.find("sigma_prod_fb");
  if (const auto* b = table.find("b_chi2_to_chi1_ee")) t.b_chi2_ = *b;
  return t;
}

double ProductionTable::at(const std::vector<double>& values, double m_hp) const {
  if (!(m_hp >= m_.front() && m_hp <= m_.back())) return std::nan("");
  const auto hi = static_cast<std::size_t>(std::upper_bound(m_.begin(), m_.end(), m_hp) - m_.begin());
  if (hi == m_.size()) return values.back();
  const double t = (m_hp - m_[hi - 1]) / (m_[hi] - m_[hi - 1]);
  return values[hi - 1] + t * (values[hi] - values[hi - 1]);
}

}  // namespace darkscan::interpret
