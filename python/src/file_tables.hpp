#pragma once
// Tables of a file a stage has just written, read back through the engine's HDF5 layer
// as numpy arrays: the results of the stages whose tables are only assembled as they
// are written (lee, interpret; docs/python.md#results), equal to the file by
// construction.
#include <nanobind/nanobind.h>

#include <string>
#include <vector>

namespace darkscan::python {

// For each of `tables` present in the file ("lee/toys", "combined_limits"): a dict with
// "columns" (name -> 1-D numpy array, by name as HDF5 lists them), "units" (name -> the
// dataset's `unit` attribute) and "attributes" (the group's). Tables that are absent
// are left out; datasets of a type the engine cannot hold in a column are skipped.
nanobind::dict read_file_tables(const std::string& path, const std::vector<std::string>& tables);

}  // namespace darkscan::python
