// The split of indexed work into shards (work_split.hpp): against items dealt out one by
// one, every item in exactly one shard, contiguous and in shard order, without overflow
// at the largest counts; and "K/N" read or refused naming the option.
#include "work_split.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "errors.hpp"

namespace darkscan {
namespace {

TEST(WorkSplit, ShardsTakeTheItemsDealtOutOneByOneInOrder) {
  for (std::uint64_t items = 0; items <= 40; ++items)
    for (std::uint64_t count = 1; count <= 12; ++count) {
      SCOPED_TRACE(::testing::Message() << items << " items, " << count << " shards");
      // Dealt like cards: item i to shard i mod N gives the sizes; shards then take
      // consecutive items in shard order.
      std::vector<std::uint64_t> size(count, 0);
      for (std::uint64_t i = 0; i < items; ++i) ++size[i % count];
      std::vector<int> owners(items, 0);
      std::uint64_t begin = 0;
      for (std::uint64_t k = 1; k <= count; ++k) {
        const IndexRange r = shard_range({k, count}, items);
        EXPECT_EQ(r, (IndexRange{begin, begin + size[k - 1]})) << "shard " << k;
        for (std::uint64_t i = r.begin; i < r.end && i < items; ++i) ++owners[i];
        begin += size[k - 1];
      }
      for (std::uint64_t i = 0; i < items; ++i) EXPECT_EQ(owners[i], 1) << "item " << i;
    }
}

TEST(WorkSplit, TheLargestCountsDoNotOverflow) {
  const std::uint64_t most = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(shard_range({7, 7}, most).end, most);
  EXPECT_EQ(shard_range({1, 1}, most), (IndexRange{0, most}));
  // 2^64 − 1 = 3 × 6148914691236517205: three equal shards.
  EXPECT_EQ(shard_range({2, 3}, most), (IndexRange{6148914691236517205u, 2 * 6148914691236517205u}));
  EXPECT_EQ(shard_range({most, most}, most), (IndexRange{most - 1, most}));
}

TEST(WorkSplit, ShardsAreReadAsKOfN) {
  EXPECT_EQ(parse_shard("2/8", "--shard"), (Shard{2, 8}));
  EXPECT_EQ(parse_shard("1/1", "--shard"), (Shard{1, 1}));
  EXPECT_EQ(shard_name({3, 10}), "3/10");
}

TEST(WorkSplit, BadShardsAreRefusedNamingTheOption) {
  const std::pair<const char*, const char*> cases[] = {
      {"0/3", "--shard: '0/3': K must be between 1 and N (3)"},
      {"4/3", "--shard: '4/3': K must be between 1 and N (3)"},
      {"1/0", "--shard: '1/0': N must be at least 1"},
      {"3", "--shard: '3' is not of the form K/N (shard K of N, e.g. 2/8)"},
      {"-1/3", "--shard: '-1/3': K is not a whole number (the form is K/N, e.g. 2/8)"},
      {"1/3x", "--shard: '1/3x': N is not a whole number (the form is K/N, e.g. 2/8)"},
      {"/3", "--shard: '/3': K is not a whole number (the form is K/N, e.g. 2/8)"},
      {"1/99999999999999999999", "--shard: '1/99999999999999999999': N is not a whole number (the form is K/N, "
                                 "e.g. 2/8)"},
  };
  for (const auto& [text, message] : cases) {
    try {
      parse_shard(text, "--shard");
      ADD_FAILURE() << text << " was accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()), message);
    }
  }
}

}  // namespace
}  // namespace darkscan
