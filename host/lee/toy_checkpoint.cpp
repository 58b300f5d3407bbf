#include "lee/toy_checkpoint.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <system_error>

#include "errors.hpp"
#include "io/atomic_output.hpp"
#include "io/file_checksum.hpp"

namespace darkscan::lee {

namespace {

// The layout (docs/formats/outputs.md#toy-checkpoint): magic, fingerprint length and text, record
// size, toy count, the records, and the SHA-256 of every byte before it.
constexpr char kMagic[8] = {'D', 'S', 'L', 'E', 'E', 'T', 'O', '2'};
constexpr char kMagicUnchecked[8] = {'D', 'S', 'L', 'E', 'E', 'T', 'O', '1'};  // before the checksum
constexpr std::uint64_t kRecord = sizeof(ToyOutcome);
constexpr std::uint64_t kTrailer = sizeof(io::Sha256::Digest);
constexpr std::uint64_t kFixed = sizeof kMagic + 3 * sizeof(std::uint64_t) + kTrailer;  // all but text and records

// The first line of the fingerprint that differs, for the note ("seed 7" here, "seed 8" there).
std::string first_difference(const std::string& stored, const std::string& wanted) {
  const auto [x, y] = first_differing_lines(stored, wanted);
  if (x == y) return "the fingerprint differs";
  return fmt::format("'{}' there, '{}' here", x, y);
}

// Why a checkpoint cannot be used; empty when it verified and `toys` holds its toys.
struct Verdict {
  std::string damage;   // damaged: set aside
  std::string foreign;  // sound, another run's: left to be replaced
};

Verdict verify(const std::filesystem::path& path, std::uintmax_t size, const std::string& fingerprint,
               std::vector<ToyOutcome>& toys) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {fmt::format("cannot be opened ({})", std::strerror(errno)), {}};
  io::Sha256 digest;
  auto read = [&](void* to, std::uint64_t bytes) {
    in.read(static_cast<char*>(to), static_cast<std::streamsize>(bytes));
    digest.update(to, bytes);
    return static_cast<bool>(in);
  };
  if (size < kFixed) return {fmt::format("{} bytes, shorter than a checkpoint's header", size), {}};
  char magic[sizeof kMagic];
  std::uint64_t length = 0;
  if (!read(magic, sizeof magic)) return {"cannot be read", {}};
  if (std::memcmp(magic, kMagicUnchecked, sizeof magic) == 0)
    return {"written by an earlier darkscan, without a checksum", {}};
  if (std::memcmp(magic, kMagic, sizeof magic) != 0) return {"not a toy checkpoint (wrong magic)", {}};
  if (!read(&length, sizeof length)) return {"cannot be read", {}};
  // Every size the file states is checked against the size it has before anything is
  // allocated from it: a damaged count must not make each rerun ask for gigabytes.
  if (length > size - kFixed)
    return {fmt::format("its fingerprint length {} exceeds the file's {} bytes", length, size), {}};
  std::string stored(length, '\0');
  std::uint64_t record = 0, count = 0;
  if (!read(stored.data(), length) || !read(&record, sizeof record) || !read(&count, sizeof count))
    return {"cannot be read", {}};
  if (record != kRecord)
    return {fmt::format("its toy records are {} bytes, this darkscan's {} (another version or machine)", record,
                        kRecord),
            {}};
  const std::uint64_t room = size - kFixed - length;
  if (room % kRecord != 0 || count != room / kRecord)
    return {fmt::format("it says {} toys but its {} bytes hold {}", count, size, room / kRecord), {}};
  toys.resize(count);
  if (!read(toys.data(), count * kRecord)) return {"cannot be read", {}};
  io::Sha256::Digest trailer{};
  in.read(reinterpret_cast<char*>(trailer.data()), kTrailer);
  if (!in || digest.finish() != trailer) return {"its SHA-256 does not match its content", {}};
  if (stored != fingerprint) return {{}, first_difference(stored, fingerprint)};
  return {};
}

}  // namespace

std::span<const std::byte> toy_record_bytes(std::span<const ToyOutcome> toys) { return std::as_bytes(toys); }

std::optional<std::vector<ToyOutcome>> toys_from_records(std::span<const std::byte> bytes) {
  if (bytes.size() % kRecord != 0) return std::nullopt;
  std::vector<ToyOutcome> toys(bytes.size() / kRecord);
  if (!bytes.empty()) std::memcpy(toys.data(), bytes.data(), bytes.size());
  return toys;
}

void write_checkpoint(const std::filesystem::path& path, const std::string& fingerprint,
                      std::span<const ToyOutcome> toys) {
  // Atomically (io/atomic_output.hpp): a failed write (WriteError) leaves the checkpoint
  // before it in place and no temporary.
  io::AtomicOutput out(path);
  io::Sha256 digest;
  auto write = [&](const void* from, std::uint64_t bytes) {
    out.write(from, bytes);
    digest.update(from, bytes);
  };
  const std::uint64_t length = fingerprint.size(), record = kRecord, count = toys.size();
  write(kMagic, sizeof kMagic);
  write(&length, sizeof length);
  write(fingerprint.data(), length);
  write(&record, sizeof record);
  write(&count, sizeof count);
  const auto records = toy_record_bytes(toys);
  write(records.data(), records.size());
  const auto trailer = digest.finish();
  out.write(trailer.data(), kTrailer);
  out.commit();
}

CheckpointRead read_checkpoint(const std::filesystem::path& path, const std::string& fingerprint) {
  CheckpointRead result;
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) return result;
  if (!std::filesystem::is_regular_file(status)) {
    result.note = fmt::format("{}: not a regular file: not used as the toys' checkpoint", path.string());
    return result;
  }
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  const Verdict v = ec ? Verdict{ec.message(), {}} : verify(path, size, fingerprint, result.toys);
  if (!v.foreign.empty()) {
    result.toys.clear();
    result.note = fmt::format("{}: toy checkpoint of another run ({}): not used, replaced by this run's toys",
                              path.string(), v.foreign);
  } else if (!v.damage.empty()) {
    result.toys.clear();
    const auto aside = std::filesystem::path(path.string() + ".corrupt");
    std::filesystem::rename(path, aside, ec);
    if (!ec) {
      result.note = fmt::format("{}: toy checkpoint damaged ({}): not used, set aside as {}; its toys are drawn again",
                                path.string(), v.damage, aside.string());
    } else {
      std::filesystem::remove(path, ec);
      result.note = fmt::format("{}: toy checkpoint damaged ({}): not used, {}; its toys are drawn again",
                                path.string(), v.damage, ec ? "and it cannot be removed" : "removed");
    }
  }
  return result;
}

}  // namespace darkscan::lee
