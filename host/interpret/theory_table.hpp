#pragma once
// A user's table replacing one of the formulas of docs/physics/dark-sector.md (any of
// them may be replaced by a table): named columns over an increasing first column (the mass it
// is a function of), linear between its rows, CSV or HDF5 (io::read_numeric_table).
#include <string>
#include <vector>

#include "io/numeric_table.hpp"

namespace darkscan::interpret {

class TheoryTable {
 public:
  // `required[0]` is the column the others are functions of. InputError naming the
  // file, row and column on bad input.
  static TheoryTable read(const std::string& path, const std::vector<std::string>& required,
                          const std::vector<std::string>& optional = {});

  bool has(const std::string& column) const { return table_.find(column) != nullptr; }
  // NaN outside the table's range or for a column it does not have.
  double at(const std::string& column, double x) const;
  double lowest() const { return table_.columns.front().front(); }
  double highest() const { return table_.columns.front().back(); }
  const std::string& source() const { return source_; }

 private:
  std::string source_;
  io::NumericTable table_;
};

}  // namespace darkscan::interpret
