#pragma once
// σ_prod(e+e- → h' chi1 chi2) and B(chi2 → chi1 e+e-) of the model point from a user's
// table instead of THEORY.md's leading-order formulas (the paper's calculation includes
// ISR, for instance): CSV with the columns m_hp_gev and sigma_prod_fb, and optionally
// b_chi2_to_chi1_ee, linear in m(h') between its rows.
#include <cmath>
#include <string>
#include <vector>

namespace darkscan::interpret {

class ProductionTable {
 public:
  // InputError naming the file, line and column on bad input (io::read_numeric_csv).
  static ProductionTable from_csv(const std::string& path);

  // NaN outside the table's masses.
  double sigma_prod_fb(double m_hp) const { return at(sigma_prod_, m_hp); }
  // NaN when the table has no b_chi2_to_chi1_ee column (the formula is used then).
  double b_chi2(double m_hp) const { return b_chi2_.empty() ? std::nan("") : at(b_chi2_, m_hp); }
  const std::string& source() const { return source_; }

 private:
  double at(const std::vector<double>& values, double m_hp) const;
  std::string source_;
  std::vector<double> m_, sigma_prod_, b_chi2_;
};

}  // namespace darkscan::interpret
