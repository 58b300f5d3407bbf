#pragma once
// The memory a run may use, and the sizes a run implies said in words, so that a size
// computed from a config or a file is refused before it is allocated (docs/bad-input.md):
// the stages compare what their config implies with explicit limits and with this.
#include <cstdint>
#include <string>

namespace darkscan {

// What darkscan may allocate: the machine's physical memory (sysconf), or the address
// space a process is allowed (RLIMIT_AS, `ulimit -v`) when that is lower. 0 when
// neither can be found (nothing is refused then).
std::uint64_t memory_limit_bytes();

// True when `bytes` fits in memory_limit_bytes() (or the limit is unknown).
bool fits_in_memory(std::uint64_t bytes);

// "1.5 GiB", "640 KiB", "12 bytes".
std::string format_bytes(std::uint64_t bytes);

// a × b, saturating at the largest value instead of wrapping.
std::uint64_t saturating_product(std::uint64_t a, std::uint64_t b);

}  // namespace darkscan
