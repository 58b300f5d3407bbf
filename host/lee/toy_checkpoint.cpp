#include "lee/toy_checkpoint.hpp"

#include <cstring>
#include <fstream>

#include "errors.hpp"
#include "io/atomic_output.hpp"

namespace darkscan::lee {

namespace {
constexpr char kMagic[8] = {'D', 'S', 'L', 'E', 'E', 'T', 'O', '1'};
}  // namespace

void write_checkpoint(const std::filesystem::path& path, const std::string& fingerprint,
                      const std::vector<ToyOutcome>& toys) {
  // Atomically (io/atomic_output.hpp): a failed write (WriteError) leaves the checkpoint
  // before it in place and no temporary.
  io::AtomicOutput out(path);
  const std::uint64_t length = fingerprint.size(), count = toys.size();
  out.write(kMagic, sizeof kMagic);
  out.write(&length, sizeof length);
  out.write(fingerprint.data(), length);
  out.write(&count, sizeof count);
  out.write(toys.data(), count * sizeof(ToyOutcome));
  out.commit();
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
