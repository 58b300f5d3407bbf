#pragma once
// One computation on the device as the CUDA backend runs each of its calls: its inputs
// uploaded, its kernels queued, its results copied back once the stream is done, and
// its device memory released only then (the copies and kernels are asynchronous, so
// the memory must outlive them). Host code only (g++ or nvcc).
#include <cuda_runtime_api.h>

#include <cstddef>
#include <span>
#include <type_traits>
#include <vector>

#include "cuda_check.hpp"
#include "device_memory.hpp"

namespace darkscan::cuda {

// The device memory of one computation: copies of its inputs and room for its
// intermediate and final results, all released with the arena.
class DeviceArena {
 public:
  explicit DeviceArena(cudaStream_t stream) : stream_(stream) {}

  // Room for `count` elements, uninitialised.
  template <class T>
  T* allocate(std::size_t count) {
    buffers_.push_back(device_alloc(count * sizeof(T)));
    return static_cast<T*>(buffers_.back().get());
  }

  // A device copy of data[0, count), queued on the stream; nullptr for nullptr (an
  // optional input that is absent). cudaMemcpyAsync from pageable memory returns once
  // the source has been staged, so `data` need not outlive the call (CUDA Runtime API,
  // "API synchronization behavior").
  template <class T>
  const T* upload(const T* data, std::size_t count) {
    if (data == nullptr) return nullptr;
    T* copy = allocate<std::remove_const_t<T>>(count);
    if (count > 0) DS_CUDA_CHECK(cudaMemcpyAsync(copy, data, count * sizeof(T), cudaMemcpyHostToDevice, stream_));
    return copy;
  }
  template <class T>
  const T* upload(std::span<const T> data) {
    return upload(data.data(), data.size());
  }
  template <class T>
  const T* upload(const std::vector<T>& data) {
    return upload(data.data(), data.size());
  }

 private:
  cudaStream_t stream_;
  std::vector<DeviceBuffer> buffers_;
};

// device[0, count) on the host, once everything queued on `stream` before is done.
template <class T>
std::vector<T> download(const T* device, std::size_t count, cudaStream_t stream) {
  std::vector<T> host(count);
  if (count > 0) DS_CUDA_CHECK(cudaMemcpyAsync(host.data(), device, count * sizeof(T), cudaMemcpyDeviceToHost, stream));
  DS_CUDA_CHECK(cudaStreamSynchronize(stream));
  return host;
}

// `count` results of type Result: `launch(arena, results)` uploads the inputs into
// `arena` and queues on `stream` the kernels that write results[0, count) in device
// memory; the results come back when they are done. Nothing runs for count = 0.
template <class Result, class Launch>
std::vector<Result> run_on_device(std::size_t count, cudaStream_t stream, const Launch& launch) {
  if (count == 0) return {};
  DeviceArena arena(stream);
  Result* results = arena.allocate<Result>(count);
  launch(arena, results);
  return download(results, count, stream);
}

}  // namespace darkscan::cuda
