#include "pipeline/stage.hpp"

#include <fmt/format.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

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

namespace {

std::vector<char*> c_arguments(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  return args;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return 127;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace

int run_program(const std::vector<std::string>& argv) {
  auto args = c_arguments(argv);
  pid_t pid = 0;
  if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) return 127;
  return wait_for(pid);
}

int run_program_output(const std::vector<std::string>& argv, std::string& output) {
  output.clear();
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return 127;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  auto args = c_arguments(argv);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (spawned != 0) {
    close(pipe_fds[0]);
    return 127;
  }
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
    if (n > 0) output.append(buffer, static_cast<std::size_t>(n));
    else if (n == 0 || errno != EINTR) break;
  }
  close(pipe_fds[0]);
  return wait_for(pid);
}

}  // namespace darkscan::pipeline
