#pragma once
// Progress of long work on stderr: on a terminal, one line rewritten in place with
// the fraction done, the rate and the time left; elsewhere (CI, batch jobs, pipes),
// a plain line at most every `interval` seconds, and nothing at all for work that
// finishes before the first interval.
#include <chrono>
#include <cstdint>
#include <string>

namespace darkscan {

class Progress {
 public:
  // `interval` overrides the time between lines (default: 0.25 s on a terminal, 10 s
  // elsewhere).
  Progress(std::string label, std::uint64_t total, std::string unit = "rows",
           std::chrono::milliseconds interval = std::chrono::milliseconds(0));
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(std::uint64_t n);
  // Prints the closing line (on a terminal, or when any line was printed).
  void finish();

 private:
  void print(bool final);

  using Clock = std::chrono::steady_clock;
  std::string label_;
  std::string unit_;
  std::uint64_t total_;
  std::uint64_t done_ = 0;
  bool tty_;
  bool printed_ = false;
  bool finished_ = false;
  Clock::time_point start_;
  Clock::time_point last_;
  std::chrono::milliseconds interval_;
};

}  // namespace darkscan
