#include "progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <utility>

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

namespace {
thread_local ProgressSink* this_thread_sink = nullptr;
}  // namespace

ProgressSink::Scope::Scope(ProgressSink& sink) : previous_(this_thread_sink) { this_thread_sink = &sink; }
ProgressSink::Scope::~Scope() { this_thread_sink = previous_; }
ProgressSink* ProgressSink::current() { return this_thread_sink; }

std::vector<ProgressSink::Bar> ProgressSink::bars() const {
  const std::lock_guard lock(mutex_);
  return bars_;
}

std::string ProgressSink::take_text() {
  const std::lock_guard lock(mutex_);
  return std::exchange(text_, {});
}

std::size_t ProgressSink::begin(const std::string& label, const std::string& unit, std::uint64_t total) {
  const std::lock_guard lock(mutex_);
  bars_.push_back({label, unit, total, 0, false});
  return bars_.size() - 1;
}

void ProgressSink::update(std::size_t bar, std::uint64_t done, bool finished) {
  const std::lock_guard lock(mutex_);
  bars_[bar].done = done;
  bars_[bar].finished = bars_[bar].finished || finished;
}

void ProgressSink::print(const std::string& text) {
  const std::lock_guard lock(mutex_);
  text_ += text;
}

void check_cancelled() {
  if (const ProgressSink* sink = ProgressSink::current(); sink != nullptr && sink->cancelled()) throw Cancelled();
}

Progress::Progress(std::string label, std::uint64_t total, std::string unit, std::chrono::milliseconds interval)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      sink_(ProgressSink::current()),
      tty_(sink_ != nullptr ? sink_->mode_ == ProgressSink::Mode::lines && sink_->tty_ : ::isatty(STDERR_FILENO) == 1),
      start_(Clock::now()),
      last_(start_),
      interval_(interval.count() > 0 ? interval
                : tty_           ? std::chrono::milliseconds(250)
                                 : std::chrono::milliseconds(10000)) {
  if (sink_ != nullptr && sink_->mode_ == ProgressSink::Mode::counters) bar_ = sink_->begin(label_, unit_, total_);
}

Progress::~Progress() {
  if (!finished_ && printed_ && tty_) {  // leave the terminal on a fresh line
    if (sink_ != nullptr) sink_->print("\n");
    else std::fputc('\n', stderr);
  }
}

void Progress::advance(std::uint64_t n) {
  done_ += n;
  if (sink_ != nullptr) {
    if (sink_->cancelled()) throw Cancelled();
    if (sink_->mode_ == ProgressSink::Mode::counters) {
      sink_->update(bar_, done_, false);
      return;
    }
  }
  const auto now = Clock::now();
  if (now - last_ >= interval_ && done_ < total_) {
    last_ = now;
    print(false);
  }
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (sink_ != nullptr && sink_->mode_ == ProgressSink::Mode::counters) sink_->update(bar_, done_, true);
  else if (tty_ || printed_) print(true);
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
  const std::string text = tty_ ? fmt::format("\r\033[K{}{}", line, final ? "\n" : "") : line + "\n";
  if (sink_ != nullptr) {
    sink_->print(text);
  } else {
    std::fputs(text.c_str(), stderr);
    std::fflush(stderr);
  }
  printed_ = true;
}

}  // namespace darkscan
