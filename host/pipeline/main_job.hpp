#pragma once
// The main job, `darkscan run`: generate (when the config asks for the built-in toy
// sample), select, efficiency, scan, lee and interpret in this process, each stage's
// result handed to the next in memory and its file written once; then the plots and
// report.md (the package's darkscan.plot in a Python child process) and a summary. Each stage is
// skipped when its inputs, arguments and config keys are unchanged since it last
// completed (stage.hpp), so a second run takes seconds and an interrupted one resumes at
// the stage it was in. Every file the job writes goes under the output folder.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "mpi/mpi_world.hpp"
#include "pipeline/compute.hpp"
#include "pipeline/run_summary.hpp"

namespace darkscan::pipeline {

struct MainJobOptions {
  std::string config;      // the config file
  std::string output_dir;  // empty: the config's run.output_dir
  std::uint64_t toys = 0;  // look-elsewhere toys; 0: the config's run.toys
  bool force = false;      // run every stage, even those up to date
  ComputeChoice compute;
  // The Pythons to draw the plots with (`python -m darkscan.plot`), in order of preference:
  // the first with darkscan, matplotlib and h5py draws; none: no plots (said, not fatal).
  std::vector<std::string> plot_pythons;
  bool plots = true;  // false: no plots and nothing said about them (darkscan.run(plots=False))
  // The job's ranks when mpirun started darkscan as several (docs/cluster.md#mpi); null:
  // one process. Every rank calls run_main_job alike: efficiency, scan and lee split over
  // the ranks, the other stages, the summary and the plots run on rank 0, and each stage
  // ends for all when rank 0 has written its file.
  const mpi::World* world = nullptr;
};

struct MainJobResult {
  std::filesystem::path dir;
  std::vector<std::string> results;  // the summary's lines (also in summary.txt)
  std::vector<StageTime> times;
  std::string report;  // report.md, empty when the plots did not make it
};

// InputError (naming the stage) on bad input; other failures as std::runtime_error. The
// stages done before a failure are kept: the same call resumes from the one that failed.
// Under MPI only rank 0's result is filled in (its `dir` on every rank).
MainJobResult run_main_job(const MainJobOptions& options);

}  // namespace darkscan::pipeline
