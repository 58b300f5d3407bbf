#include "config/config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "config/config_keys.hpp"
#include "config/limits.hpp"
#include "errors.hpp"
#include "printable.hpp"

namespace darkscan::config {

namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

[[noreturn]] void unknown_key(const std::string& origin, const std::string& path) {
  const Key* best = nullptr;
  std::size_t best_distance = 4;  // suggest only near misses
  for (const auto& k : registry()) {
    const std::size_t d = edit_distance(path, k.path);
    if (d < best_distance) {
      best_distance = d;
      best = &k;
    }
  }
  throw_input_error("{}: unknown key '{}'{} (darkscan config lists every key)", origin, printable(path),
                    best ? fmt::format("; did you mean '{}'?", best->path) : "");
}

void apply_table(Config& cfg, const toml::table& table, const std::string& prefix, const std::string& origin) {
  for (const auto& [name, node] : table) {
    const std::string path = prefix.empty() ? std::string(name.str()) : prefix + "." + std::string(name.str());
    const std::string where = fmt::format("{}: key '{}'", origin, path);
    if (path == "columns") {
      const auto* columns = node.as_table();
      if (columns == nullptr) throw_input_error("{}: expected a table of logical = \"stored\" names", where);
      for (const auto& [logical, stored] : *columns) {
        const std::string key = fmt::format("{}: key 'columns.{}'", origin, logical.str());
        const auto value = stored.value_exact<std::string>();
        if (!value) throw_input_error("{}: expected a string (the stored dataset or field name)", key);
        cfg.columns.set(std::string(logical.str()), *value, origin);
      }
      continue;
    }
    if (const Key* key = find_key(path)) {
      key->apply(cfg, node, where);
      continue;
    }
    if (const auto* sub = node.as_table(); sub != nullptr && prefix.empty()) {
      const bool known_section = std::any_of(registry().begin(), registry().end(),
                                             [&](const Key& k) { return k.path.starts_with(path + "."); });
      if (!known_section) throw_input_error("{}: unknown section [{}]", origin, printable(path));
      apply_table(cfg, *sub, path, origin);
      continue;
    }
    unknown_key(origin, path);
  }
}

// The sizes the config implies, against the limits of config/limits.hpp.
void check_sizes(const Config& cfg, const std::string& origin) {
  const auto& sm = cfg.signal_model;
  const std::int64_t lifetimes = log_grid_points(sm.ctau_range_cm, sm.ctau_points_per_decade);
  if (lifetimes > kMaxLifetimePoints)
    throw_input_error("{}: key 'signal_model.ctau_points_per_decade': {} a decade over signal_model.ctau_range_cm = "
                      "[{}, {}] is a cτ(h') grid of {} points; at most {}",
                      origin, sm.ctau_points_per_decade, sm.ctau_range_cm.lo, sm.ctau_range_cm.hi, lifetimes,
                      kMaxLifetimePoints);
  if (sm.ctau_chi2_points_per_decade > 0) {
    const std::int64_t chi2 = log_grid_points(sm.ctau_chi2_range_cm, sm.ctau_chi2_points_per_decade);
    if (chi2 > kMaxLifetimePoints || lifetimes * chi2 > kMaxChi2MapCells)
      throw_input_error("{}: key 'signal_model.ctau_chi2_points_per_decade': {} a decade over "
                        "signal_model.ctau_chi2_range_cm = [{}, {}] is a cτ(chi2) grid of {} points, {} cells a signal "
                        "point with the {} cτ(h') points; at most {} points and {} cells",
                        origin, sm.ctau_chi2_points_per_decade, sm.ctau_chi2_range_cm.lo, sm.ctau_chi2_range_cm.hi,
                        chi2, lifetimes * chi2, lifetimes, kMaxLifetimePoints, kMaxChi2MapCells);
  }
}

void cross_check(const Config& cfg, const std::string& origin) {
  const auto& s = cfg.selection;
  if (s.displaced_dv_min_cm >= s.vertex_dv_max_cm)
    throw_input_error("{}: key 'selection.displaced_dv_min_cm': {} must be below selection.vertex_dv_max_cm = {}",
                      origin, s.displaced_dv_min_cm, s.vertex_dv_max_cm);
  if (cfg.scan.credibility >= 1)
    throw_input_error("{}: key 'scan.credibility': {} must be below 1", origin, cfg.scan.credibility);
  if (cfg.scan.pipi_split_alternatives_gev.size() > 4)
    throw_input_error("{}: key 'scan.pipi_split_alternatives_gev': {} moved splits; at most 4", origin,
                      cfg.scan.pipi_split_alternatives_gev.size());
  check_sizes(cfg, origin);
}

}  // namespace

std::int64_t log_grid_points(const Interval& range, int per_decade) {
  if (!(range.lo > 0 && range.hi >= range.lo && per_decade > 0)) return 1;
  return std::lround(std::log10(range.hi / range.lo) * per_decade) + 1;
}

Config parse(const std::string& text_in, const std::string& origin) {
  Config cfg;
  toml::table table;
  try {
    table = toml::parse(text_in, origin);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw_input_error("{}:{}:{}: TOML syntax error: {}", origin, where.line, where.column, printable(e.description()));
  }
  apply_table(cfg, table, "", origin);
  cross_check(cfg, origin);
  cfg.text = text_in;
  return cfg;
}

Config load(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw_input_error("{}: no such config file", path.string());
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_input_error("{}: cannot read the config file", path.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  Config cfg = parse(buffer.str(), path.string());
  cfg.source = path;
  return cfg;
}

std::string events_file(const Config& cfg, std::string_view command, std::string_view argument) {
  if (cfg.source.empty())
    throw_input_error("{}: no event file: give {}, or --config with [input] events set", command, argument);
  if (cfg.input.events.empty())
    throw_input_error("{}: key 'input.events' is not set and no {} was given", cfg.source.string(), argument);
  const std::filesystem::path events(cfg.input.events);
  const std::string path =
      events.is_absolute() ? events.string() : (cfg.source.parent_path() / events).lexically_normal().string();
  // Said here, where the key that named it is known (the event store would name only the file).
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw_input_error("{}: no such file (named by key 'input.events' of {})", path, cfg.source.string());
  return path;
}

}  // namespace darkscan::config
