// Fuzz target: the statistics CSV reader (`darkscan stats --input`) and, for every table it
// accepts, the planning and the statistics of its rows, on arbitrary bytes.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "backend/cpu_backend.hpp"
#include "errors.hpp"
#include "fuzz_target.hpp"
#include "stats/experiment_csv.hpp"
#include "stats/stats_plan.hpp"

namespace {

// The reader takes a path: each input goes through one private file, rewritten per input.
const std::string& scratch_path() {
  static const std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir ? dir : "/tmp") + "/darkscan_fuzz_stats_" + std::to_string(getpid()) + ".csv";
  }();
  return path;
}

}  // namespace

void darkscan_fuzz_one(const std::uint8_t* data, std::size_t size) {
  using namespace darkscan::stats;
  {
    std::FILE* f = std::fopen(scratch_path().c_str(), "wb");
    if (!f) return;
    if (size > 0) std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  try {
    const StatsOptions options;
    const ExperimentTable table = read_experiment_csv(scratch_path(), options);
    if (table.experiments.size() > 64) return;  // the engine's cost, not the reader, beyond this
    darkscan::CpuBackend cpu(1);
    (void)cpu.marginalise(table.experiments, plan_statistics(table.experiments, options), options);
  } catch (const darkscan::InputError&) {
  }
  std::remove(scratch_path().c_str());
}
