#include "mpi/distributed_lee.hpp"

#include <fmt/format.h>

#include <cstring>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "errors.hpp"
#include "lee/toy_checkpoint.hpp"
#include "mpi/distributed_shards.hpp"
#include "scan/scan.hpp"
#include "work_split.hpp"

namespace darkscan::mpi {

namespace {

// A part as one message to rank 0: a header of counts and times, the toys as the
// checkpoint's raw records (lee::toy_record_bytes), the expected limits' rows band by band,
// the coverage counts point by point. The ranks of one job run one darkscan build on one
// kind of machine (their fingerprints' "record" lines agree), so values travel in their
// own representation.
struct Header {
  std::uint64_t resumed = 0, toys = 0, rows = 0, points = 0;
  double toy_seconds = 0, expected_seconds = 0;
};

class Packer {
 public:
  template <class T>
  void put(std::span<const T> values) {
    static_assert(std::is_trivially_copyable_v<T>);
    const auto* from = reinterpret_cast<const std::byte*>(values.data());
    bytes_.insert(bytes_.end(), from, from + values.size_bytes());
  }
  template <class T>
  void put_one(const T& value) {
    put(std::span<const T>(&value, 1));
  }
  std::vector<std::byte>& bytes() { return bytes_; }

 private:
  std::vector<std::byte> bytes_;
};

class Unpacker {
 public:
  Unpacker(std::span<const std::byte> bytes, int rank) : bytes_(bytes), rank_(rank) {}
  std::span<const std::byte> take(std::size_t count) {
    if (count > bytes_.size() - at_)
      throw std::runtime_error(fmt::format("MPI: the part of rank {} is cut short ({} bytes)", rank_, bytes_.size()));
    const auto span = bytes_.subspan(at_, count);
    at_ += count;
    return span;
  }
  template <class T>
  void get(std::vector<T>& to, std::size_t count) {
    to.resize(count);
    const auto span = take(count * sizeof(T));
    if (count > 0) std::memcpy(to.data(), span.data(), span.size());
  }
  template <class T>
  T get_one() {
    T value;
    std::memcpy(&value, take(sizeof(T)).data(), sizeof(T));
    return value;
  }
  bool done() const { return at_ == bytes_.size(); }

 private:
  std::span<const std::byte> bytes_;
  std::size_t at_ = 0;
  int rank_;
};

std::vector<std::byte> pack(const lee::LeePart& part) {
  Packer out;
  Header h;
  h.resumed = part.resumed;
  h.toys = part.toys.size();
  h.rows = part.row_range.size();
  h.points = part.coverage.size();
  h.toy_seconds = part.toy_seconds;
  h.expected_seconds = part.expected_seconds;
  out.put_one(h);
  out.put(lee::toy_record_bytes(part.toys));
  for (int b = 0; b < lee::kBands; ++b) {
    out.put(std::span<const std::int64_t>(part.expected.n_obs[b]));
    out.put(std::span<const double>(part.expected.ul_events[b]));
    out.put(std::span<const double>(part.expected.ul_xsec_fb[b]));
  }
  for (const auto& point : part.coverage) {
    out.put_one(point.toys);
    out.put_one(point.covered);
  }
  return std::move(out.bytes());
}

// Rank `rank`'s part from its message; what every rank shares (settings, coverage
// points, observed scan) is rank 0's `first`.
lee::LeePart unpack(std::span<const std::byte> bytes, int rank, int ranks, const lee::LeePart& first) {
  Unpacker in(bytes, rank);
  const auto h = in.get_one<Header>();
  lee::LeePart part;
  part.shard = {static_cast<std::uint64_t>(rank) + 1, static_cast<std::uint64_t>(ranks)};
  part.fingerprint = first.fingerprint;
  part.settings = first.settings;
  part.coverage_toys = first.coverage_toys;
  part.rows = first.rows;
  part.toy_range = shard_range(part.shard, part.settings.toys);
  part.coverage_range = shard_range(part.shard, part.coverage_toys);
  part.row_range = shard_range(part.shard, part.rows);
  part.observed = first.observed;
  part.credibility = first.credibility;
  part.resumed = h.resumed;
  part.toy_seconds = h.toy_seconds;
  part.expected_seconds = h.expected_seconds;
  if (h.toys != part.toy_range.size() || h.rows != part.row_range.size() || h.points != first.coverage.size())
    throw std::runtime_error(fmt::format("MPI: rank {} sent {} toys, {} rows and {} coverage points, not its "
                                         "shard's {}, {} and {}",
                                         rank, h.toys, h.rows, h.points, part.toy_range.size(),
                                         part.row_range.size(), first.coverage.size()));
  auto toys = lee::toys_from_records(in.take(h.toys * sizeof(lee::ToyOutcome)));
  if (!toys) throw std::logic_error("MPI: toy records of a whole number of toys");
  part.toys = std::move(*toys);
  for (int b = 0; b < lee::kBands; ++b) {
    in.get(part.expected.n_obs[b], h.rows);
    in.get(part.expected.ul_events[b], h.rows);
    in.get(part.expected.ul_xsec_fb[b], h.rows);
  }
  part.coverage = first.coverage;
  for (auto& point : part.coverage) {
    point.toys = in.get_one<std::uint64_t>();
    point.covered = in.get_one<std::uint64_t>();
  }
  if (!in.done()) throw std::runtime_error(fmt::format("MPI: the part of rank {} is longer than it says", rank));
  return part;
}

}  // namespace

std::filesystem::path rank_checkpoint(const std::string& output, const World& world) {
  return output + fmt::format(".shard-{}-of-{}.toys.partial", world.rank() + 1, world.size());
}

RankedLee look_elsewhere_on_ranks(const World& world, Backend& backend, const config::Config& config,
                                  const selection::SelectedData& data, const signal_model::SignalModel& model,
                                  const std::string& model_path, const scan::ScanTable& rows,
                                  const scan::ScanSettings& scan, lee::LeeRequest request) {
  request.shard = {static_cast<std::uint64_t>(world.rank()) + 1, static_cast<std::uint64_t>(world.size())};
  request.quiet = request.quiet || world.rank() != 0;
  // The fingerprint every part will carry, compared before any toy is drawn: ranks of
  // one job on nodes that see other files, or another backend kind, are refused at once.
  const auto windows = scan::scan_windows(config, model, model_path);
  const std::string fingerprint = lee::shard_fingerprint(
      lee::checkpoint_fingerprint(request.settings, scan, config, windows), request.scan_sha256, backend.name(),
      request.settings.toys, request.coverage_toys, rows.size());
  check_same_run(world, fingerprint, "look-elsewhere");

  lee::LeePart mine = lee::look_elsewhere_part(backend, config, data, model, model_path, rows, scan, request);
  if (mine.fingerprint != fingerprint) throw std::logic_error("look_elsewhere_part: another fingerprint");
  const auto message = pack(mine);
  const auto messages = world.gather(message);
  RankedLee ranked;
  if (world.rank() != 0) return ranked;
  std::vector<lee::LeePart> parts;
  ranked.resumed = mine.resumed;
  for (std::size_t r = 1; r < messages.size(); ++r) {
    parts.push_back(unpack(messages[r], static_cast<int>(r), world.size(), mine));
    ranked.resumed += parts.back().resumed;
    ranked.sent_bytes += messages[r].size();
    ranked.largest_part_bytes = std::max<std::uint64_t>(ranked.largest_part_bytes, messages[r].size());
  }
  parts.insert(parts.begin(), std::move(mine));
  ranked.result = lee::combine_parts(std::move(parts));
  return ranked;
}

}  // namespace darkscan::mpi
