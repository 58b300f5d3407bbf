#include "resources.hpp"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <limits>

namespace darkscan {

std::uint64_t memory_limit_bytes() {
  std::uint64_t limit = 0;
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  if (pages > 0 && page > 0)
    limit = saturating_product(static_cast<std::uint64_t>(pages), static_cast<std::uint64_t>(page));
  rlimit as{};
  if (::getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY) {
    const auto address_space = static_cast<std::uint64_t>(as.rlim_cur);
    if (limit == 0 || address_space < limit) limit = address_space;
  }
  return limit;
}

bool fits_in_memory(std::uint64_t bytes) {
  const std::uint64_t limit = memory_limit_bytes();
  return limit == 0 || bytes <= limit;
}

std::string format_bytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return fmt::format("{} bytes", bytes);
  double v = static_cast<double>(bytes) / 1024;
  int unit = 0;
  while (v >= 1024 && unit < 5) {
    v /= 1024;
    ++unit;
  }
  return fmt::format("{:.3g} {}", v, kUnits[unit]);
}

std::uint64_t saturating_product(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) return std::numeric_limits<std::uint64_t>::max();
  return a * b;
}

}  // namespace darkscan
