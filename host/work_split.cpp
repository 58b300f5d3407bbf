#include "work_split.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "errors.hpp"

namespace darkscan {

IndexRange shard_range(Shard shard, std::uint64_t items) {
  if (shard.count == 0 || shard.index == 0 || shard.index > shard.count)
    throw std::logic_error(fmt::format("shard_range: shard {}/{}", shard.index, shard.count));
  // q items each and one more for the first r shards: no product that could overflow.
  const std::uint64_t q = items / shard.count, r = items % shard.count, k = shard.index - 1;
  const std::uint64_t begin = k * q + std::min(k, r);
  return {begin, begin + q + (k < r ? 1 : 0)};
}

Shard parse_shard(std::string_view text, std::string_view option) {
  auto number = [&](std::string_view part, const char* what) {
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size())
      throw_input_error("{}: '{}': {} is not a whole number (the form is K/N, e.g. 2/8)", option, text, what);
    return v;
  };
  const auto slash = text.find('/');
  if (slash == std::string_view::npos)
    throw_input_error("{}: '{}' is not of the form K/N (shard K of N, e.g. 2/8)", option, text);
  const Shard s{number(text.substr(0, slash), "K"), number(text.substr(slash + 1), "N")};
  if (s.count == 0) throw_input_error("{}: '{}': N must be at least 1", option, text);
  if (s.index < 1 || s.index > s.count) throw_input_error("{}: '{}': K must be between 1 and N ({})", option, text, s.count);
  return s;
}

std::string shard_name(Shard shard) { return fmt::format("{}/{}", shard.index, shard.count); }

}  // namespace darkscan
