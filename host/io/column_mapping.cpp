#include "io/column_mapping.hpp"

#include "darkscan/events/schema.hpp"
#include "errors.hpp"
#include "printable.hpp"

namespace darkscan::io {

void ColumnMapping::set(const std::string& logical, const std::string& stored, std::string_view origin) {
  if (events::column_index(logical) < 0)
    throw_input_error("{}: [columns] key '{}' is not a darkscan column (see docs/formats/events.md for the names)", origin,
                      printable(logical));
  if (stored.empty()) throw_input_error("{}: [columns] key '{}' maps to an empty name", origin, logical);
  map_[logical] = stored;
}

const std::string& ColumnMapping::stored_name(const std::string& logical) const {
  const auto it = map_.find(logical);
  return it == map_.end() ? logical : it->second;
}

}  // namespace darkscan::io
