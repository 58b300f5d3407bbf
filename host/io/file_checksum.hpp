#pragma once
// Content checksums of input files, recorded in outputs so that a result says exactly
// what produced it (and a pipeline can tell an unchanged input from a changed one).
#include <array>
#include <cstddef>
#include <memory>
#include <string>

namespace darkscan::io {

// SHA-256 of the file's bytes as 64 lowercase hex digits (OpenSSL); InputError naming
// the file when it cannot be read.
std::string sha256_file(const std::string& path);

// SHA-256 of a string, the same digits.
std::string sha256_text(const std::string& text);

// SHA-256 of bytes given piece by piece (a file written or read in parts, such as the
// look-elsewhere checkpoint, whose trailer is the digest of everything before it).
class Sha256 {
 public:
  using Digest = std::array<unsigned char, 32>;
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, std::size_t bytes);
  // The digest of everything given so far; the object is spent afterwards.
  Digest finish();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace darkscan::io
