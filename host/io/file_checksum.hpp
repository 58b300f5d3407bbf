#pragma once
// Content checksums of input files, recorded in outputs so that a result says exactly
// what produced it (and a pipeline can tell an unchanged input from a changed one).
#include <string>

namespace darkscan::io {

// SHA-256 of the file's bytes as 64 lowercase hex digits (OpenSSL); InputError naming
// the file when it cannot be read.
std::string sha256_file(const std::string& path);

// SHA-256 of a string, the same digits.
std::string sha256_text(const std::string& text);

}  // namespace darkscan::io
