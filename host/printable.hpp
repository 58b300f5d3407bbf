#pragma once
// Text taken from an input, as an error message (errors.hpp) may show it.
#include <fmt/format.h>

#include <string>
#include <string_view>

namespace darkscan {

// `text` with every byte that does not print (control characters, and every byte above
// ASCII, such as a UTF-8 byte-order mark) written as \xNN, so that text echoed from an
// input never puts an invisible character or a line break into the one line of an error.
inline std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f) out += ch;
    else out += fmt::format("\\x{:02x}", c);
  }
  return out;
}

}  // namespace darkscan
