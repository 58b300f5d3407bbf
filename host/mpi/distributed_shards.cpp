#include "mpi/distributed_shards.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <span>
#include <stdexcept>
#include <utility>

#include "errors.hpp"
#include "io/shard_file.hpp"

namespace darkscan::mpi {

namespace {

std::span<const std::byte> text_bytes(const std::string& text) {
  return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

std::vector<std::byte> read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot be read back", path.string()));
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(chars.size());
  std::memcpy(bytes.data(), chars.data(), chars.size());
  return bytes;
}

}  // namespace

Shard rank_shard(const World& world) {
  return {static_cast<std::uint64_t>(world.rank()) + 1, static_cast<std::uint64_t>(world.size())};
}

void check_same_run(const World& world, const std::string& fingerprint, std::string_view job) {
  const auto all = world.gather(text_bytes(fingerprint));
  for (std::size_t r = 1; r < all.size(); ++r) {
    const std::string theirs(reinterpret_cast<const char*>(all[r].data()), all[r].size());
    if (theirs == fingerprint) continue;
    const auto [there, here] = io::first_differing_lines(theirs, fingerprint);
    throw_input_error("rank {} of {} runs another {} job than rank 0 (other inputs, config, options or backend): its "
                      "fingerprint has '{}' where rank 0 has '{}'",
                      r, all.size(), job, there, here);
  }
}

std::filesystem::path rank_shard_path(const World& world, std::string_view stage) {
  return std::filesystem::temp_directory_path() /
         fmt::format("darkscan-{}-{}-shard-{}-of-{}.h5", stage, ::getpid(), world.rank() + 1, world.size());
}

GatheredShards::~GatheredShards() {
  std::error_code ec;
  for (const auto& path : received) std::filesystem::remove(path, ec);
}

GatheredShards::GatheredShards(GatheredShards&& other) noexcept
    : paths(std::exchange(other.paths, {})),
      sent_bytes(other.sent_bytes),
      largest_bytes(other.largest_bytes),
      received(std::exchange(other.received, {})) {}

GatheredShards& GatheredShards::operator=(GatheredShards&& other) noexcept {
  if (this != &other) {
    GatheredShards old(std::move(*this));  // this object's files go when `old` does
    paths = std::exchange(other.paths, {});
    sent_bytes = other.sent_bytes;
    largest_bytes = other.largest_bytes;
    received = std::exchange(other.received, {});
  }
  return *this;
}

std::vector<std::string> GatheredShards::path_names() const {
  std::vector<std::string> out;
  for (const auto& p : paths) out.push_back(p.string());
  return out;
}

GatheredShards gather_written_shards(const World& world, std::string_view stage,
                                     const std::function<void(io::EventFileWriter&)>& write) {
  const auto mine = rank_shard_path(world, stage);
  {
    io::EventFileWriter part(mine);
    write(part);
    part.commit();
  }
  return gather_shard_files(world, mine);
}

GatheredShards gather_shard_files(const World& world, const std::filesystem::path& mine) {
  const auto bytes = read_bytes(mine);
  GatheredShards out;
  if (world.rank() != 0) {
    std::error_code ec;
    std::filesystem::remove(mine, ec);
  }
  const auto all = world.gather(bytes);
  if (world.rank() != 0) return out;
  out.paths.push_back(mine);
  out.received.push_back(mine);
  for (std::size_t r = 1; r < all.size(); ++r) {
    // Named by rank 0's process: ranks on rank 0's node wrote files of their own names.
    const auto path = std::filesystem::path(mine).replace_filename(
        fmt::format("{}.from-rank-{}.h5", mine.filename().string(), r));
    std::ofstream to(path, std::ios::binary | std::ios::trunc);
    to.write(reinterpret_cast<const char*>(all[r].data()), static_cast<std::streamsize>(all[r].size()));
    to.close();
    if (!to) throw std::runtime_error(fmt::format("{}: cannot be written ({} bytes from rank {})", path.string(),
                                                  all[r].size(), r));
    out.paths.push_back(path);
    out.received.push_back(path);
    out.sent_bytes += all[r].size();
    out.largest_bytes = std::max<std::uint64_t>(out.largest_bytes, all[r].size());
  }
  return out;
}

}  // namespace darkscan::mpi
