#pragma once
// The closing summary of `darkscan run`, read back from the stages' outputs: events read,
// candidates selected per final state, windows scanned, the largest local and global
// significance, the strongest and weakest limits, the sinθ exclusion and y limit of the
// model point, the time of every stage and the backend.
#include <string>
#include <vector>

namespace darkscan::pipeline {

struct StageTime {
  std::string name;
  bool ran = false;  // false: up to date, skipped
  double seconds = 0;
};

struct RunOutputs {
  std::string events, selected, model, scan, results, interpretation;  // paths ("" where a stage did not run)
};

// The results as text lines (also what report.md's key numbers say), read once from the outputs.
std::vector<std::string> results_summary(const RunOutputs& outputs);
// "stages: select 2.7 s, scan up to date, ...; total 2.7 s".
std::string stages_summary(const std::vector<StageTime>& times);

}  // namespace darkscan::pipeline
