#include "io/atomic_output.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <climits>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "errors.hpp"

namespace darkscan::io {

namespace {

namespace fs = std::filesystem;

std::string reason(int error) { return std::system_category().message(error); }

std::string_view file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

fs::path folder_of(const fs::path& p) { return p.has_parent_path() ? p.parent_path() : fs::path("."); }

// Refuses a destination that exists and is not a regular file (followed through
// symbolic links): renaming onto a device, a FIFO or a folder would replace it, or fail
// only once the work is done.
void check_replaceable(const fs::path& destination) {
  struct stat st {};
  if (::stat(destination.c_str(), &st) != 0) return;  // absent (or a dangling link): a new file
  if (!S_ISREG(st.st_mode))
    throw_input_error("{}: cannot write: it is {}, not a regular file (darkscan replaces only regular files)",
                      destination.string(), file_kind(st.st_mode));
}

// Removes `<name>.tmp-<pid>` files of `target` whose process is no longer running: what
// a killed run left behind. A temporary of a running process is left alone (another
// darkscan writing the same output); one carrying this process's id is stale too (the
// id of a process that died, handed out again).
void remove_stale_temporaries(const fs::path& target) {
  const std::string prefix = target.filename().string() + ".tmp-";
  std::error_code ec;
  fs::directory_iterator it(folder_of(target), fs::directory_options::skip_permission_denied, ec);
  if (ec) return;
  std::vector<std::pair<fs::path, long>> stale;
  for (const auto& entry : it) {
    const std::string name = entry.path().filename().string();
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    const char* first = name.data() + prefix.size();
    const char* last = name.data() + name.size();
    long pid = 0;
    const auto [end, err] = std::from_chars(first, last, pid);
    if (err != std::errc() || end != last || pid <= 0 || pid > INT_MAX) continue;
    if (pid != ::getpid() && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH)) continue;
    if (!entry.is_regular_file(ec) || entry.is_symlink(ec)) continue;
    stale.emplace_back(entry.path(), pid);
  }
  for (const auto& [path, pid] : stale)
    if (fs::remove(path, ec) && pid != ::getpid())
      fmt::print(stderr, "note: removed {}, left by an interrupted run (process {})\n", path.string(), pid);
}

}  // namespace

AtomicOutput::AtomicOutput(fs::path destination) : destination_(std::move(destination)), target_(destination_) {
  check_replaceable(destination_);
  std::error_code ec;
  // A link to a regular file: the file it names is replaced, in its own folder (a rename
  // onto the link would put a file where the link was).
  if (fs::is_symlink(destination_, ec) && fs::exists(destination_, ec)) {
    const fs::path resolved = fs::canonical(destination_, ec);
    if (!ec) target_ = resolved;
  }
  const fs::path folder = folder_of(target_);
  if (!fs::is_directory(folder, ec))
    throw_input_error("{}: cannot write: folder '{}' does not exist", destination_.string(), folder.string());
  remove_stale_temporaries(target_);
  // The process id keeps two concurrent writers of one destination apart.
  temporary_ = target_;
  temporary_ += ".tmp-" + std::to_string(::getpid());
  fd_ = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd_ < 0) {
    const int error = errno;
    // A folder darkscan may not write in is the user's to fix, like a missing one; a
    // full disk (no space, no inodes, a quota) is a failure of the machine.
    if (error == EACCES || error == EPERM || error == EROFS || error == ENOENT || error == ENOTDIR ||
        error == ENAMETOOLONG || error == ELOOP || error == EISDIR)
      throw_input_error("{}: cannot write: cannot create a file in folder '{}': {}", destination_.string(),
                        folder.string(), reason(error));
    throw_write_error("{}: cannot write: cannot create a file in folder '{}': {}", destination_.string(),
                      folder.string(), reason(error));
  }
}

AtomicOutput::~AtomicOutput() {
  if (fd_ >= 0) (void)::close(fd_);
  if (!committed_) {
    std::error_code ec;
    fs::remove(temporary_, ec);
  }
}

void AtomicOutput::write(const void* data, std::size_t size) {
  if (fd_ < 0) throw std::logic_error(destination_.string() + ": AtomicOutput::write after commit");
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd_, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_write_error("{}: cannot write: {}", destination_.string(), reason(errno));
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

void AtomicOutput::copy_from(const fs::path& source) {
  const int in = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) throw_input_error("{}: cannot read it: {}", source.string(), reason(errno));
  std::vector<char> buffer(1 << 20);
  for (;;) {
    const ssize_t n = ::read(in, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      (void)::close(in);
      throw_input_error("{}: cannot read it: {}", source.string(), reason(error));
    }
    if (n == 0) break;
    try {
      write(buffer.data(), static_cast<std::size_t>(n));
    } catch (...) {
      (void)::close(in);
      throw;
    }
  }
  (void)::close(in);
}

void AtomicOutput::commit() {
  if (committed_) return;
  const std::string name = destination_.string();
  // Flushed before the rename: otherwise a crash soon after it can leave the new name
  // on a file whose blocks never reached the disk. The descriptor is the temporary's,
  // so the fsync covers what any other writer (HDF5) wrote to it by name.
  if (::fsync(fd_) != 0 && errno != EINVAL) throw_write_error("{}: cannot write: {}", name, reason(errno));
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0 && errno != EINTR) throw_write_error("{}: cannot write: {}", name, reason(errno));
  check_replaceable(destination_);  // it may have changed while the work was done
  if (::rename(temporary_.c_str(), target_.c_str()) != 0)
    throw_write_error("{}: cannot move the finished file into place: {}", name, reason(errno));
  committed_ = true;
  // Flushed after the rename: the folder's entry is what makes the new file survive a
  // crash. File systems that cannot sync a folder say EINVAL, and a folder darkscan may
  // write in but not list cannot be opened to sync it: the file is in place either way.
  const fs::path folder = folder_of(target_);
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return;
  const int synced = ::fsync(dir);
  const int error = errno;
  (void)::close(dir);
  if (synced != 0 && error != EINVAL)
    throw_write_error("{}: cannot flush its folder '{}' to the disk: {}", name, folder.string(), reason(error));
}

}  // namespace darkscan::io
