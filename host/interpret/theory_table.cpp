#include "interpret/theory_table.hpp"

#include <algorithm>
#include <cmath>

namespace darkscan::interpret {

TheoryTable TheoryTable::read(const std::string& path, const std::vector<std::string>& required,
                              const std::vector<std::string>& optional) {
  TheoryTable t;
  t.source_ = path;
  t.table_ = io::read_numeric_table(path, required, optional);
  return t;
}

double TheoryTable::at(const std::string& column, double x) const {
  const auto* values = table_.find(column);
  const auto& key = table_.columns.front();
  if (values == nullptr || !(x >= key.front() && x <= key.back())) return std::nan("");
  const auto hi = static_cast<std::size_t>(std::upper_bound(key.begin(), key.end(), x) - key.begin());
  if (hi == key.size()) return values->back();
  const double t = (x - key[hi - 1]) / (key[hi] - key[hi - 1]);
  return (*values)[hi - 1] + t * ((*values)[hi] - (*values)[hi - 1]);
}

}  // namespace darkscan::interpret
