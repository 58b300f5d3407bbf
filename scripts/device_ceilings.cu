// The ceilings the device check sets its floors against, measured on the device in
// use (datasheet rates are only leads): device-memory bandwidth as a large
// device-to-device copy (bytes read plus bytes written), the FP64 rate of independent
// fused multiply-add chains on every multiprocessor (the kernels here do scalar FP64,
// no tensor-core FP64), and the host link both ways from pageable memory (what the
// backends' std::vector results go through) and from pinned memory.
// Each figure is the median of several timed runs after a warm-up. Prints one JSON
// object on stdout; any failed CUDA call ends it with exit status 1.
//   build: nvcc -O3 -arch=sm_XX -o device_ceilings scripts/device_ceilings.cu
//   usage: device_ceilings [device-copy MiB, default 1024]
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

void check(cudaError_t code, const char* call, int line) {
  if (code == cudaSuccess) return;
  std::fprintf(stderr, "device_ceilings: %s failed at line %d: %s: %s\n", call, line, cudaGetErrorName(code),
               cudaGetErrorString(code));
  std::exit(1);
}
#define CHECK(call) check((call), #call, __LINE__)

constexpr int kChains = 8;  // independent FMA chains a thread: enough to cover the DFMA latency

// kChains dependent chains of a = a*b + c a thread; b < 1 keeps them finite and normal.
// The store happens only for an impossible sum, which the compiler cannot know.
__global__ void fma_chains(double* out, int iterations, double b, double c) {
  double a[kChains];
#pragma unroll
  for (int k = 0; k < kChains; ++k) a[k] = 1e-3 * threadIdx.x + k;
#pragma unroll 4
  for (int i = 0; i < iterations; ++i) {
#pragma unroll
    for (int k = 0; k < kChains; ++k) a[k] = fma(a[k], b, c);
  }
  double sum = 0;
#pragma unroll
  for (int k = 0; k < kChains; ++k) sum += a[k];
  if (sum == -1.0) out[blockIdx.x * blockDim.x + threadIdx.x] = sum;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Seconds of one device-side region, timed with events.
template <class F>
double event_seconds(F&& region) {
  cudaEvent_t start, stop;
  CHECK(cudaEventCreate(&start));
  CHECK(cudaEventCreate(&stop));
  CHECK(cudaEventRecord(start));
  region();
  CHECK(cudaEventRecord(stop));
  CHECK(cudaEventSynchronize(stop));
  float ms = 0;
  CHECK(cudaEventElapsedTime(&ms, start, stop));
  CHECK(cudaEventDestroy(start));
  CHECK(cudaEventDestroy(stop));
  return ms * 1e-3;
}

// Seconds of one synchronous host-side call, on the host's clock.
template <class F>
double host_seconds(F&& call) {
  const auto start = std::chrono::steady_clock::now();
  call();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t copy_bytes = (argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1024) << 20;
  const std::size_t link_bytes = std::min(std::size_t{256} << 20, copy_bytes);
  constexpr int kRuns = 9;

  int device = 0;
  CHECK(cudaGetDevice(&device));
  cudaDeviceProp prop{};
  CHECK(cudaGetDeviceProperties(&prop, device));

  // Device-to-device copy of a buffer many times the L2, non-zero bytes.
  void *src = nullptr, *dst = nullptr;
  CHECK(cudaMalloc(&src, copy_bytes));
  CHECK(cudaMalloc(&dst, copy_bytes));
  CHECK(cudaMemset(src, 0x5a, copy_bytes));
  CHECK(cudaMemset(dst, 0xa5, copy_bytes));
  CHECK(cudaMemcpy(dst, src, copy_bytes, cudaMemcpyDeviceToDevice));
  CHECK(cudaDeviceSynchronize());
  std::vector<double> t;
  for (int r = 0; r < kRuns; ++r)
    t.push_back(event_seconds([&] { CHECK(cudaMemcpyAsync(dst, src, copy_bytes, cudaMemcpyDeviceToDevice)); }));
  const double copy_s = median(t);
  unsigned char probe[2] = {0, 0};
  CHECK(cudaMemcpy(&probe[0], static_cast<unsigned char*>(dst) + copy_bytes - 1, 1, cudaMemcpyDeviceToHost));
  if (probe[0] != 0x5a) {
    std::fprintf(stderr, "device_ceilings: the device copy did not arrive (last byte 0x%02x)\n", probe[0]);
    return 1;
  }

  // FP64: 4 blocks of 256 threads a multiprocessor, kChains chains each.
  const int threads = 256, blocks = 4 * prop.multiProcessorCount, iterations = 1 << 18;
  double* sink = nullptr;
  CHECK(cudaMalloc(&sink, sizeof(double) * threads * blocks));
  fma_chains<<<blocks, threads>>>(sink, 1024, 0.999999, 1e-7);
  CHECK(cudaGetLastError());
  CHECK(cudaDeviceSynchronize());
  t.clear();
  for (int r = 0; r < kRuns; ++r) {
    t.push_back(event_seconds([&] { fma_chains<<<blocks, threads>>>(sink, iterations, 0.999999, 1e-7); }));
    CHECK(cudaGetLastError());
  }
  const double fma_s = median(t);
  const double fp64_flops = 2.0 * kChains * iterations * static_cast<double>(threads) * blocks;

  // Host link, pageable (as the backends' results) and pinned.
  std::vector<unsigned char> pageable(link_bytes);
  std::memset(pageable.data(), 0x3c, link_bytes);
  unsigned char* pinned = nullptr;
  CHECK(cudaMallocHost(&pinned, link_bytes));
  std::memset(pinned, 0x3c, link_bytes);
  auto link = [&](unsigned char* host, cudaMemcpyKind kind) {
    void* to = kind == cudaMemcpyHostToDevice ? dst : static_cast<void*>(host);
    const void* from = kind == cudaMemcpyHostToDevice ? static_cast<const void*>(host) : src;
    // cudaMemcpy from pageable memory may return before the last of it reaches the device:
    // the clock stops after a synchronisation.
    auto copy = [&] {
      CHECK(cudaMemcpy(to, from, link_bytes, kind));
      CHECK(cudaDeviceSynchronize());
    };
    copy();  // warm-up
    std::vector<double> s;
    for (int r = 0; r < 5; ++r) s.push_back(host_seconds(copy));
    return static_cast<double>(link_bytes) / median(s);
  };
  const double h2d_pageable = link(pageable.data(), cudaMemcpyHostToDevice);
  const double d2h_pageable = link(pageable.data(), cudaMemcpyDeviceToHost);
  const double h2d_pinned = link(pinned, cudaMemcpyHostToDevice);
  const double d2h_pinned = link(pinned, cudaMemcpyDeviceToHost);
  CHECK(cudaFreeHost(pinned));
  CHECK(cudaFree(sink));
  CHECK(cudaFree(dst));
  CHECK(cudaFree(src));

  int runtime = 0, driver = 0;
  CHECK(cudaRuntimeGetVersion(&runtime));
  CHECK(cudaDriverGetVersion(&driver));
  std::printf(
      "{\"device\": \"%s\", \"compute_capability\": \"%d.%d\", \"multiprocessors\": %d, \"l2_bytes\": %d, "
      "\"memory_bytes\": %zu, \"cuda_runtime\": %d, \"cuda_driver\": %d, \"runs\": %d,\n"
      " \"d2d_copy_bytes\": %zu, \"d2d_copy_s\": %.6e, \"d2d_bytes_per_s\": %.6e,\n"
      " \"fp64_flops\": %.6e, \"fp64_s\": %.6e, \"fp64_flops_per_s\": %.6e,\n"
      " \"link_bytes\": %zu, \"h2d_pageable_bytes_per_s\": %.6e, \"d2h_pageable_bytes_per_s\": %.6e,\n"
      " \"h2d_pinned_bytes_per_s\": %.6e, \"d2h_pinned_bytes_per_s\": %.6e}\n",
      prop.name, prop.major, prop.minor, prop.multiProcessorCount, prop.l2CacheSize, prop.totalGlobalMem, runtime,
      driver, kRuns, copy_bytes, copy_s, 2.0 * static_cast<double>(copy_bytes) / copy_s, fp64_flops, fma_s,
      fp64_flops / fma_s, link_bytes, h2d_pageable, d2h_pageable, h2d_pinned, d2h_pinned);
  return 0;
}
