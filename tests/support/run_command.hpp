#pragma once
// Runs programs (the darkscan executable as a user would) and captures what they say.
#include <string>
#include <vector>

namespace darkscan::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv[0] with the other arguments (each quoted for the shell).
CommandResult run_command(const std::vector<std::string>& argv);

// Runs `darkscan <args...>` (the binary this build made).
CommandResult run_darkscan(const std::vector<std::string>& args);

// Number of non-empty lines in `text`.
int count_lines(const std::string& text);

// Number of times `what` occurs in `text` (overlapping ones too).
int occurrences(const std::string& text, const std::string& what);

}  // namespace darkscan::testing
