// mpi::GatheredShards removes the shard files it received when it goes, and only then:
// a move hands them over (the moved-from object removes none), a move assignment first
// removes the files its target held, and copies do not exist (a copy would remove files
// the original still names).
#include "mpi/distributed_shards.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <type_traits>
#include <utility>

#include "support/temp_dir.hpp"

namespace darkscan::mpi {
namespace {

static_assert(!std::is_copy_constructible_v<GatheredShards> && !std::is_copy_assignable_v<GatheredShards>);
static_assert(std::is_nothrow_move_constructible_v<GatheredShards> && std::is_nothrow_move_assignable_v<GatheredShards>);

class GatheredShardsTest : public testing::TempDirTest {
 protected:
  GatheredShards holding(const std::string& name) {
    std::ofstream(path(name)) << "shard";
    GatheredShards g;
    g.paths = {path(name)};
    g.received = {path(name)};
    return g;
  }
  bool exists(const std::string& name) const { return std::filesystem::exists(path(name)); }
};

TEST_F(GatheredShardsTest, ReceivedFilesGoWithTheObjectThatHoldsThem) {
  {
    GatheredShards first = holding("a.h5");
    {
      GatheredShards second(std::move(first));
      EXPECT_TRUE(first.received.empty() && first.paths.empty());
      EXPECT_TRUE(exists("a.h5")) << "moving hands the file over";
      first = std::move(second);
      EXPECT_TRUE(exists("a.h5")) << "and back";
    }
    EXPECT_TRUE(exists("a.h5")) << "the moved-from object removes nothing";
    first = holding("b.h5");
    EXPECT_FALSE(exists("a.h5")) << "a move assignment removes the files its target held";
    EXPECT_TRUE(exists("b.h5"));
    EXPECT_EQ(first.path_names(), std::vector<std::string>{path("b.h5").string()});
  }
  EXPECT_FALSE(exists("b.h5")) << "the holder's end removes its files";
}

}  // namespace
}  // namespace darkscan::mpi
