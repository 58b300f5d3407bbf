#include "io/file_checksum.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include "errors.hpp"

namespace darkscan::io {

namespace {

std::string hex(const unsigned char* digest, unsigned int length) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

}  // namespace

std::string sha256_text(const std::string& text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest;
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("OpenSSL: SHA-256 failed");
  return hex(digest.data(), length);
}

struct Sha256::Context {
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
  if (!context_->ctx || EVP_DigestInit_ex(context_->ctx.get(), EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("OpenSSL: cannot start a SHA-256 digest");
}

Sha256::~Sha256() = default;

void Sha256::update(const void* data, std::size_t bytes) {
  if (bytes > 0 && EVP_DigestUpdate(context_->ctx.get(), data, bytes) != 1)
    throw std::runtime_error("OpenSSL: SHA-256 update failed");
}

Sha256::Digest Sha256::finish() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest;
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context_->ctx.get(), digest.data(), &length) != 1 || length != 32)
    throw std::runtime_error("OpenSSL: SHA-256 final failed");
  Digest out;
  std::copy_n(digest.begin(), out.size(), out.begin());
  return out;
}

namespace {

std::string digest_file(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> in(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!in) throw_input_error("{}: cannot open the file to checksum it", path);
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("OpenSSL: cannot start a SHA-256 digest");
  std::array<unsigned char, 1 << 16> buffer;
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), in.get())) > 0)
    if (EVP_DigestUpdate(ctx.get(), buffer.data(), n) != 1) throw std::runtime_error("OpenSSL: SHA-256 update failed");
  if (std::ferror(in.get())) throw_input_error("{}: read error while checksumming", path);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest;
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) != 1)
    throw std::runtime_error("OpenSSL: SHA-256 final failed");
  return hex(digest.data(), length);
}

}  // namespace

// Hashing the event file is most of an up-to-date run's time, and one file is the input
// of several stages: each content is hashed once per process. A file is the same while
// its size and modification time are (a stage that rewrites it changes them).
std::string sha256_file(const std::string& path) {
  struct Seen {
    std::uintmax_t size;
    std::filesystem::file_time_type time;
    std::string sha256;
  };
  static std::mutex mutex;
  static std::map<std::string, Seen> seen;
  std::error_code size_error, time_error;
  const auto size = std::filesystem::file_size(path, size_error);
  const auto time = std::filesystem::last_write_time(path, time_error);
  if (size_error || time_error) return digest_file(path);  // says what is wrong with the file
  {
    const std::lock_guard lock(mutex);
    const auto it = seen.find(path);
    if (it != seen.end() && it->second.size == size && it->second.time == time) return it->second.sha256;
  }
  std::string sha = digest_file(path);
  const std::lock_guard lock(mutex);
  seen[path] = Seen{size, time, sha};
  return sha;
}

}  // namespace darkscan::io
