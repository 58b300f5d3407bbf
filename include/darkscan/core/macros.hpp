#pragma once
// The one place that spells the CUDA execution-space attributes. The numerical core
// is written once with DS_FUNCTION and compiled by g++ for the CPU backend and by
// nvcc for the kernels, so both backends run the same arithmetic.

#if defined(__CUDACC__)
#define DS_FUNCTION __host__ __device__
#define DS_FORCEINLINE_FUNCTION __host__ __device__ __forceinline__
#define DS_DEVICE_COMPILE 1
#else
#define DS_FUNCTION
#define DS_FORCEINLINE_FUNCTION inline __attribute__((always_inline))
#define DS_DEVICE_COMPILE 0
#endif

// Internal invariants of the core: checked in debug host builds, compiled away on the
// device and in release. Bad user input is never caught here; host/ validates it
// and throws (see host/errors.hpp).
#if !defined(NDEBUG) && !defined(__CUDA_ARCH__)
#include <cassert>
#define DS_EXPECT(cond) assert(cond)
#else
#define DS_EXPECT(cond) ((void)0)
#endif
