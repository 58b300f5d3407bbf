// Philox4x32-10 against the published known-answer vectors of Random123
// (kat_vectors, Salmon et al. 2011), and the uniform map's range.
#include "darkscan/core/random.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace darkscan {
namespace {

TEST(Philox, KnownAnswerVectors) {
  r123::Philox4x32 philox;
  {
    const r123::Philox4x32::ctr_type c = {{0, 0, 0, 0}};
    const r123::Philox4x32::key_type k = {{0, 0}};
    const auto r = philox(c, k);
    EXPECT_EQ(r[0], 0x6627e8d5u);
    EXPECT_EQ(r[1], 0xe169c58du);
    EXPECT_EQ(r[2], 0xbc57ac4cu);
    EXPECT_EQ(r[3], 0x9b00dbd8u);
  }
  {
    const r123::Philox4x32::ctr_type c = {{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}};
    const r123::Philox4x32::key_type k = {{0xffffffffu, 0xffffffffu}};
    const auto r = philox(c, k);
    EXPECT_EQ(r[0], 0x408f276du);
    EXPECT_EQ(r[1], 0x41c83b0eu);
    EXPECT_EQ(r[2], 0xa20bc7c6u);
    EXPECT_EQ(r[3], 0x6d5451fdu);
  }
}

TEST(RandomWords, KeyedBySeedStreamAndIndex) {
  // The wrapper maps (seed, stream, index, lane) onto key and counter words exactly.
  r123::Philox4x32 philox;
  const std::uint64_t seed = 0x0123456789abcdefULL;
  const std::uint64_t index = 0xfedcba9876543210ULL;
  const auto expected = philox({{0x76543210u, 0xfedcba98u, 7u, 3u}}, {{0x89abcdefu, 0x01234567u}});
  const auto got = random_words({seed, 7}, index, 3);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(got[i], expected[i]);
  EXPECT_NE(random_words({seed, 8}, index, 3)[0], got[0]);
}

TEST(Uniform01, StaysInHalfOpenUnitInterval) {
  EXPECT_GT(uniform01(0, 0), 0.0);
  EXPECT_LE(uniform01(0xffffffffu, 0xffffffffu), 1.0);
  double sum = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const auto w = random_words({42, 0}, static_cast<std::uint64_t>(i));
    const double u = uniform01(w[0], w[1]);
    ASSERT_GT(u, 0.0);
    ASSERT_LE(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / n, 0.5, 5 * std::sqrt(1.0 / 12 / n));
}

}  // namespace
}  // namespace darkscan
