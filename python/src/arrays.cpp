// Arrays handed from the engine to Python (arrays.hpp).
#include "arrays.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace nb = nanobind;

namespace darkscan::python {

namespace {

template <class T>
nb::object column_array(io::HostColumn&& column) {
  auto* owned = new std::vector<std::byte>(std::move(column.bytes));
  nb::capsule owner(owned, [](void* p) noexcept { delete static_cast<std::vector<std::byte>*>(p); });
  const std::size_t shape[1] = {owned->size() / sizeof(T)};
  return nb::cast(nb::ndarray<nb::numpy, T>(reinterpret_cast<T*>(owned->data()), 1, shape, owner));
}

}  // namespace

nb::object to_numpy(io::HostColumn&& column) {
  switch (column.dtype) {
    case DType::f32: return column_array<float>(std::move(column));
    case DType::f64: return column_array<double>(std::move(column));
    case DType::i8: return column_array<std::int8_t>(std::move(column));
    case DType::i32: return column_array<std::int32_t>(std::move(column));
    case DType::i64: return column_array<std::int64_t>(std::move(column));
  }
  return nb::none();
}

nb::dict to_numpy(io::HostBatch&& table) {
  nb::dict out;
  for (auto& column : table.columns) {
    const std::string name = column.name;
    out[name.c_str()] = to_numpy(std::move(column));
  }
  return out;
}

}  // namespace darkscan::python
