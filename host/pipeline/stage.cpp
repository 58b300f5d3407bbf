#include "pipeline/stage.hpp"

#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "darkscan/version.hpp"
#include "errors.hpp"
#include "io/file_checksum.hpp"

extern char** environ;

namespace darkscan::pipeline {

namespace {
std::filesystem::path record_path(const Stage& stage) { return stage.output + ".run"; }

// The SHA-256 of a file, computed once per content in this process: the event file is an
// input of two stages, and hashing it is most of an up-to-date run's time. A file is the
// same while its size and modification time are (a stage that rewrites it changes them).
std::string checksum(const std::string& path) {
  struct Seen {
    std::uintmax_t size;
    std::filesystem::file_time_type time;
    std::string sha256;
  };
  static std::map<std::string, Seen> seen;
  std::error_code size_error, time_error;
  const auto size = std::filesystem::file_size(path, size_error);
  const auto time = std::filesystem::last_write_time(path, time_error);
  if (size_error || time_error) return io::sha256_file(path);  // says what is wrong with the file
  auto& entry = seen[path];
  if (entry.sha256.empty() || entry.size != size || entry.time != time) entry = Seen{size, time, io::sha256_file(path)};
  return entry.sha256;
}
}  // namespace

std::string fingerprint(const Stage& stage, const std::string& config_text) {
  std::string text = fmt::format("darkscan {} {}\nstage {}\n", version(), commit(), stage.name);
  // The command line, program path excepted (a rebuilt binary elsewhere is the same
  // program; its version is above), and without the arguments that cannot change the result.
  for (std::size_t i = 1; i < stage.command.size(); ++i) {
    const auto& a = stage.command[i];
    if (std::find(stage.volatile_args.begin(), stage.volatile_args.end(), a) != stage.volatile_args.end()) {
      ++i;  // the option and its value
      continue;
    }
    text += a + '\n';
  }
  text += "config\n" + config_text + "\n";
  for (const auto& input : stage.inputs) text += fmt::format("input {} {}\n", input, checksum(input));
  return io::sha256_text(text);
}

bool up_to_date(const Stage& stage, const std::string& fp) {
  std::error_code ec;
  if (!std::filesystem::exists(stage.output, ec)) return false;
  std::ifstream in(record_path(stage));
  std::string stored;
  return in && std::getline(in, stored) && stored == fp;
}

void record(const Stage& stage, const std::string& fp) {
  const auto path = record_path(stage);
  const auto tmp = std::filesystem::path(path.string() + ".tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << fp << '\n';
    if (!out) throw_input_error("{}: cannot write the stage record", tmp.string());
  }
  std::filesystem::rename(tmp, path);
}

int run_program(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) return 127;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return 127;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

std::string self_executable() { return std::filesystem::read_symlink("/proc/self/exe").string(); }

}  // namespace darkscan::pipeline
