// The Python module darkscan._core: the engine's version and InputError, and its parts
// (bindings.hpp). An InputError of the engine reaches Python as darkscan.InputError, a
// ValueError with the engine's one-line message (docs/python.md#errors).
#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>

#include <string>

#include "backend/backend.hpp"
#include "bindings.hpp"
#include "darkscan/version.hpp"
#include "errors.hpp"

namespace nb = nanobind;

NB_MODULE(_core, m) {
  m.doc() = "darkscan's engine (the package darkscan wraps it)";
  m.def("version", [] { return std::string(darkscan::version()); },
        "The version, as `darkscan --version` prints it");
  m.def("commit", [] { return std::string(darkscan::commit()); }, "The commit this module was built from");
  m.def("compiled_backends", [] { return darkscan::compiled_backends(); }, "The backends compiled in, e.g. 'cpu'");
  nb::exception<darkscan::InputError>(m, "InputError", PyExc_ValueError);
  darkscan::python::add_stats(m);
  darkscan::python::add_events(m);
  darkscan::python::add_stages(m);
}
