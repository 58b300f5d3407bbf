# CUDA is optional. DARKSCAN_CUDA=AUTO builds the CUDA backend when nvcc is found
# (a GPU is not needed to compile and link it; the backend asks for a device at run
# time), ON insists on it, OFF leaves it out.
set(DARKSCAN_CUDA AUTO CACHE STRING "Build the CUDA backend: ON, OFF or AUTO")
set_property(CACHE DARKSCAN_CUDA PROPERTY STRINGS ON OFF AUTO)
string(TOUPPER "${DARKSCAN_CUDA}" _darkscan_cuda)

set(DARKSCAN_HAVE_CUDA OFF)
if(_darkscan_cuda STREQUAL "AUTO" OR _darkscan_cuda STREQUAL "ON")
  include(CheckLanguage)
  if(NOT CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX} AND EXISTS /usr/local/cuda/bin/nvcc)
    # A toolkit installed in the usual place but not on PATH is still found.
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc CACHE FILEPATH "CUDA compiler")
  endif()
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    enable_language(CUDA)
    find_package(CUDAToolkit REQUIRED)
    # CMake 3.25 does not know nvcc's C++20 flag (nvcc >= 12 has it): teach it.
    if(NOT DEFINED CMAKE_CUDA20_STANDARD_COMPILE_OPTION OR CMAKE_CUDA20_STANDARD_COMPILE_OPTION STREQUAL "")
      set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION "-std=c++20")
      set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION "-std=c++20")
      list(APPEND CMAKE_CUDA_COMPILE_FEATURES cuda_std_20)
    endif()
    set(CMAKE_CUDA_STANDARD 20)
    set(CMAKE_CUDA_STANDARD_REQUIRED ON)
    set(CMAKE_CUDA_EXTENSIONS OFF)
    set(DARKSCAN_HAVE_CUDA ON)
  elseif(_darkscan_cuda STREQUAL "ON")
    message(FATAL_ERROR "DARKSCAN_CUDA=ON but no working CUDA compiler was found "
                        "(set CUDACXX or put nvcc on PATH)")
  else()
    message(STATUS "darkscan: no CUDA compiler found; building the CPU backend only")
  endif()
elseif(NOT _darkscan_cuda STREQUAL "OFF")
  message(FATAL_ERROR "DARKSCAN_CUDA must be ON, OFF or AUTO, not '${DARKSCAN_CUDA}'")
endif()
