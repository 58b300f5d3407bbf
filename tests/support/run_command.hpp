#pragma once
// Runs the darkscan executable as a user would and captures what it says.
#include <string>
#include <vector>

namespace darkscan::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `darkscan <args...>` (the binary this build made); arguments are quoted.
CommandResult run_darkscan(const std::vector<std::string>& args);

// Number of non-empty lines in `text`.
int count_lines(const std::string& text);

}  // namespace darkscan::testing
