#pragma once
// Tables of numbers (the theory inputs a user supplies), as CSV — a header line naming
// the columns, then one row per line; blank lines and lines starting with '#' skipped —
// or as HDF5 — one 1-D numeric dataset per column, of equal length, at the file's root.
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
// The same checks; errors name the file and the dataset (and the row of a bad value).
NumericTable read_numeric_h5(const std::string& path, const std::vector<std::string>& required,
                             const std::vector<std::string>& optional = {});
// HDF5 when the file has HDF5's signature, else CSV.
NumericTable read_numeric_table(const std::string& path, const std::vector<std::string>& required,
                                const std::vector<std::string>& optional = {});

// The checks both readers share: at least two rows and a first column that increases.
void check_numeric_rows(const NumericTable& table, const std::string& path);

}  // namespace darkscan::io
