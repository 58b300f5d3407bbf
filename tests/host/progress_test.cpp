// Progress lines off a terminal (as under CTest): nothing for short work, plain
// periodic lines and a closing summary for long work.
#include "progress.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "support/run_command.hpp"

namespace darkscan {
namespace {

TEST(Progress, ShortWorkOffATerminalPrintsNothing) {
  ::testing::internal::CaptureStderr();
  {
    Progress p("loading", 100);
    for (int i = 0; i < 100; ++i) p.advance(1);
    p.finish();
  }
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

TEST(Progress, LongWorkOffATerminalPrintsPlainLinesAndASummary) {
  ::testing::internal::CaptureStderr();
  {
    Progress p("loading", 4000, "rows", std::chrono::milliseconds(5));
    for (int i = 0; i < 4; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      p.advance(1000);
    }
    p.finish();
  }
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("loading:  25.0% 1000/4000 rows"), std::string::npos) << err;
  EXPECT_NE(err.find("loading:  75.0% 3000/4000 rows"), std::string::npos) << err;
  EXPECT_NE(err.find("left"), std::string::npos) << err;
  EXPECT_NE(err.find("loading: 4000 rows in 0:00:00"), std::string::npos) << err;
  EXPECT_EQ(err.find('\r'), std::string::npos) << "no terminal control off a terminal";
  EXPECT_EQ(testing::count_lines(err), 4);  // three updates and the summary
}

}  // namespace
}  // namespace darkscan
