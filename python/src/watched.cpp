// A stage called from Python, on a thread of its own (watched.hpp).
#include "watched.hpp"

#include <nanobind/stl/string.h>

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <string>
#include <thread>

#include "progress.hpp"

namespace nb = nanobind;

namespace darkscan::python {

namespace {

nb::list bar_tuples(const ProgressSink& sink) {
  nb::list out;
  for (const auto& b : sink.bars()) out.append(nb::make_tuple(b.label, b.unit, b.total, b.done, b.finished));
  return out;
}

}  // namespace

void run_watched(nb::handle progress, const std::function<void()>& work) {
  const bool reported = !progress.is_none();
  const bool lines = reported && nb::cast<std::string>(progress.attr("mode")) == "lines";
  ProgressSink sink(lines ? ProgressSink::Mode::lines : ProgressSink::Mode::counters,
                    reported && nb::cast<bool>(progress.attr("tty")));
  std::mutex mutex;
  std::condition_variable ended;
  bool done = false;
  std::exception_ptr error;
  std::thread worker([&] {
    std::exception_ptr failure;
    {
      const ProgressSink::Scope scope(sink);
      try {
        work();
      } catch (...) {
        failure = std::current_exception();
      }
    }
    const std::lock_guard lock(mutex);
    error = failure;
    done = true;
    ended.notify_all();
  });
  auto join = [&] {
    const nb::gil_scoped_release released;
    worker.join();
  };
  try {
    for (bool finished = false; !finished;) {
      {
        const nb::gil_scoped_release released;
        std::unique_lock lock(mutex);
        finished = ended.wait_for(lock, std::chrono::milliseconds(100), [&] { return done; });
      }
      if (reported) progress.attr("report")(bar_tuples(sink), sink.take_text());
      if (!finished && PyErr_CheckSignals() != 0) throw nb::python_error();
    }
  } catch (...) {
    // Ctrl-C (or a failing report): the stage stops at its next step and unwinds before
    // the exception reaches Python, so that no thread of it outlives the call.
    sink.cancel();
    join();
    throw;
  }
  join();
  if (error) std::rethrow_exception(error);
}

}  // namespace darkscan::python
