#pragma once
// Move-only owners of device memory, pinned host memory, streams and events. Their
// destructors release without throwing (a failure there has nowhere to go).
#include <cuda_runtime_api.h>

#include <cstddef>
#include <utility>

#include "cuda_check.hpp"

namespace darkscan::cuda {

template <class Traits>
class Owned {
 public:
  using Pointer = typename Traits::Pointer;
  Owned() = default;
  explicit Owned(Pointer p, std::size_t bytes = 0) : p_(p), bytes_(bytes) {}
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  Owned(Owned&& o) noexcept : p_(std::exchange(o.p_, Pointer{})), bytes_(std::exchange(o.bytes_, 0)) {}
  Owned& operator=(Owned&& o) noexcept {
    if (this != &o) {
      reset();
      p_ = std::exchange(o.p_, Pointer{});
      bytes_ = std::exchange(o.bytes_, 0);
    }
    return *this;
  }
  ~Owned() { reset(); }
  Pointer get() const { return p_; }
  std::size_t bytes() const { return bytes_; }
  void reset() noexcept {
    if (p_) (void)Traits::release(p_);
    p_ = Pointer{};
    bytes_ = 0;
  }

 private:
  Pointer p_{};
  std::size_t bytes_ = 0;
};

struct DeviceTraits {
  using Pointer = void*;
  static cudaError_t release(void* p) { return cudaFree(p); }
};
struct PinnedTraits {
  using Pointer = void*;
  static cudaError_t release(void* p) { return cudaFreeHost(p); }
};
struct StreamTraits {
  using Pointer = cudaStream_t;
  static cudaError_t release(cudaStream_t s) { return cudaStreamDestroy(s); }
};
struct EventTraits {
  using Pointer = cudaEvent_t;
  static cudaError_t release(cudaEvent_t e) { return cudaEventDestroy(e); }
};

using DeviceBuffer = Owned<DeviceTraits>;
using PinnedBuffer = Owned<PinnedTraits>;
using Stream = Owned<StreamTraits>;
using Event = Owned<EventTraits>;

inline DeviceBuffer device_alloc(std::size_t bytes) {
  void* p = nullptr;
  if (bytes > 0) DS_CUDA_CHECK(cudaMalloc(&p, bytes));
  return DeviceBuffer(p, bytes);
}

inline PinnedBuffer pinned_alloc(std::size_t bytes) {
  void* p = nullptr;
  if (bytes > 0) DS_CUDA_CHECK(cudaMallocHost(&p, bytes));
  return PinnedBuffer(p, bytes);
}

inline Stream make_stream() {
  cudaStream_t s = nullptr;
  DS_CUDA_CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  return Stream(s);
}

inline Event make_event() {
  cudaEvent_t e = nullptr;
  DS_CUDA_CHECK(cudaEventCreateWithFlags(&e, cudaEventDisableTiming));
  return Event(e);
}

// Grows `buffer` to at least `bytes` (contents are not kept).
inline void ensure_capacity(DeviceBuffer& buffer, std::size_t bytes) {
  if (buffer.bytes() < bytes) buffer = device_alloc(bytes);
}

}  // namespace darkscan::cuda
