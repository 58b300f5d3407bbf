#pragma once
// Tables of numbers as CSV (the theory inputs a user supplies): a header line naming
// the columns, then one row per line; blank lines and lines starting with '#' skipped.
#include <string>
#include <vector>

namespace darkscan::io {

struct NumericTable {
  std::vector<std::string> names;             // the requested columns present, required ones first
  std::vector<std::vector<double>> columns;   // [column][row]
  const std::vector<double>* find(const std::string& name) const;
};

// Reads `required` and, where present, `optional` columns; other columns are ignored.
// InputError naming the file, and the line and column of a bad value: a missing
// required column, a row of another width, a value that is not a finite number, a
// negative value, fewer than two rows, or a first column that does not increase.
NumericTable read_numeric_csv(const std::string& path, const std::vector<std::string>& required,
                              const std::vector<std::string>& optional = {});

}  // namespace darkscan::io
