// Replays files through a fuzz target without libFuzzer: the committed seed corpus and
// every input that once crashed a target (tests/fuzz/regressions/<target>/), in the
// default test suite, with whatever compiler builds it. Exit 0 when every input was
// accepted or refused with an InputError; a crash or another exception fails the test.
//   replay_<target> FILE_OR_FOLDER...
#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "fuzz_target.hpp"

namespace {

std::vector<std::filesystem::path> inputs(const std::filesystem::path& where) {
  std::vector<std::filesystem::path> out;
  if (std::filesystem::is_directory(where)) {
    for (const auto& entry : std::filesystem::directory_iterator(where))
      if (entry.is_regular_file() && entry.path().filename() != "README.md") out.push_back(entry.path());
  } else {
    out.push_back(where);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int replayed = 0;
  for (int i = 1; i < argc; ++i) {
    for (const auto& path : inputs(argv[i])) {
      std::ifstream in(path, std::ios::binary);
      const std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
      try {
        // An empty input is passed as libFuzzer passes one: a valid pointer and size 0.
        static const std::uint8_t kNothing = 0;
        darkscan_fuzz_one(bytes.empty() ? &kNothing : reinterpret_cast<const std::uint8_t*>(bytes.data()),
                          bytes.size());
      } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: escaped the target: %s\n", path.c_str(), e.what());
        return 1;
      }
      ++replayed;
    }
  }
  std::printf("%d inputs replayed, each accepted or refused with one line\n", replayed);
  return replayed > 0 ? 0 : 1;
}
