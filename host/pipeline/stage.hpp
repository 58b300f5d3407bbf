#pragma once
// One stage of the main job (`darkscan run`): a function of the engine with its input
// files and its output. A stage is up to date when its output exists and the fingerprint
// recorded beside it when it last completed (<output>.run) matches the one it would have
// now: the SHA-256 of the darkscan version, the stage's name and arguments, the values
// of the config keys it reads and the contents of every input file. Outputs appear only
// when complete, and the record is written after them, so an interrupted run redoes just
// the stage it was in.
#include <functional>
#include <string>
#include <vector>

namespace darkscan::pipeline {

struct Stage {
  std::string name;                          // "select", ...
  std::vector<std::string> arguments;        // what else the output depends on (paths, toys)
  std::vector<std::string> inputs;           // files whose contents the output depends on
  std::string output;                        // the file that says the stage is done
  std::vector<std::string> config_sections;  // the config keys the stage reads (config::canonical_text)
  std::function<void()> run;                 // writes `output`
};

std::string fingerprint(const Stage& stage, const std::string& config_text);
bool up_to_date(const Stage& stage, const std::string& fingerprint);
void record(const Stage& stage, const std::string& fingerprint);

// Runs argv (inheriting stdout and stderr) and returns its exit status; 127 when it
// cannot be started. For the plotting script, the one stage that is not in the engine.
int run_program(const std::vector<std::string>& argv);

// Runs argv with its standard output read into `output` and its standard error discarded;
// the exit status, 127 when it cannot be started. For the probe that finds the Python
// drawing the plots (main_job.cpp).
int run_program_output(const std::vector<std::string>& argv, std::string& output);

}  // namespace darkscan::pipeline
