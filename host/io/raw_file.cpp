#include "io/raw_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/h5.hpp"

namespace darkscan::io {

RawFile::RawFile(hid_t file) {
  h5::PropertyList access(H5Fget_access_plist(file));
  h5::PropertyList create(H5Fget_create_plist(file));
  hsize_t user_block = 0;
  void* handle = nullptr;
  if (!access || !create || H5Pget_driver(access.get()) != H5FD_SEC2 || H5Pget_userblock(create.get(), &user_block) < 0 ||
      H5Fget_vfd_handle(file, access.get(), &handle) < 0 || handle == nullptr) {
    H5Eclear2(H5E_DEFAULT);
    return;
  }
  fd_ = *static_cast<int*>(handle);
  base_ = user_block;
}

std::string RawFile::read(haddr_t address, std::span<std::byte> out) const {
  auto* at = out.data();
  std::size_t left = out.size();
  auto offset = static_cast<off_t>(base_ + address);
  while (left > 0) {
    const ssize_t got = ::pread(fd_, at, left, offset);
    if (got < 0) {
      if (errno == EINTR) continue;
      return std::strerror(errno);
    }
    if (got == 0) return "the file ends before it (truncated?)";
    at += got;
    left -= static_cast<std::size_t>(got);
    offset += got;
  }
  return "";
}

}  // namespace darkscan::io
