#pragma once
// Splitting indexed work into shards (docs/cluster.md): the toys of the look-elsewhere
// stage, its coverage toys and the rows of its expected limits are numbered, and every
// random draw is keyed by that number (Philox), so shard K of N may compute any
// contiguous range of them and give what one process gives. The split is defined here
// once, for `--shard K/N` of a job array and for rank K − 1 of N processes alike.
#include <cstdint>
#include <string>
#include <string_view>

namespace darkscan {

// Items [begin, end).
struct IndexRange {
  std::uint64_t begin = 0, end = 0;
  std::uint64_t size() const { return end - begin; }
  bool operator==(const IndexRange&) const = default;
};

// Shard `index` of `count`, numbered from 1 as job arrays number their tasks.
struct Shard {
  std::uint64_t index = 1, count = 1;
  bool whole() const { return count == 1; }
  bool operator==(const Shard&) const = default;
};

// The items of `shard` among `items`: contiguous, in shard order, every item in exactly
// one shard, sizes differing by at most one (the first items % count shards take one
// more). Shard K's range depends only on K, N and the item count.
IndexRange shard_range(Shard shard, std::uint64_t items);

// "K/N" with 1 <= K <= N; InputError naming `option` ("--shard: '0/3': K must be
// between 1 and N") otherwise.
Shard parse_shard(std::string_view text, std::string_view option);

// "K/N".
std::string shard_name(Shard shard);

}  // namespace darkscan
