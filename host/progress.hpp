#pragma once
// Progress of long work on stderr: on a terminal, one line rewritten in place with
// the fraction done, the rate and the time left; elsewhere (CI, batch jobs, pipes),
// a plain line at most every `interval` seconds, and nothing at all for work that
// finishes before the first interval.
//
// A caller that runs a stage on a thread of its own and watches it from another (the
// Python module, docs/python.md#progress-and-ctrl-c) installs a ProgressSink on that
// thread: the Progress objects made there then report to the sink instead of stderr,
// and stop the work, by throwing Cancelled from advance(), once the watcher cancels.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace darkscan {

// The work was cancelled by its watcher (ProgressSink::cancel). It unwinds as an error
// does, so outputs not yet committed are removed (io/atomic_output.hpp); handlers that
// turn errors into messages let it pass.
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("cancelled") {}
};

class ProgressSink {
 public:
  // counters: each Progress is a Bar, read with bars(); lines: the lines Progress would
  // print (on a terminal when `tty`: rewritten in place), read with take_text().
  enum class Mode { counters, lines };
  explicit ProgressSink(Mode mode, bool tty = false) : mode_(mode), tty_(tty) {}

  struct Bar {
    std::string label, unit;
    std::uint64_t total = 0, done = 0;
    bool finished = false;
  };
  // Every Progress made under this sink, in the order made.
  std::vector<Bar> bars() const;
  // The text printed since the last call.
  std::string take_text();

  // From any thread: the next Progress::advance (and check_cancelled) under this sink
  // throws Cancelled.
  void cancel() { cancelled_.store(true); }
  bool cancelled() const { return cancelled_.load(); }

  // The sink of the Progress objects made on this thread while the scope lives.
  class Scope {
   public:
    explicit Scope(ProgressSink& sink);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    ProgressSink* previous_;
  };
  // This thread's sink; nullptr: none (Progress prints to stderr).
  static ProgressSink* current();

 private:
  friend class Progress;
  std::size_t begin(const std::string& label, const std::string& unit, std::uint64_t total);
  void update(std::size_t bar, std::uint64_t done, bool finished);
  void print(const std::string& text);

  Mode mode_;
  bool tty_;
  std::atomic<bool> cancelled_{false};
  mutable std::mutex mutex_;
  std::vector<Bar> bars_;
  std::string text_;
};

// Throws Cancelled when this thread's sink was cancelled: for a stage's steps that have
// no Progress (before an output is committed, between the main job's stages).
void check_cancelled();

class Progress {
 public:
  // `interval` overrides the time between lines (default: 0.25 s on a terminal, 10 s
  // elsewhere).
  Progress(std::string label, std::uint64_t total, std::string unit = "rows",
           std::chrono::milliseconds interval = std::chrono::milliseconds(0));
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Throws Cancelled when the sink it reports to was cancelled.
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
  ProgressSink* sink_;
  std::size_t bar_ = 0;  // this Progress's Bar in a counters sink
  bool tty_;
  bool printed_ = false;
  bool finished_ = false;
  Clock::time_point start_;
  Clock::time_point last_;
  std::chrono::milliseconds interval_;
};

}  // namespace darkscan
