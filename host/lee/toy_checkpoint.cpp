#include "lee/toy_checkpoint.hpp"

#include <cstring>
#include <fstream>

#include "errors.hpp"

namespace darkscan::lee {

namespace {
constexpr char kMagic[8] = {'D', 'S', 'L', 'E', 'E', 'T', 'O', '1'};
}  // namespace

void write_checkpoint(const std::filesystem::path& path, const std::string& fingerprint,
                      const std::vector<ToyOutcome>& toys) {
  const auto tmp = std::filesystem::path(path.string() + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    const std::uint64_t length = fingerprint.size(), count = toys.size();
    out.write(kMagic, sizeof kMagic);
    out.write(reinterpret_cast<const char*>(&length), sizeof length);
    out.write(fingerprint.data(), static_cast<std::streamsize>(length));
    out.write(reinterpret_cast<const char*>(&count), sizeof count);
    out.write(reinterpret_cast<const char*>(toys.data()), static_cast<std::streamsize>(count * sizeof(ToyOutcome)));
    if (!out) throw_input_error("{}: cannot write the toys' checkpoint", tmp.string());
  }
  std::filesystem::rename(tmp, path);
}

// The toys of a checkpoint made for the same inputs and settings; none otherwise.
std::vector<ToyOutcome> read_checkpoint(const std::filesystem::path& path, const std::string& fingerprint) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  char magic[sizeof kMagic];
  std::uint64_t length = 0, count = 0;
  in.read(magic, sizeof magic);
  in.read(reinterpret_cast<char*>(&length), sizeof length);
  if (!in || std::memcmp(magic, kMagic, sizeof magic) != 0 || length != fingerprint.size()) return {};
  std::string stored(length, '\0');
  in.read(stored.data(), static_cast<std::streamsize>(length));
  in.read(reinterpret_cast<char*>(&count), sizeof count);
  if (!in || stored != fingerprint) return {};
  std::vector<ToyOutcome> toys(count);
  in.read(reinterpret_cast<char*>(toys.data()), static_cast<std::streamsize>(count * sizeof(ToyOutcome)));
  return in ? toys : std::vector<ToyOutcome>{};
}

}  // namespace darkscan::lee
