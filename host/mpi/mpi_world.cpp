#include "mpi/mpi_world.hpp"

#include <fmt/format.h>
#include <mpi.h>
#include <sched.h>

#include <cstdio>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <thread>

namespace darkscan::mpi {

namespace {

void check(int status, const char* what) {
  if (status == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(status, text, &length);
  throw std::runtime_error(fmt::format("MPI: {} failed: {}", what, std::string(text, static_cast<std::size_t>(length))));
}

int as_count(std::size_t bytes) {
  // MPI counts are int: a rank's part of more than 2 GiB is sent by the next layout.
  if (bytes > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::runtime_error(fmt::format("MPI: a rank's part of {} bytes exceeds the 2 GiB one message holds", bytes));
  return static_cast<int>(bytes);
}

}  // namespace

bool compiled_in() { return true; }

World::World() {
  int initialised = 0;
  check(MPI_Initialized(&initialised), "MPI_Initialized");
  if (!initialised) check(MPI_Init(nullptr, nullptr), "MPI_Init");
  check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
  // The ranks sharing this node's memory: their number divides the node's cores, and the
  // place among them picks the GPU (docs/cluster.md#mpi).
  MPI_Comm local = MPI_COMM_NULL;
  check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &local),
        "MPI_Comm_split_type");
  check(MPI_Comm_rank(local, &local_rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(local, &local_size_), "MPI_Comm_size");
  MPI_Comm_free(&local);
}

World::~World() {
  int finalised = 0;
  MPI_Finalized(&finalised);
  if (!finalised) MPI_Finalize();
}

int World::threads_per_rank() const {
  const int node = static_cast<int>(std::thread::hardware_concurrency());
  int mine = node;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) mine = CPU_COUNT(&set);
  if (node > 0 && mine > 0 && mine < node) return mine;  // bound by the launcher: its share
  return mine / local_size_ > 0 ? mine / local_size_ : 1;
}

void World::fail(int code, const std::string& line) const {
  std::fflush(stdout);
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);  // MPI_Abort does not return; should it, the rank still ends
}

std::vector<std::vector<std::byte>> World::gather(std::span<const std::byte> mine) const {
  int count = as_count(mine.size());
  std::vector<int> counts(rank_ == 0 ? static_cast<std::size_t>(size_) : 0);
  check(MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Gather");
  std::vector<int> offsets(counts.size());
  std::size_t total = 0;
  for (std::size_t r = 0; r < counts.size(); ++r) {
    offsets[r] = as_count(total);
    total += static_cast<std::size_t>(counts[r]);
  }
  as_count(total);
  std::vector<std::byte> all(total);
  check(MPI_Gatherv(mine.data(), count, MPI_BYTE, all.data(), counts.data(), offsets.data(), MPI_BYTE, 0,
                    MPI_COMM_WORLD),
        "MPI_Gatherv");
  std::vector<std::vector<std::byte>> parts;
  for (std::size_t r = 0; r < counts.size(); ++r) {
    const auto* begin = all.data() + offsets[r];
    parts.emplace_back(begin, begin + counts[r]);
  }
  return parts;
}

void World::barrier() const { check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier"); }

}  // namespace darkscan::mpi
