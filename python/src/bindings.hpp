#pragma once
// The parts of the Python module darkscan._core, each adding its functions to the
// module (docs/python.md). The package python/darkscan/ wraps them; nothing else
// imports _core.
#include <nanobind/nanobind.h>

namespace darkscan::python {

// darkscan._core.evaluate: the statistics engine on arrays, as `darkscan stats` on rows.
void add_stats(nanobind::module_& m);

// darkscan._core.write_events / read_events: event files from and to numpy arrays.
void add_events(nanobind::module_& m);

// darkscan._core.select / efficiency / scan: the stages, their files and results.
void add_stages(nanobind::module_& m);

}  // namespace darkscan::python
