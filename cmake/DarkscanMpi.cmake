# MPI is optional (docs/cluster.md#mpi). DARKSCAN_MPI=AUTO builds the MPI layer of
# host/mpi/ when an MPI C library is found (Debian's libopenmpi-dev), ON insists on it,
# OFF leaves it out; without it darkscan runs as one process and refuses to be one of
# several ranks.
set(DARKSCAN_MPI AUTO CACHE STRING "Build the MPI layer (darkscan lee over mpirun ranks): ON, OFF or AUTO")
set_property(CACHE DARKSCAN_MPI PROPERTY STRINGS ON OFF AUTO)
string(TOUPPER "${DARKSCAN_MPI}" _darkscan_mpi)

set(DARKSCAN_HAVE_MPI OFF)
if(_darkscan_mpi STREQUAL "AUTO" OR _darkscan_mpi STREQUAL "ON")
  find_package(MPI COMPONENTS C)
  if(MPI_C_FOUND)
    set(DARKSCAN_HAVE_MPI ON)
  elseif(_darkscan_mpi STREQUAL "ON")
    message(FATAL_ERROR "DARKSCAN_MPI=ON but no MPI C library was found (install libopenmpi-dev)")
  else()
    message(STATUS "darkscan: no MPI found; darkscan runs as one process")
  endif()
elseif(NOT _darkscan_mpi STREQUAL "OFF")
  message(FATAL_ERROR "DARKSCAN_MPI must be ON, OFF or AUTO, not '${DARKSCAN_MPI}'")
endif()
