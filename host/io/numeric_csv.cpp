#include "io/numeric_table.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "errors.hpp"

namespace darkscan::io {

namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\t')) s.pop_back();
  std::size_t first = 0;
  while (first < s.size() && (s[first] == ' ' || s[first] == '\t')) ++first;
  return s.substr(first);
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream s(line);
  std::string f;
  while (std::getline(s, f, ',')) fields.push_back(trim(f));
  return fields;
}

}  // namespace

const std::vector<double>* NumericTable::find(const std::string& name) const {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return &columns[i];
  return nullptr;
}

NumericTable read_numeric_csv(const std::string& path, const std::vector<std::string>& required,
                              const std::vector<std::string>& optional) {
  std::ifstream in(path);
  if (!in) throw_input_error("{}: cannot read the table", path);
  std::string line;
  int n = 0;
  std::vector<std::string> header;
  while (std::getline(in, line)) {
    ++n;
    if (!trim(line).empty() && line[0] != '#') {
      header = split(line);
      break;
    }
  }
  if (header.empty()) throw_input_error("{}: no header line", path);
  NumericTable table;
  std::vector<std::size_t> index;
  for (const auto& name : required) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw_input_error("{}: no column '{}' in the header", path, name);
    table.names.push_back(name);
    index.push_back(static_cast<std::size_t>(it - header.begin()));
  }
  for (const auto& name : optional) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) continue;
    table.names.push_back(name);
    index.push_back(static_cast<std::size_t>(it - header.begin()));
  }
  table.columns.resize(table.names.size());
  while (std::getline(in, line)) {
    ++n;
    if (trim(line).empty() || line[0] == '#') continue;
    const auto fields = split(line);
    if (fields.size() != header.size())
      throw_input_error("{}:{}: {} fields, the header has {}", path, n, fields.size(), header.size());
    for (std::size_t c = 0; c < index.size(); ++c) {
      const std::string& field = fields[index[c]];
      double v = 0;
      const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
      if (ec != std::errc() || end != field.data() + field.size() || !std::isfinite(v))
        throw_input_error("{}:{}: column '{}': '{}' is not a number", path, n, table.names[c], field);
      if (v < 0) throw_input_error("{}:{}: column '{}': {} is negative", path, n, table.names[c], v);
      table.columns[c].push_back(v);
    }
  }
  check_numeric_rows(table, path);
  return table;
}

void check_numeric_rows(const NumericTable& table, const std::string& path) {
  const auto& first = table.columns.front();
  if (first.size() < 2) throw_input_error("{}: fewer than two rows", path);
  for (std::size_t i = 1; i < first.size(); ++i)
    if (!(first[i] > first[i - 1]))
      throw_input_error("{}: column '{}' must increase (row {})", path, table.names.front(), i + 1);
}

}  // namespace darkscan::io
