#pragma once
// Rows of one sample held in host memory, one contiguous array per column: what the
// event store reads, the writer writes and the CPU backend computes on.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "darkscan/core/column_view.hpp"

namespace darkscan::io {

struct HostColumn {
  std::string name;  // logical name (events::kColumns) or any name for other tables
  DType dtype = DType::f32;
  std::vector<std::byte> bytes;

  std::uint64_t size() const { return bytes.size() / dtype_size(dtype); }
  ColumnView view() const { return {bytes.data(), size(), dtype}; }
  void* data() { return bytes.data(); }

  template <class T>
  std::span<const T> values() const {
    return {reinterpret_cast<const T*>(bytes.data()), bytes.size() / sizeof(T)};
  }
  template <class T>
  std::span<T> values() {
    return {reinterpret_cast<T*>(bytes.data()), bytes.size() / sizeof(T)};
  }

  template <class T>
  static HostColumn from(std::string name, std::span<const T> v) {
    HostColumn c{std::move(name), dtype_of<T>(), std::vector<std::byte>(v.size_bytes())};
    if (!v.empty()) std::memcpy(c.bytes.data(), v.data(), v.size_bytes());
    return c;
  }
};

struct HostBatch {
  std::uint64_t first_row = 0;  // row of the sample where this batch starts
  std::uint64_t rows = 0;
  std::vector<HostColumn> columns;

  const HostColumn* find(std::string_view name) const {
    for (const auto& c : columns)
      if (c.name == name) return &c;
    return nullptr;
  }
  std::size_t bytes() const {
    std::size_t n = 0;
    for (const auto& c : columns) n += c.bytes.size();
    return n;
  }
};

}  // namespace darkscan::io
