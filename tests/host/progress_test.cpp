// Progress lines off a terminal (as under CTest): nothing for short work, plain
// periodic lines and a closing summary for long work. Under a ProgressSink (the Python
// module's, docs/python.md#progress-and-ctrl-c): counters or the same lines, nothing
// on stderr, and cancellation.
#include "progress.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <thread>
#include <utility>

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

TEST(ProgressSink, CountersFollowEveryProgressOfItsThreadAndNothingGoesToStderr) {
  ProgressSink sink(ProgressSink::Mode::counters);
  ::testing::internal::CaptureStderr();
  {
    const ProgressSink::Scope scope(sink);
    Progress a("select", 10, "candidates", std::chrono::milliseconds(1));
    a.advance(4);
    a.advance(6);
    a.finish();
    Progress b("lee", 8, "toys");
    b.advance(3);
    std::thread([] { Progress elsewhere("other thread", 5); }).join();  // not under this sink
  }
  Progress after("after the scope", 5);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  const auto bars = sink.bars();
  ASSERT_EQ(bars.size(), 2u);
  EXPECT_EQ(bars[0].label, "select");
  EXPECT_EQ(bars[0].unit, "candidates");
  EXPECT_EQ(bars[0].total, 10u);
  EXPECT_EQ(bars[0].done, 10u);
  EXPECT_TRUE(bars[0].finished);
  EXPECT_EQ(bars[1].label, "lee");
  EXPECT_EQ(bars[1].done, 3u);
  EXPECT_FALSE(bars[1].finished);
}

TEST(ProgressSink, LinesAreTheLinesStderrWouldGet) {
  auto lines = [](bool sunk) {
    ProgressSink sink(ProgressSink::Mode::lines);
    ::testing::internal::CaptureStderr();
    {
      std::optional<ProgressSink::Scope> scope;
      if (sunk) scope.emplace(sink);
      Progress p("loading", 2000, "rows", std::chrono::milliseconds(5));
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      p.advance(1000);
      p.finish();
    }
    return std::pair(::testing::internal::GetCapturedStderr(), sink.take_text());
  };
  const auto [plain, none] = lines(false);
  const auto [nothing, sunk] = lines(true);
  EXPECT_EQ(none, "");
  EXPECT_EQ(nothing, "");
  EXPECT_EQ(testing::count_lines(sunk), 2) << sunk;
  EXPECT_EQ(sunk.substr(0, sunk.find(',')), plain.substr(0, plain.find(',')));  // "loading:  50.0% 1000/2000 rows"
  EXPECT_EQ(sunk.substr(0, 27), "loading:  50.0% 1000/2000 r");
}

TEST(ProgressSink, ACancelledSinkStopsTheWorkAtTheNextStep) {
  ProgressSink sink(ProgressSink::Mode::counters);
  const ProgressSink::Scope scope(sink);
  Progress p("lee", 10, "toys");
  p.advance(1);
  EXPECT_NO_THROW(check_cancelled());
  std::thread([&] { sink.cancel(); }).join();
  EXPECT_THROW(p.advance(1), Cancelled);
  EXPECT_THROW(check_cancelled(), Cancelled);
  EXPECT_EQ(sink.bars()[0].done, 1u);  // the step that was refused is not counted
}

}  // namespace
}  // namespace darkscan
