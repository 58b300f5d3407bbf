#pragma once
// A non-owning view of one column in some backend's memory (host or device): the
// unit that kernels and CPU loops receive. Plain data, trivially copyable.
#include <cstdint>

#include "darkscan/core/dtype.hpp"

namespace darkscan {

struct ColumnView {
  const void* data = nullptr;
  std::uint64_t size = 0;
  DType dtype = DType::f32;

  DS_FUNCTION explicit operator bool() const { return data != nullptr || size == 0; }

  // Element i widened to double: exact for every stored type (int64 event numbers
  // are below 2^53 in practice; they are never summed).
  DS_FORCEINLINE_FUNCTION double as_double(std::uint64_t i) const {
    DS_EXPECT(i < size);
    switch (dtype) {
      case DType::f32: return static_cast<double>(static_cast<const float*>(data)[i]);
      case DType::f64: return static_cast<const double*>(data)[i];
      case DType::i8: return static_cast<double>(static_cast<const std::int8_t*>(data)[i]);
      case DType::i32: return static_cast<double>(static_cast<const std::int32_t*>(data)[i]);
      case DType::i64: return static_cast<double>(static_cast<const std::int64_t*>(data)[i]);
    }
    return 0.0;
  }

  template <class T>
  DS_FORCEINLINE_FUNCTION const T* as() const {
    return static_cast<const T*>(data);
  }
};

}  // namespace darkscan
