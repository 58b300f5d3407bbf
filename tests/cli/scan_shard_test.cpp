// darkscan scan --shard K/N and darkscan merge (docs/cluster.md): the shards of any split
// merge into the file one process writes, every dataset (the rows and the combination the
// merge computes from them) equal bit for bit and every attribute but the backend's
// description; merge refuses, in one line naming the files and writing nothing, a
// missing, duplicated or foreign shard, shards of different N and a shard of another
// stage; bad --shard values are refused naming the option.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cli/lee_fixture.hpp"
#include "support/h5_read.hpp"

namespace darkscan {
namespace {

using testing::run_darkscan;

class ScanShard : public testing::LeeFixture {
 protected:
  // darkscan scan of the fixture's data and model to `out`, with `extra`.
  testing::CommandResult scan(const std::string& out, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"scan", "--config", config_, "--data", data_, "--model", model_, "--output", out};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_darkscan(args);
  }
  std::string shard(int k, int n, std::vector<std::string> extra = {}, const std::string& name = "") {
    const std::string out = p(name.empty() ? "shard-" + std::to_string(k) + "-of-" + std::to_string(n) + ".h5" : name);
    return testing::run_shard([this](const std::string& o, std::vector<std::string> e) { return scan(o, e); }, out, k,
                              n, extra, "rows [");
  }
  std::string p(const std::string& name) const { return path(name).string(); }
};

TEST_F(ScanShard, ShardsOfAnySplitMergeIntoTheFileOfOneProcess) {
  // The fixture's scan has 2 lifetimes x the pi+pi- windows: rows enough for 3 shards.
  const auto rows = testing::read_column<double>(h5::open_file_readonly(scan_).get(), "/scan/mass").size();
  ASSERT_GE(rows, 6u);
  for (int n = 1; n <= 3; ++n) {
    SCOPED_TRACE(n);
    std::vector<std::string> shards;
    for (int k = n; k >= 1; --k) shards.push_back(shard(k, n, {"--threads", std::to_string(1 + k % 2)}));
    const std::string out = p("merged-" + std::to_string(n) + ".h5");
    const auto r = testing::merge_shards(out, shards);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find(std::to_string(n) + " shards of " + std::to_string(rows) + " rows"), std::string::npos)
        << r.out;
    // The backend lists the shards' (1 and 2 threads); nothing else differs.
    testing::expect_same_file(out, scan_, {"/@backend"});
    for (const char* table : {"/scan/p0", "/scan_combined/p0", "/scan_combined/row_pipi"})
      EXPECT_TRUE(testing::stored_content(out).datasets.contains(table)) << table;
  }
}

TEST_F(ScanShard, MergeRefusesShardsThatAreNotOneWholeRunNamingThem) {
  std::vector<std::string> at{""};
  for (int k = 1; k <= 3; ++k) at.push_back(shard(k, 3));
  const auto other = shard(2, 3, {"--cl", "0.9"}, "cl90.h5");
  const auto half = shard(1, 2);
  std::filesystem::copy_file(at[2], p("copy2.h5"));
  const auto lee_shard = p("lee-shard.h5");
  ASSERT_EQ(lee(lee_shard, {"--shard", "2/3"}).exit_code, 0);
  const std::string out = p("merged.h5");
  auto cases = testing::merge_refusals(at, p("copy2.h5"), other, "credibility 0.9", half, scan_);
  cases.push_back({{at[1], lee_shard, at[3]}, lee_shard + ": not a shard of darkscan scan (no /scan_shard"});
  testing::expect_merge_refusals(cases, out);
  const auto r = testing::merge_shards(out, {at[3], at[1], at[2]});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(ScanShard, BadShardValuesAreRefusedNamingTheOption) {
  for (const std::string value : {"0/3", "4/3", "3", "a/3"}) {
    SCOPED_TRACE(value);
    const auto r = scan(p("out.h5"), {"--shard=" + value});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("darkscan: error: --shard: '" + value + "'"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(p("out.h5")));
  }
}

}  // namespace
}  // namespace darkscan
