// The CUDA backend of a build without CUDA: it reports itself absent.
#include "backend/cuda_backend.hpp"
#include "errors.hpp"

namespace darkscan::cuda {

bool compiled_in() { return false; }

std::string unavailable_reason(int) {
  return "darkscan was built without CUDA (configure with -DDARKSCAN_CUDA=ON where nvcc is installed)";
}

std::unique_ptr<Backend> make_backend(int device) { throw InputError(unavailable_reason(device)); }

}  // namespace darkscan::cuda
