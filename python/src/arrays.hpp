#pragma once
// Arrays handed from the engine to Python: a std::vector (or a column of bytes) moved
// into a numpy array that owns it, without a copy (docs/python.md).
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>

#include <cstddef>
#include <utility>
#include <vector>

#include "io/host_batch.hpp"

namespace darkscan::python {

template <class T>
nanobind::ndarray<nanobind::numpy, T> to_numpy(std::vector<T>&& values, const std::vector<std::size_t>& shape) {
  auto* owned = new std::vector<T>(std::move(values));
  nanobind::capsule owner(owned, [](void* p) noexcept { delete static_cast<std::vector<T>*>(p); });
  return nanobind::ndarray<nanobind::numpy, T>(owned->data(), shape.size(), shape.data(), owner);
}

template <class T>
nanobind::ndarray<nanobind::numpy, T> to_numpy(std::vector<T>&& values) {
  const std::vector<std::size_t> shape{values.size()};
  return to_numpy(std::move(values), shape);
}

// A column of a table as a 1-D numpy array of its element type, owning the bytes.
nanobind::object to_numpy(io::HostColumn&& column);

// A table as a dict of column name -> numpy array, in the table's column order.
nanobind::dict to_numpy(io::HostBatch&& table);

}  // namespace darkscan::python
