#pragma once
// Checked CUDA runtime calls: every error becomes an exception that names the call,
// the source line and CUDA's own words. Host code only (g++ or nvcc).
#include <cuda_runtime_api.h>

#include <stdexcept>
#include <string>

namespace darkscan::cuda {

class CudaError : public std::runtime_error {
 public:
  CudaError(cudaError_t code, const char* call, const char* file, int line)
      : std::runtime_error(std::string(call) + " failed at " + file + ":" + std::to_string(line) + ": " +
                           cudaGetErrorName(code) + ": " + cudaGetErrorString(code)),
        code_(code) {}
  cudaError_t code() const { return code_; }

 private:
  cudaError_t code_;
};

inline void check(cudaError_t code, const char* call, const char* file, int line) {
  if (code != cudaSuccess) throw CudaError(code, call, file, line);
}

}  // namespace darkscan::cuda

#define DS_CUDA_CHECK(call) ::darkscan::cuda::check((call), #call, __FILE__, __LINE__)
