#pragma once
// The key registry: every config key with its type, valid range, documentation, how
// it reads a TOML value into a Config (checking type and range) and how it shows a
// Config's value. The parser (config.cpp) walks a file against it; `darkscan config`,
// documentation() and canonical_text() print it, so neither can drift from the other.
#include <functional>
#include <string>
#include <toml++/toml.h>
#include <vector>

#include "config/config.hpp"

namespace darkscan::config {

struct Key {
  std::string path;  // "selection.track_hits_min"
  std::string type;
  std::string range;
  std::string doc;
  std::function<std::string(Config&)> show;  // the value in a Config, as TOML
  // Reads `value` into the Config; InputError naming `where` when its type or range is wrong.
  std::function<void(Config&, const toml::node& value, const std::string& where)> apply;
};

// Every key, in the order `darkscan config` lists them.
const std::vector<Key>& registry();
// The key of that dotted path, or nullptr.
const Key* find_key(const std::string& path);

}  // namespace darkscan::config
