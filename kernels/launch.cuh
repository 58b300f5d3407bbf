#pragma once
// The CUDA launcher: maps a functor of the numerical core over [0, n) with a
// grid-stride loop, the twin of host/launch.hpp. The functor is copied to the device
// by value, so it must be trivially copyable (plain pointers and numbers).
#include <cuda_runtime_api.h>

#include <cstdint>
#include <type_traits>

#include "cuda_check.hpp"
#include "launch_parameters.hpp"

namespace darkscan::cuda {

template <class F>
__global__ void grid_stride_kernel(F f, std::uint64_t n) {
  const std::uint64_t stride = static_cast<std::uint64_t>(blockDim.x) * gridDim.x;
  for (std::uint64_t i = static_cast<std::uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) f(i);
}

// Launches f over [0, n) on `stream` with `block` threads per block (one of
// launch_parameters.hpp) and enough blocks to fill the device (a grid-stride loop takes
// the rest).
template <class F>
void launch(const F& f, std::uint64_t n, cudaStream_t stream, int block) {
  static_assert(std::is_trivially_copyable_v<F>, "kernel functors are copied to the device by value");
  if (n == 0) return;
  int device = 0, sms = 0;
  DS_CUDA_CHECK(cudaGetDevice(&device));
  DS_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  const std::uint64_t wanted = (n + block - 1) / block;
  const std::uint64_t cap = static_cast<std::uint64_t>(sms) * kMaxBlocksPerSm;
  const auto grid = static_cast<unsigned>(wanted < cap ? wanted : cap);
  grid_stride_kernel<<<grid, block, 0, stream>>>(f, n);
  DS_CUDA_CHECK(cudaGetLastError());
}

}  // namespace darkscan::cuda
