#pragma once
// Element types of event columns, as stored and as held in memory.
#include <cstddef>
#include <cstdint>

#include "darkscan/core/macros.hpp"

namespace darkscan {

enum class DType : std::uint8_t { f32, f64, i8, i32, i64 };

DS_FUNCTION constexpr std::size_t dtype_size(DType t) {
  switch (t) {
    case DType::f32: return 4;
    case DType::f64: return 8;
    case DType::i8: return 1;
    case DType::i32: return 4;
    case DType::i64: return 8;
  }
  return 0;
}

DS_FUNCTION constexpr bool dtype_is_float(DType t) { return t == DType::f32 || t == DType::f64; }

constexpr const char* dtype_name(DType t) {
  switch (t) {
    case DType::f32: return "float32";
    case DType::f64: return "float64";
    case DType::i8: return "int8";
    case DType::i32: return "int32";
    case DType::i64: return "int64";
  }
  return "?";
}

template <class T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::f32; }
template <> constexpr DType dtype_of<double>() { return DType::f64; }
template <> constexpr DType dtype_of<std::int8_t>() { return DType::i8; }
template <> constexpr DType dtype_of<std::int32_t>() { return DType::i32; }
template <> constexpr DType dtype_of<std::int64_t>() { return DType::i64; }

}  // namespace darkscan
