#include <charconv>
#include <cstdlib>
#include <string_view>

#include "mpi/mpi_world.hpp"

namespace darkscan::mpi {

int launched_ranks() {
  // Open MPI's mpirun; PMI of MPICH's launchers and srun --mpi=pmi2; any srun step. A
  // count that MPI then does not confirm (a singleton) runs as one process.
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"}) {
    const char* value = std::getenv(name);
    if (value == nullptr) continue;
    const std::string_view text(value);
    int ranks = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), ranks);
    if (error == std::errc() && end == text.data() + text.size() && ranks > 0) return ranks;
  }
  return 1;
}

}  // namespace darkscan::mpi
