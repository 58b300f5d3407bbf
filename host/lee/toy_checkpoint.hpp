#pragma once
// The look-elsewhere toys' checkpoint (docs/formats/outputs.md#toy-checkpoint): what a run has
// done so far, rewritten after every batch, so that an interrupted or failed run loses
// nothing and the same command resumes. A header names what the toys belong to (the
// fingerprint: version, seed, inputs' checksums, config, windows, settings, the record
// layout); toys 0 .. n − 1 follow as raw records, then the SHA-256 of all that. A
// checkpoint is used only when every byte verifies: toys are never merged from a file
// that was damaged, cut short or made for another run.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "darkscan/lee/toy_scan.hpp"
#include "io/shard_file.hpp"

namespace darkscan::lee {

// Written whole under `<path>.tmp` and renamed: a crash leaves the previous one. A write
// error (a full disk) throws std::runtime_error naming the file, with the previous
// checkpoint left as it was and the temporary removed.
void write_checkpoint(const std::filesystem::path& path, const std::string& fingerprint,
                      std::span<const ToyOutcome> toys);

struct CheckpointRead {
  std::vector<ToyOutcome> toys;  // the checkpoint's toys; none when it was not used
  // One line when a checkpoint was found and not used (why, and what became of it);
  // empty when there was none or it was used.
  std::string note;
};

// The toys of the checkpoint at `path` when it verifies and was made with this
// fingerprint. A damaged one (checksum, sizes, magic) is set aside as `<path>.corrupt`
// (removed where it cannot be renamed); another run's is left to be replaced by this
// run's first batch. Sizes in the file are checked against the file's own size before
// anything is allocated.
CheckpointRead read_checkpoint(const std::filesystem::path& path, const std::string& fingerprint);

// The first line in which two fingerprints differ (io/shard_file.hpp).
using io::first_differing_lines;

// The toys as the checkpoint stores them: raw records of sizeof(ToyOutcome) bytes, as
// the fingerprint's "record" line names them (a shard file's /lee_shard/toys holds the
// same records, docs/formats/outputs.md#lee-shard).
std::span<const std::byte> toy_record_bytes(std::span<const ToyOutcome> toys);
// The toys of `bytes`; std::nullopt unless a whole number of records.
std::optional<std::vector<ToyOutcome>> toys_from_records(std::span<const std::byte> bytes);

}  // namespace darkscan::lee
