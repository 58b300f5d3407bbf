#include "progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace darkscan {

namespace {
std::string duration(double seconds) {
  const auto s = static_cast<long long>(seconds + 0.5);
  return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
}
std::string count(double n) {
  if (n >= 1e9) return fmt::format("{:.2f}G", n / 1e9);
  if (n >= 1e6) return fmt::format("{:.2f}M", n / 1e6);
  if (n >= 1e4) return fmt::format("{:.1f}k", n / 1e3);
  return fmt::format("{:.0f}", n);
}
}  // namespace

Progress::Progress(std::string label, std::uint64_t total, std::string unit, std::chrono::milliseconds interval)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      tty_(::isatty(STDERR_FILENO) == 1),
      start_(Clock::now()),
      last_(start_),
      interval_(interval.count() > 0 ? interval
                : tty_           ? std::chrono::milliseconds(250)
                                 : std::chrono::milliseconds(10000)) {}

Progress::~Progress() {
  if (!finished_ && printed_ && tty_) std::fputc('\n', stderr);  // leave the terminal on a fresh line
}

void Progress::advance(std::uint64_t n) {
  done_ += n;
  const auto now = Clock::now();
  if (now - last_ >= interval_ && done_ < total_) {
    last_ = now;
    print(false);
  }
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (tty_ || printed_) print(true);
}

void Progress::print(bool final) {
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0.0;
  const double fraction = total_ > 0 ? static_cast<double>(done_) / static_cast<double>(total_) : 1.0;
  std::string line;
  if (final) {
    line = fmt::format("{}: {} {} in {} ({} {}/s)", label_, count(static_cast<double>(done_)), unit_,
                       duration(elapsed), count(rate), unit_);
  } else {
    const double left = rate > 0 ? static_cast<double>(total_ - done_) / rate : 0.0;
    line = fmt::format("{}: {:5.1f}% {}/{} {}, {} {}/s, {} left", label_, 100 * fraction,
                       count(static_cast<double>(done_)), count(static_cast<double>(total_)), unit_, count(rate),
                       unit_, duration(left));
  }
  if (tty_)
    fmt::print(stderr, "\r\033[K{}{}", line, final ? "\n" : "");
  else
    fmt::print(stderr, "{}\n", line);
  std::fflush(stderr);
  printed_ = true;
}

}  // namespace darkscan
