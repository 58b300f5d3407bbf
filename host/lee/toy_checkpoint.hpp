#pragma once
// The look-elsewhere toys' checkpoint: what a run has done so far, rewritten after every
// batch, so that an interrupted or failed run loses nothing and the same command
// resumes. A header names what the toys belong to (the fingerprint: version, seed,
// inputs' checksums, config, settings); toys 0 .. n − 1 follow as raw records.
#include <filesystem>
#include <string>
#include <vector>

#include "darkscan/lee/toy_scan.hpp"

namespace darkscan::lee {

// Written whole under a temporary name and renamed: a crash leaves the previous one.
void write_checkpoint(const std::filesystem::path& path, const std::string& fingerprint,
                      const std::vector<ToyOutcome>& toys);

// The toys of a checkpoint made with the same fingerprint; none when there is none,
// it is another run's, or it is damaged.
std::vector<ToyOutcome> read_checkpoint(const std::filesystem::path& path, const std::string& fingerprint);

}  // namespace darkscan::lee
