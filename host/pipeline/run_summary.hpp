#pragma once
// The closing summary of `darkscan run`, read back from the stages' outputs: events read,
// candidates selected per final state, windows scanned, the largest local and global
// significance, the strongest and weakest limits, the time of every stage and the backend.
#include <string>
#include <vector>

namespace darkscan::pipeline {

struct StageTime {
  std::string name;
  bool ran = false;  // false: up to date, skipped
  double seconds = 0;
};

struct RunOutputs {
  std::string events, selected, model, scan, results;  // paths ("" where a stage did not run)
};

// The summary as text lines (also what report.md's key numbers say).
std::vector<std::string> run_summary(const RunOutputs& outputs, const std::vector<StageTime>& times);

}  // namespace darkscan::pipeline
