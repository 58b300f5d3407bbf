#include "io/provenance.hpp"

#include "darkscan/version.hpp"
#include "io/file_checksum.hpp"

namespace darkscan::io {

Attributes provenance_attributes(const Provenance& provenance, const Attributes& settings) {
  Attributes a = {{"creator", provenance.creator},
                  {"darkscan_version", std::string(version())},
                  {"darkscan_commit", std::string(commit())}};
  a.insert(a.end(), provenance.inputs.begin(), provenance.inputs.end());
  if (!provenance.backend.empty()) a.emplace_back("backend", provenance.backend);
  a.insert(a.end(), settings.begin(), settings.end());
  if (!provenance.config_text.empty()) a.emplace_back("config", provenance.config_text);
  return a;
}

void add_input(Provenance& provenance, const std::string& name, const std::string& path, bool with_checksum) {
  provenance.inputs.emplace_back(name, path);
  if (with_checksum) provenance.inputs.emplace_back(name + "_sha256", sha256_file(path));
}

}  // namespace darkscan::io
