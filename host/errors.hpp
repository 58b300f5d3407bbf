#pragma once
// Errors that reach the user. InputError is bad input (a missing or corrupt file, a
// missing column, a wrong type, a nonsense config value): its message is one line
// that names the file and the column or key, and the CLI exits with status 2.
// Anything else that escapes is a failure of darkscan or of the machine (status 1),
// among them WriteError: an output that could not be written (a full disk, a quota, an
// I/O error), one line naming the file (docs/commands/README.md#exit-status).
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace darkscan {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class WriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Exit statuses of the darkscan executable.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;

template <class... Args>
[[noreturn]] void throw_input_error(fmt::format_string<Args...> f, Args&&... args) {
  throw InputError(fmt::format(f, std::forward<Args>(args)...));
}

template <class... Args>
[[noreturn]] void throw_write_error(fmt::format_string<Args...> f, Args&&... args) {
  throw WriteError(fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace darkscan
