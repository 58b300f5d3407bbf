#pragma once
// Logical column name -> stored dataset or compound-field name. Real ntuples name
// their columns otherwise (basf2 writes `daughter__bo0__cm__sppx__bc`); the scan
// config's [columns] table maps them, so such files load without conversion.
#include <map>
#include <string>
#include <string_view>

namespace darkscan::io {

class ColumnMapping {
 public:
  ColumnMapping() = default;
  // `logical` must be a column of events::kColumns (InputError naming `origin` if not).
  void set(const std::string& logical, const std::string& stored, std::string_view origin);
  // The stored name of a logical column: the mapped one, or the logical name itself.
  const std::string& stored_name(const std::string& logical) const;
  bool is_mapped(const std::string& logical) const { return map_.contains(logical); }
  const std::map<std::string, std::string>& entries() const { return map_; }

 private:
  std::map<std::string, std::string> map_;
};

}  // namespace darkscan::io
