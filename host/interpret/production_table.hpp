#pragma once
// σ_prod(e+e- → h' chi1 chi2) and B(chi2 → chi1 e+e-) of the model point from a user's
// table instead of the leading-order formulas of docs/physics/dark-sector.md (the paper's calculation includes
// ISR, for instance): CSV or HDF5 (io::read_numeric_table) with the columns m_hp_gev
// and sigma_prod_fb, and optionally b_chi2_to_chi1_ee, linear in m(h') between its rows.
#include <string>

#include "interpret/theory_table.hpp"

namespace darkscan::interpret {

class ProductionTable {
 public:
  // InputError naming the file, row and column on bad input.
  static ProductionTable from_table(const std::string& path) {
    return ProductionTable(TheoryTable::read(path, {"m_hp_gev", "sigma_prod_fb"}, {"b_chi2_to_chi1_ee"}));
  }

  // NaN outside the table's masses.
  double sigma_prod_fb(double m_hp) const { return table_.at("sigma_prod_fb", m_hp); }
  // NaN when the table has no b_chi2_to_chi1_ee column (the formula is used then).
  double b_chi2(double m_hp) const { return table_.at("b_chi2_to_chi1_ee", m_hp); }
  const std::string& source() const { return table_.source(); }

 private:
  explicit ProductionTable(TheoryTable table) : table_(std::move(table)) {}
  TheoryTable table_;
};

}  // namespace darkscan::interpret
