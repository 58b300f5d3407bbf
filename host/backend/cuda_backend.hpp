#pragma once
// Entry points of the CUDA backend. Implemented by cuda_backend.cpp when darkscan is
// built with CUDA, and by cuda_backend_stub.cpp (which says so) when it is not.
#include <memory>
#include <string>

#include "backend/backend.hpp"

namespace darkscan::cuda {

bool compiled_in();
std::string unavailable_reason(int device);
std::unique_ptr<Backend> make_backend(int device);

}  // namespace darkscan::cuda
