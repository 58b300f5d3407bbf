#include "io/atomic_output.hpp"

#include <unistd.h>

#include <system_error>

#include "errors.hpp"

namespace darkscan::io {

AtomicOutput::AtomicOutput(std::filesystem::path destination) : destination_(std::move(destination)) {
  const auto folder = destination_.has_parent_path() ? destination_.parent_path() : std::filesystem::path(".");
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec))
    throw_input_error("{}: cannot write: folder '{}' does not exist", destination_.string(), folder.string());
  if (std::filesystem::is_directory(destination_, ec))
    throw_input_error("{}: cannot write: it is a folder", destination_.string());
  // The process id keeps two concurrent writers of one destination apart.
  temporary_ = destination_;
  temporary_ += ".tmp-" + std::to_string(::getpid());
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) {
    std::error_code ec;
    std::filesystem::remove(temporary_, ec);
  }
}

void AtomicOutput::commit() {
  std::error_code ec;
  std::filesystem::rename(temporary_, destination_, ec);
  if (ec) throw_input_error("{}: cannot move the finished file into place: {}", destination_.string(), ec.message());
  committed_ = true;
}

}  // namespace darkscan::io
