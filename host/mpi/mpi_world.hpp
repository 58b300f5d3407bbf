#pragma once
// The processes of an MPI job (docs/cluster.md#mpi): which rank this is, of how many, on
// its node, and the few collective steps the distributed stages take. No MPI header is
// included here: mpi_world.cpp implements this with MPI where CMake found it
// (DARKSCAN_MPI), mpi_world_stub.cpp says darkscan was built without it. A run that
// mpirun did not start never initialises MPI, so a plain `darkscan` needs no MPI runtime.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace darkscan::mpi {

bool compiled_in();

// The ranks the launcher started, read from its environment (OMPI_COMM_WORLD_SIZE of
// Open MPI's mpirun, PMI_SIZE, SLURM_STEP_NUM_TASKS of srun) without touching
// MPI; 1 when none is set.
int launched_ranks();

class World {
 public:
  // MPI_Init, and the rank's place among its node's ranks. InputError when darkscan was built
  // without MPI, naming the ranks it was started as.
  World();
  ~World();  // MPI_Finalize
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  int local_rank() const { return local_rank_; }  // among the ranks of this node
  int local_size() const { return local_size_; }

  // The CPU threads this rank's share of its node: the cores it may run on (its
  // affinity mask) divided among the node's ranks, unless the launcher bound it to fewer
  // cores than the node has, which are then its share already; at least 1.
  int threads_per_rank() const;

  // Prints `line` on stderr and ends every rank of the job (MPI_Abort) with `code`.
  [[noreturn]] void fail(int code, const std::string& line) const;

  // Rank 0 receives every rank's bytes, in rank order (its own first); the other ranks
  // receive nothing. Collective: every rank calls it.
  std::vector<std::vector<std::byte>> gather(std::span<const std::byte> mine) const;

  // Returns when every rank has called it.
  void barrier() const;

 private:
  int rank_ = 0, size_ = 1, local_rank_ = 0, local_size_ = 1;
};

}  // namespace darkscan::mpi
