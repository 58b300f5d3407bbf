#include "pipeline/stage.hpp"

#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include "darkscan/version.hpp"
#include "errors.hpp"
#include "io/atomic_output.hpp"
#include "io/file_checksum.hpp"

extern char** environ;

namespace darkscan::pipeline {

namespace {
std::filesystem::path record_path(const Stage& stage) { return stage.output + ".run"; }
}  // namespace

std::string fingerprint(const Stage& stage, const std::string& config_text) {
  std::string text = fmt::format("darkscan {} {}\nstage {}\n", version(), commit(), stage.name);
  for (const auto& a : stage.arguments) text += a + '\n';
  text += "config\n" + config_text + "\n";
  for (const auto& input : stage.inputs) text += fmt::format("input {} {}\n", input, io::sha256_file(input));
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
  io::AtomicOutput out(record_path(stage));
  out.write(fp + '\n');
  out.commit();
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

}  // namespace darkscan::pipeline
