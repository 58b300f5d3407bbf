// The MPI layer of a build without MPI: a single process, and a refusal to run as one
// of several ranks (each would compute and write the whole result).
#include <cstdlib>
#include <string>

#include "errors.hpp"
#include "mpi/mpi_world.hpp"

namespace darkscan::mpi {

bool compiled_in() { return false; }

World::World() {
  throw_input_error("started as one of {} MPI ranks, but this darkscan was built without MPI (configure with "
                    "-DDARKSCAN_MPI=ON where libopenmpi-dev is installed, docs/cluster.md#mpi)",
                    launched_ranks());
}

World::~World() = default;

int World::threads_per_rank() const { return 1; }

void World::fail(int code, const std::string&) const { std::_Exit(code); }

std::vector<std::vector<std::byte>> World::gather(std::span<const std::byte> mine) const {
  return {std::vector<std::byte>(mine.begin(), mine.end())};
}

void World::barrier() const {}

}  // namespace darkscan::mpi
