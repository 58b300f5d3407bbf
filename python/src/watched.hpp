#pragma once
// A stage called from Python, watched (docs/python.md#progress-and-ctrl-c): the stage
// runs on a thread of its own with the GIL released, under a ProgressSink
// (host/progress.hpp), while the calling thread waits for it, hands the sink's progress
// to Python every 0.1 s and checks for signals. On a Python exception there (Ctrl-C's
// KeyboardInterrupt) it cancels the sink, waits for the stage to unwind (its outputs'
// temporaries removed as on any error) and raises the exception; otherwise it returns
// when the stage does, rethrowing the stage's error.
#include <nanobind/nanobind.h>

#include <functional>

namespace darkscan::python {

// `progress`: None (nothing reported), or an object with `mode` ("counters" or
// "lines"), `tty` (lines for a terminal) and a method `report(bars, text)`, called with
// the bars as tuples (label, unit, total, done, finished) and the text printed since the
// last call. `work` must not touch Python objects.
void run_watched(nanobind::handle progress, const std::function<void()>& work);

}  // namespace darkscan::python
